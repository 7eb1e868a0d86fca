"""Bulletin composition, targeting, scheduling, fan-out and the outbox drain (issue: broadcast engine)."""
