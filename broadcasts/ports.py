"""What the broadcast screens and the CLI need from storage (the delivery engine's ports are in
delivery.ports)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Recipient:
    """A subscriber a broadcast is fanned out to."""

    channel: str
    chat_id: str
    subscriber_id: int | None = None


class BroadcastView(Protocol):
    """A stored broadcast as the screens and the status message read it (storage provides it)."""

    id: int
    parent_id: int | None
    status: str
    text: str
    photo_ref: str | None
    photo_error: str | None
    topics: list[str]
    unit_ids: list[int]
    all_units: bool
    audience: str
    sender: str
    start_at: datetime
    expires_at: datetime | None
    recurrence: str | None
    total: int
    sent: int
    failed: int
    blocked: int
    expired: int
    pending: int       # pending or sending now
    unreached: int     # not sent: out of the channel's reach (outside Zalo's reply window)
    rate: float        # measured messages per second (0 until the status reporter measures it)
    fanout_done: bool


class BroadcastRepository(Protocol):
    """Broadcasts as the dialogue and the CLI use them; part of a unit of work (no commits)."""

    async def create(self, fields: dict) -> int:
        """Store a broadcast (draft or scheduled) from column values; returns its id."""
        ...

    async def confirm(self, broadcast_id: int) -> bool:
        """draft -> scheduled; False if it was not a draft any more (confirm pressed twice)."""
        ...

    async def get(self, broadcast_id: int) -> BroadcastView | None:
        """The broadcast with its live delivery counts."""
        ...

    async def recent(self, limit: int) -> list[BroadcastView]:
        """Latest confirmed broadcasts first (drafts left out)."""
        ...

    async def change(self, broadcast_id: int, allowed: set[str], target: str,
                     now: datetime) -> bool:
        """Move to ``target`` if the status is one of ``allowed`` (one winner between processes)."""
        ...

    async def count_recipients(self, topics: list[str], unit_ids: list[int], all_units: bool,
                               audience: str, channels: list[str]) -> int:
        """How many distinct chats a fan-out with these choices would reach now."""
        ...
