"""The row shape both outboxes share (broadcast deliveries and notifications): a port that
storage implements and the drains in broadcasts/ consume."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutboxItem:
    """One claimed delivery: one message of one broadcast (or one notification) to one chat."""

    id: int
    broadcast_id: int
    channel: str
    chat_id: str
    subscriber_id: int | None
    attempts: int  # failed attempts so far (retry_later adds one)
    payload_ref: str = ""  # what to send (e.g. a broadcast part); the sender resolves it
    last_error: str | None = None  # reason given to the last retry_later, e.g. "chat_not_found"
