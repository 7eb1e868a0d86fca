"""What a drain needs from storage (an outbox) and from a channel (a sender)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol

from delivery.item import OutboxItem
from handlers.messages import Message


class Outbox(Protocol):
    """Delivery rows through the life cycle of delivery.states (storage implements).

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

    async def mark_unreached(self, item_id: int, reason: str) -> None:
        """'sending' → 'unreached' with the reason: the channel may not reach this recipient now
        (e.g. outside Zalo's reply window); never retried, counted apart from failures."""
        ...

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        """'sending' → 'pending' with attempts + 1, last_error = reason, not_before."""
        ...

    async def release(self, item_ids: list[int]) -> None:
        """'sending' -> 'pending' without counting an attempt: claimed, then not sent because
        the broadcast was paused or cancelled meanwhile (see Gate)."""
        ...

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        """Rows left 'sending' (claimed at or before ``older_than``) go back to 'pending'.

        They were left by a crash or a storage outage mid-batch. Attempts are not increased: that
        is not the recipient's fault. Returns how many rows were requeued.
        """
        ...


class NotificationOutbox(Outbox, Protocol):
    """The notifications' outbox: its rows hold the message and (for a tipster) the sealed link."""

    async def content(self, item: OutboxItem) -> tuple[Message | None, str | None, str | None]:
        """(message, chat_id or None, sealed link of a tipster or None); message None: gone."""
        ...


class Sender(Protocol):
    """Sends one outbox item on one channel; raises delivery.errors types on failure."""

    async def send(self, item: OutboxItem) -> str:
        """Deliver ``item`` and return the platform's message reference."""
        ...


OnBlocked = Callable[[OutboxItem], Awaitable[None]]
# Whether a broadcast may still be sent now (not paused, cancelled or expired since the claim).
Gate = Callable[[int | None], Awaitable[bool]]


@dataclass
class DrainStats:
    """Outcome counters of a drain (or of one batch)."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    flood_waits: int = 0
    withheld: int = 0   # claimed, then given back unsent: their broadcast stopped meanwhile
    unreached: int = 0  # not attempted: out of the channel's reach (Zalo's reply window)

    def __iadd__(self, other: DrainStats) -> DrainStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def finished(self) -> int:
        """Rows that reached a final state (sent, blocked, failed or unreached)."""
        return self.sent + self.blocked + self.failed + self.unreached
