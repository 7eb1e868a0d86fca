"""Composition root, channel adapters, HTTP server, scheduler and CLI of antt-bot."""
