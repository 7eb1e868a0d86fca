"""Strict fakes of Zalo's servers on loopback, for driving the real adapters over HTTP."""
