"""Recording send outcomes in groups: one transaction, a handful of statements, one commit.

Outcomes that arrive at nearly the same moment (the sends in flight finish together) are written
together; each caller still waits for the commit that holds its own row, so an outcome is durable
before the drain moves on and the crash-safety promise is unchanged. On SQLite, the single writer,
this keeps the write lock short and rare enough for residents' turns to get it quickly.

The group is written with SQLAlchemy Core on one connection: the final states in one UPDATE (a
CASE per column; one statement per group size, built and compiled once, since building it took
a tenth of the drain's CPU) that returns the rows it changed, their ledger rows in one INSERT,
the retries in one executemany. The drain waits for this commit with a send slot held, so its length is
part of every message's cost (broadcast_benchmark.py).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import Update, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from delivery.states import WITH_REASON, DeliveryState
from handlers.domain import EventKind
from storage.tables.broadcasts import BroadcastRow, OutboxRow
from storage.tables.core import LedgerRow

_OUTBOX = OutboxRow.__table__
_LEDGER = LedgerRow.__table__
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
    done: asyncio.Future[None] | None = field(default=None, repr=False)   # set by record()


class OutcomeWriter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._queue: list[Outcome] = []
        self._flusher: asyncio.Task[None] | None = None
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
                async with self._engine.begin() as conn:
                    await self._write(conn, batch)
            except Exception as error:   # none of the batch was written: every caller knows
                _settle(batch, error)
            else:
                _settle(batch, None)

    async def _write(self, conn: AsyncConnection, batch: list[Outcome]) -> None:
        retries = [o for o in batch if o.state is DeliveryState.PENDING]
        finals = _first_of_each([o for o in batch if o.state is not DeliveryState.PENDING])
        if retries:
            await conn.execute(_RETRY, [{"b_id": o.item_id, "b_not_before": o.not_before,
                                         "b_error": o.error} for o in retries])
        if finals:
            await self._write_finals(conn, finals, datetime.now(timezone.utc))

    async def _write_finals(self, conn: AsyncConnection, finals: dict[int, Outcome],
                            now: datetime) -> None:
        # Only rows still 'sending' are ours: one requeued after a lost lease is left alone,
        # and RETURNING says which those were.
        statement, params = _finals_update(finals, now)
        changed = (await conn.execute(statement, params)).all()
        if not changed:
            return
        ledger = []
        for row in sorted(changed, key=lambda r: r.id):
            o = finals[row.id]
            assert o.kind is not None   # a final state has its ledger kind
            ledger.append(dict(at=now, kind=o.kind.value, channel=row.channel,
                               unit_id=row.unit_id, topic=await self._topic(conn, row.broadcast_id),
                               ref=str(row.broadcast_id), count=1,
                               data={"reason": o.error} if o.state in WITH_REASON else None))
        await conn.execute(_LEDGER.insert(), ledger)

    async def _topic(self, conn: AsyncConnection, broadcast_id: int) -> str | None:
        if broadcast_id not in self._topics:
            topics = await conn.scalar(select(BroadcastRow.topics).where(
                BroadcastRow.id == broadcast_id))
            self._topics[broadcast_id] = topics[0] if topics else None
        return self._topics[broadcast_id]


def _first_of_each(finals: list[Outcome]) -> dict[int, Outcome]:
    """One final outcome per row (a row is final once: a second one would find it not 'sending')."""
    by_id: dict[int, Outcome] = {}
    for o in finals:
        by_id.setdefault(o.item_id, o)
    return by_id


def _finals_update(finals: dict[int, Outcome], now: datetime) -> tuple[Update, dict[str, Any]]:
    """One UPDATE of every row of ``finals`` still 'sending', returning what the ledger needs:
    the statement (one per group size, built and compiled once) and its parameters."""
    params: dict[str, Any] = {"b_now": now}
    for index, (item_id, outcome) in enumerate(finals.items()):
        params[f"b_id{index}"], params[f"b_state{index}"] = item_id, outcome.state.value
        params[f"b_ref{index}"], params[f"b_error{index}"] = outcome.message_ref, outcome.error
    return _finals_statement(len(finals)), params


@lru_cache(maxsize=64)
def _finals_statement(size: int) -> Update:
    """An outcome without a message ref or an error keeps the row's (coalesce)."""
    c = _OUTBOX.c
    ids = [bindparam(f"b_id{i}", type_=c.id.type) for i in range(size)]

    def per_row(name: str, column: Any, keep: bool) -> Any:
        whens = [(c.id == ids[i], func.coalesce(bindparam(f"b_{name}{i}", type_=column.type),
                                                column) if keep else
                  bindparam(f"b_{name}{i}", type_=column.type)) for i in range(size)]
        return case(*whens, else_=column)
    return (update(_OUTBOX).where(c.id.in_(ids), c.state == DeliveryState.SENDING)
            .values(state=per_row("state", c.state, False),
                    done_at=bindparam("b_now", type_=c.done_at.type),
                    message_ref=per_row("ref", c.message_ref, True),
                    last_error=per_row("error", c.last_error, True))
            .returning(c.id, c.broadcast_id, c.channel, c.unit_id))


def _settle(batch: list[Outcome], error: Exception | None) -> None:
    for outcome in batch:
        done = outcome.done
        assert done is not None   # record() gave it one before queueing it
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
