"""The broadcast engine wired into `python -m bot run` and the CLI (drains, scheduler, status)."""
