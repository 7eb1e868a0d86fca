"""Recording send outcomes in groups: one transaction, a handful of statements, one commit.

Outcomes that arrive at nearly the same moment (the sends in flight finish together) are written
together; each caller still waits for the commit that holds its own row, so an outcome is durable
before the drain moves on and the crash-safety promise is unchanged. On SQLite, the single writer,
this keeps the write lock short and rare enough for residents' turns to get it quickly.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery.states import WITH_REASON, DeliveryState
from handlers.domain import EventKind
from storage.broadcast_tables import BroadcastRow, OutboxRow
from storage.models import LedgerRow

_OUTBOX = OutboxRow.__table__
_FINAL = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("b_id"), _OUTBOX.c.state == DeliveryState.SENDING)
          .values(state=bindparam("b_state"), done_at=bindparam("b_at"),
                  message_ref=func.coalesce(bindparam("b_ref"), _OUTBOX.c.message_ref),
                  last_error=func.coalesce(bindparam("b_error"), _OUTBOX.c.last_error)))
_RETRY = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("b_id"), _OUTBOX.c.state == DeliveryState.SENDING)
          .values(state=DeliveryState.PENDING, attempts=_OUTBOX.c.attempts + 1, claimed_at=None,
                  not_before=bindparam("b_not_before"), last_error=bindparam("b_error")))



@dataclass
class Outcome:
    """One row's outcome: a final state (with its ledger kind) or a retry."""

    item_id: int
    state: DeliveryState              # a final state, or PENDING for a retry
    kind: EventKind | None = None
    message_ref: str | None = None
    error: str | None = None
    not_before: datetime | None = None
    done: asyncio.Future = field(default=None, repr=False)


class OutcomeWriter:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self._sessions = sessions
        self._queue: list[Outcome] = []
        self._flusher: asyncio.Task | None = None
        self._topics: dict[int, str | None] = {}   # broadcast -> the topic its ledger rows carry

    async def record(self, outcome: Outcome) -> None:
        """Write ``outcome`` with whatever else is waiting; returns once it is committed."""
        outcome.done = asyncio.get_running_loop().create_future()
        self._queue.append(outcome)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await outcome.done

    async def _flush(self) -> None:
        await asyncio.sleep(0)   # outcomes of sends that finished together join this batch
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                async with self._sessions() as s, s.begin():
                    await self._write(s, batch)
            except Exception as error:   # none of the batch was written: every caller knows
                _settle(batch, error)
            else:
                _settle(batch, None)

    async def _write(self, s: AsyncSession, batch: list[Outcome]) -> None:
        now = datetime.now(timezone.utc)
        retries = [o for o in batch if o.state is DeliveryState.PENDING]
        finals = [o for o in batch if o.state is not DeliveryState.PENDING]
        if retries:
            await s.execute(_RETRY, [{"b_id": o.item_id, "b_not_before": o.not_before,
                                      "b_error": o.error} for o in retries])
        if finals:
            await self._write_finals(s, finals, now)

    async def _write_finals(self, s: AsyncSession, finals: list[Outcome], now: datetime) -> None:
        # Only rows still 'sending' are ours: one requeued after a lost lease is left alone.
        rows = {r.id: r for r in await s.execute(select(
            OutboxRow.id, OutboxRow.broadcast_id, OutboxRow.channel, OutboxRow.unit_id).where(
            OutboxRow.id.in_([o.item_id for o in finals]), OutboxRow.state == DeliveryState.SENDING))}
        finals = [o for o in finals if o.item_id in rows]
        if not finals:
            return
        await s.execute(_FINAL, [{"b_id": o.item_id, "b_state": o.state, "b_at": now,
                                  "b_ref": o.message_ref, "b_error": o.error} for o in finals])
        ledger = []
        for o in finals:
            row = rows[o.item_id]
            ledger.append(dict(at=now, kind=o.kind.value, channel=row.channel,
                               unit_id=row.unit_id, topic=await self._topic(s, row.broadcast_id),
                               ref=str(row.broadcast_id), count=1,
                               data={"reason": o.error} if o.state in WITH_REASON else None))
        await s.execute(LedgerRow.__table__.insert(), ledger)

    async def _topic(self, s: AsyncSession, broadcast_id: int) -> str | None:
        if broadcast_id not in self._topics:
            topics = await s.scalar(select(BroadcastRow.topics).where(
                BroadcastRow.id == broadcast_id))
            self._topics[broadcast_id] = topics[0] if topics else None
        return self._topics[broadcast_id]


def _settle(batch: list[Outcome], error: Exception | None) -> None:
    for outcome in batch:
        if outcome.done.done():
            continue
        if error is None:
            outcome.done.set_result(None)
        else:
            outcome.done.set_exception(error)
