"""The console channel: the same conversations in a terminal."""
