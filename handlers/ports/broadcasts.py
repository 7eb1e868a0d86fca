"""Broadcasts as the composing screens and the CLI read and change them."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol


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

    async def create(self, fields: dict[str, Any]) -> int:
        """Store a broadcast (draft or scheduled) from column values; returns its id."""
        ...

    async def confirm(self, broadcast_id: int, start_at: datetime,
                      expires_at: datetime | None) -> bool:
        """draft -> scheduled from ``start_at``; False if it was not a draft any more (confirm
        pressed twice)."""
        ...

    async def get(self, broadcast_id: int) -> BroadcastView | None:
        """The broadcast with its live delivery counts."""
        ...

    async def recent(self, limit: int) -> Sequence[BroadcastView]:
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

