"""Fakes for the broadcast engine: an in-memory outbox and a recording, scriptable sender."""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tests.fakes.clock import FakeClock
from delivery.item import OutboxItem
from delivery.states import DeliveryState, may_move

FINAL = {"sent", "failed", "blocked"}


class StorageDown(ConnectionError):
    """What the fake outbox raises while ``down`` is set."""


@dataclass
class Row:
    id: int
    broadcast_id: int
    channel: str
    chat_id: str
    subscriber_id: int | None
    language: str | None = None
    state: str = "pending"
    attempts: int = 0
    not_before: datetime | None = None
    last_error: str | None = None
    claimed_at: datetime | None = None
    message_ref: str | None = None
    history: list[str] = field(default_factory=lambda: ["pending"])

    def item(self) -> OutboxItem:
        return OutboxItem(id=self.id, channel=self.channel, attempts=self.attempts,
                          chat_id=self.chat_id, subscriber_id=self.subscriber_id,
                          broadcast_id=self.broadcast_id, language=self.language,
                          last_error=self.last_error)


class MemoryOutbox:
    """The Outbox protocol over a dict, with the state machine checked on every transition."""

    def __init__(self) -> None:
        self.rows: dict[int, Row] = {}
        self.down = False  # set to make every call fail, as a database that went away
        self._ids = itertools.count(1)

    def add(self, chat_id: str, *, channel: str = "telegram", broadcast_id: int = 1,
            subscriber_id: int | None = None, language: str | None = None) -> int:
        row_id = next(self._ids)
        self.rows[row_id] = Row(row_id, broadcast_id, channel, chat_id, subscriber_id, language)
        return row_id

    def add_many(self, chat_ids, **kwargs) -> list[int]:
        return [self.add(chat_id, **kwargs) for chat_id in chat_ids]

    def states(self) -> Counter:
        return Counter(row.state for row in self.rows.values())

    def row_for(self, chat_id: str) -> Row:
        (row,) = [r for r in self.rows.values() if r.chat_id == chat_id]
        return row

    async def claim(self, channel: str, limit: int, now: datetime) -> list[OutboxItem]:
        self._check()
        due = [r for r in self.rows.values() if r.channel == channel and r.state == "pending"
               and (r.not_before is None or r.not_before <= now)][:limit]
        for row in due:
            self._move(row, "sending")
            row.claimed_at = now
        return [row.item() for row in due]

    async def mark_sent(self, item_id: int, message_ref: str) -> None:
        self._finish(item_id, "sent").message_ref = message_ref

    async def mark_blocked(self, item_id: int) -> None:
        self._finish(item_id, "blocked")

    async def mark_failed(self, item_id: int, reason: str) -> None:
        self._finish(item_id, "failed").last_error = reason

    async def mark_unreached(self, item_id: int, reason: str) -> None:
        self._finish(item_id, "unreached").last_error = reason

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        row = self._finish(item_id, "pending")
        row.attempts += 1
        row.not_before, row.last_error = not_before, reason

    async def release(self, item_ids: list[int]) -> None:
        for item_id in item_ids:
            self._finish(item_id, "pending")

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        self._check()
        stale = [r for r in self.rows.values() if r.channel == channel and r.state == "sending"
                 and r.claimed_at is not None and r.claimed_at <= older_than]
        for row in stale:
            self._move(row, "pending")
        return len(stale)

    def _finish(self, item_id: int, state: str) -> Row:
        self._check()
        row = self.rows[item_id]
        assert row.state == "sending", f"row {item_id} is {row.state}, not sending"
        self._move(row, state)
        return row

    def _move(self, row: Row, state: str) -> None:
        assert may_move(DeliveryState(row.state), DeliveryState(state)), (row.state, state)
        row.state = state
        row.history.append(state)

    def _check(self) -> None:
        if self.down:
            raise StorageDown("database unavailable")


@dataclass(frozen=True)
class Call:
    at: float
    chat_id: str
    item_id: int
    attempts: int


class ScriptedSender:
    """Records every send; ``script`` gives a chat's next outcomes (an exception, or None = ok)."""

    def __init__(self, clock: FakeClock, outbox: MemoryOutbox | None = None, *,
                 latency: float = 0.0) -> None:
        self.clock = clock
        self.outbox = outbox
        self.latency = latency
        self.slow: dict[str, float] = {}  # per-chat latency overrides
        self.script: dict[str, list[BaseException | None]] = {}
        self.calls: list[Call] = []  # every attempt, at the moment it started
        self.delivered: list[Call] = []  # attempts that succeeded
        self.in_flight = 0
        self.max_in_flight = 0

    def will(self, chat_id: str, *outcomes: BaseException | None) -> None:
        self.script.setdefault(chat_id, []).extend(outcomes)

    def times_for(self, chat_id: str) -> list[float]:
        return [c.at for c in self.calls if c.chat_id == chat_id]

    async def send(self, item: OutboxItem) -> str:
        call = Call(self.clock.now(), item.chat_id, item.id, item.attempts)
        self.calls.append(call)
        if self.outbox is not None:  # a row is 'sending' before it is a request
            assert self.outbox.rows[item.id].state == "sending"
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.clock.sleep(self.slow.get(item.chat_id, self.latency))
            outcomes = self.script.get(item.chat_id)
            outcome = outcomes.pop(0) if outcomes else None
            if outcome is not None:
                raise outcome
        finally:
            self.in_flight -= 1
        self.delivered.append(call)
        return f"msg-{item.id}-{len(self.calls)}"
