"""What the drain needs from storage (an outbox) and from a channel (a sender)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class OutboxItem:
    """One claimed delivery: one message of one broadcast to one chat."""

    id: int
    broadcast_id: int
    channel: str
    chat_id: str
    subscriber_id: int | None
    attempts: int  # failed attempts so far (retry_later adds one)
    payload_ref: str = ""  # what to send (e.g. a broadcast part); the sender resolves it
    last_error: str | None = None  # reason given to the last retry_later, e.g. "chat_not_found"


@dataclass(frozen=True)
class Recipient:
    """A subscriber a broadcast is fanned out to."""

    channel: str
    chat_id: str
    subscriber_id: int | None = None


class Outbox(Protocol):
    """Delivery rows with state pending → sending → sent | failed | blocked (storage implements).

    Timestamps are aware UTC. Every method commits its own change: the drain marks each row right
    after its send, so a crash repeats at most the sends that were in flight.
    """

    async def claim(self, channel: str, limit: int, now: datetime) -> list[OutboxItem]:
        """Atomically turn up to ``limit`` pending rows with not_before <= now into 'sending'.

        The lease (claimed_at = now) must outlast a batch: batch_size / rate plus the longest
        flood wait. Rows of paused, cancelled or expired broadcasts are not claimed.
        """
        ...

    async def mark_sent(self, item_id: int, message_ref: str) -> None:
        """'sending' → 'sent', keeping the platform's message id."""
        ...

    async def mark_blocked(self, item_id: int) -> None:
        """'sending' → 'blocked': the recipient is gone."""
        ...

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """'sending' → 'failed' with the reason; never retried."""
        ...

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        """'sending' → 'pending' with attempts + 1, last_error = reason, not_before."""
        ...

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        """Rows left 'sending' (claimed at or before ``older_than``) go back to 'pending'.

        They were left by a crash or a storage outage mid-batch. Attempts are not increased: that
        is not the recipient's fault. Returns how many rows were requeued.
        """
        ...


class Sender(Protocol):
    """Sends one outbox item on one channel; raises broadcasts.errors types on failure."""

    async def send(self, item: OutboxItem) -> str:
        """Deliver ``item`` and return the platform's message reference."""
        ...


OnBlocked = Callable[[OutboxItem], Awaitable[None]]


@dataclass
class DrainStats:
    """Outcome counters of a drain (or of one batch)."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    flood_waits: int = 0

    def __iadd__(self, other: DrainStats) -> DrainStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def finished(self) -> int:
        """Rows that reached a final state (sent, blocked or failed)."""
        return self.sent + self.blocked + self.failed
