"""Residents and their conversations: subscriptions, dialogue state, the ledger, update ids."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from handlers.domain import DialogueState, EventKind, Subscriber


class SubscriberRepository(Protocol):
    async def get(self, channel: str, user_id: str) -> Subscriber | None: ...
    async def save(self, subscriber: Subscriber) -> Subscriber: ...
    async def count_active(self) -> int: ...


class DialogueRepository(Protocol):
    async def get(self, channel: str, user_id: str) -> DialogueState | None: ...
    async def put(self, channel: str, user_id: str, state: DialogueState) -> None: ...
    async def reset_stale(self, step_prefix: str, before: datetime) -> int:
        """Send people left on a step starting with ``step_prefix`` since ``before`` home."""
        ...


class Ledger(Protocol):
    """The append-only event ledger the statistics are counted from."""

    def record(self, kind: EventKind, *, channel: str = "", unit_id: int | None = None,
               topic: str | None = None, ref: str | None = None, count: int = 1,
               data: dict[str, Any] | None = None) -> None: ...


class ProcessedUpdates(Protocol):
    async def first_time(self, channel: str, update_id: str) -> bool: ...
    async def forget_before(self, cutoff: datetime) -> int: ...
