"""A broadcast's life in the database: fire recurrences, start, fan out, expire, finish.

Every step is a guarded UPDATE (``WHERE status = ...``) in its own transaction, so several
processes can run the same scheduler job and each change still happens exactly once.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import (DateTime, Integer, String, and_, exists, false, func, literal, or_,
                        select, update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from delivery.states import BroadcastStatus as BS
from delivery.states import LIVE
from delivery.states import DeliveryState as DS
from handlers.domain import EventKind
from storage.tables.broadcasts import BroadcastRow, OutboxRow
from storage.repositories.broadcasts import OPEN, live_counts, residents, team_members
from storage.results import rowcount
from storage.tables.core import BigId, LedgerRow, SubscriberRow, UnitRow

if TYPE_CHECKING:
    from sqlalchemy import Select, Update

    from storage.tables.core import Base

NextTime = Callable[[str, datetime], datetime]
_OUTBOX_COLUMNS = ["channel", "chat_id", "subscriber_id", "unit_id", "language", "broadcast_id",
                   "state", "attempts"]
_CONTENT = ("bulletin_id", "text", "photo_ref", "photo_file_id", "topics", "unit_ids",
            "all_units", "audience", "sender", "sender_member_id", "allow_paid",
            "status_channel", "status_chat", "status_lang")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _update(table: type[Base]) -> Update:
    """An UPDATE that leaves loaded objects alone (these steps read fresh rows each time)."""
    return update(table).execution_options(synchronize_session=False)


class BroadcastLifecycle:
    """The scheduler job's steps; ``next_time`` is the recurrence rule (storage parses none)."""

    def __init__(self, engine: AsyncEngine, next_time: NextTime, *, batch: int = 10_000,
                 lease: timedelta = timedelta(seconds=60)) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._next_time, self._batch, self._lease = next_time, batch, lease

    async def fire_recurring(self, now: datetime) -> int:
        """Each due recurring bulletin gets one firing (a child broadcast) and its next time."""
        async with self._sessions() as s:
            parents = list(await s.scalars(select(BroadcastRow).where(
                BroadcastRow.status == BS.SCHEDULED, BroadcastRow.recurrence.is_not(None),
                BroadcastRow.start_at <= now)))
        fired = 0
        for parent in parents:
            fired += await self._fire(parent, now)
        return fired

    async def _fire(self, parent: BroadcastRow, now: datetime) -> int:
        assert parent.recurrence is not None   # fire_recurring reads only recurring ones
        due = _aware(parent.start_at)
        valid = timedelta(seconds=parent.valid_seconds or 86400)
        async with self._sessions() as s, s.begin():
            moved = await s.execute(_update(BroadcastRow).where(
                BroadcastRow.id == parent.id, BroadcastRow.status == BS.SCHEDULED,
                BroadcastRow.start_at == parent.start_at).values(
                start_at=self._next_time(parent.recurrence, now).astimezone(timezone.utc)))
            if rowcount(moved) != 1:
                return 0                      # another process fired it
            if now >= due + valid:
                return 0                      # missed while nobody ran: too late to send
            s.add(BroadcastRow(**{k: getattr(parent, k) for k in _CONTENT}, parent_id=parent.id,
                               status=BS.SCHEDULED, start_at=due, expires_at=due + valid,
                               valid_seconds=parent.valid_seconds, created_at=now))
        return 1

    async def start_due(self, now: datetime) -> list[int]:
        """Scheduled one-off bulletins whose time has come start running (published once)."""
        async with self._sessions() as s:
            due = list(await s.scalars(select(BroadcastRow.id).where(
                BroadcastRow.status == BS.SCHEDULED, BroadcastRow.recurrence.is_(None),
                BroadcastRow.start_at <= now).order_by(BroadcastRow.id)))
        started = []
        for broadcast_id in due:
            async with self._sessions() as s, s.begin():
                result = await s.execute(_update(BroadcastRow).where(
                    BroadcastRow.id == broadcast_id, BroadcastRow.status == BS.SCHEDULED).values(
                    status=BS.RUNNING, started_at=now))
                if rowcount(result) == 1:
                    await self._published(s, broadcast_id, now)
                    started.append(broadcast_id)
        return started

    async def _published(self, s: AsyncSession, broadcast_id: int, now: datetime) -> None:
        """One bulletin_published per target commune, so each commune's report counts it."""
        row = await s.get(BroadcastRow, broadcast_id)
        assert row is not None   # the id was just read, and broadcasts are never deleted
        units = row.unit_ids
        if row.all_units:
            parents = select(UnitRow.parent_id).where(UnitRow.parent_id.is_not(None))
            units = list(await s.scalars(select(UnitRow.id).where(
                UnitRow.active, UnitRow.id.not_in(parents)).order_by(UnitRow.id)))
        for unit_id in units:
            s.add(LedgerRow(at=now, kind=EventKind.BULLETIN_PUBLISHED.value, unit_id=unit_id,
                            topic=_first(row.topics), ref=str(broadcast_id), count=1,
                            channel="", data={"audience": row.audience, "topics": row.topics}))

    async def fan_out(self, channels: list[str]) -> int:
        """Enqueue the recipients of running broadcasts not yet fanned out; returns rows added."""
        async with self._sessions() as s:
            pending = list(await s.scalars(select(BroadcastRow.id).where(
                BroadcastRow.status.in_(LIVE), BroadcastRow.fanout_done == false(),
                or_(BroadcastRow.fanout_lease_until.is_(None),
                    BroadcastRow.fanout_lease_until < _now()))))
        added = 0
        for broadcast_id in pending:
            if await self._take_fanout(broadcast_id, channels):
                added += await self._fan_out_one(broadcast_id)
        return added

    async def _take_fanout(self, broadcast_id: int, channels: list[str]) -> bool:
        """One process fans a broadcast out; a dead one's lease runs out and another resumes."""
        now = _now()
        async with self._sessions() as s, s.begin():
            row = await s.get(BroadcastRow, broadcast_id)
            assert row is not None   # the id was just read, and broadcasts are never deleted
            result = await s.execute(_update(BroadcastRow).where(
                BroadcastRow.id == broadcast_id, BroadcastRow.fanout_done == false(),
                or_(BroadcastRow.fanout_lease_until.is_(None),
                    BroadcastRow.fanout_lease_until < now)).values(
                fanout_lease_until=now + self._lease, channels=row.channels or list(channels)))
            return rowcount(result) == 1

    async def _fan_out_one(self, broadcast_id: int) -> int:
        added = 0
        while True:
            async with self._sessions() as s, s.begin():
                step = await self._fan_out_batch(s, broadcast_id)
            if step is None:
                return added
            added += step
            await asyncio.sleep(0)   # let residents' replies run between batches

    async def _fan_out_batch(self, s: AsyncSession, broadcast_id: int) -> int | None:
        """One batch of subscribers (by id range) into the outbox; None once all are in."""
        row = await s.get(BroadcastRow, broadcast_id)
        assert row is not None   # the id was just read, and broadcasts are never deleted
        if row.fanout_done or row.status not in LIVE:
            return None
        low = row.fanout_cursor
        high = await self._batch_end(s, low) if row.audience != "team" else None
        if high is None:
            return await self._finish_fan_out(s, row)
        claim = await s.execute(_update(BroadcastRow).where(
            BroadcastRow.id == row.id, BroadcastRow.fanout_cursor == low,
            BroadcastRow.status.in_(LIVE)).values(fanout_cursor=high,
                                                  fanout_lease_until=_now() + self._lease))
        if rowcount(claim) != 1:
            return None
        chosen = residents(row.topics, row.unit_ids, row.all_units, row.channels).where(
            SubscriberRow.id > low, SubscriberRow.id <= high)
        added = await self._enqueue(s, row.id, chosen)
        await s.execute(_update(BroadcastRow).where(BroadcastRow.id == row.id).values(
            total=BroadcastRow.total + added))
        return added

    async def _batch_end(self, s: AsyncSession, low: int) -> int | None:
        """The id of the batch-th subscriber after ``low`` (or the last one)."""
        after = select(SubscriberRow.id).where(SubscriberRow.id > low)
        high = await s.scalar(after.order_by(SubscriberRow.id).offset(self._batch - 1).limit(1))
        return high if high is not None else await s.scalar(
            select(func.max(SubscriberRow.id)).where(SubscriberRow.id > low))

    async def _finish_fan_out(self, s: AsyncSession, row: BroadcastRow) -> int:
        added = 0
        if row.audience in ("team", "both"):
            added = await self._enqueue(s, row.id, team_members(row.unit_ids, row.all_units,
                                                                row.channels))
        total = await s.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.broadcast_id == row.id))
        await s.execute(_update(BroadcastRow).where(BroadcastRow.id == row.id).values(
            fanout_done=True, total=total, fanout_lease_until=None))
        return added

    async def _enqueue(self, s: AsyncSession, broadcast_id: int,
                       chosen: Select[str, str, int, int | None, str]) -> int:
        """INSERT ... SELECT DISTINCT ... ON CONFLICT DO NOTHING: a repeat adds nothing twice."""
        rows = chosen.add_columns(literal(broadcast_id, BigId), literal(DS.PENDING.value, String),
                                  literal(0, Integer))
        statement = self._insert(OutboxRow).from_select(_OUTBOX_COLUMNS, rows)
        result = await s.execute(statement.on_conflict_do_nothing())
        return max(rowcount(result), 0)

    async def expire_due(self, now: datetime) -> list[int]:
        """Past their expiry, copies not yet sent are not sent: one delivery_expired each."""
        async with self._sessions() as s:
            due = list(await s.scalars(select(BroadcastRow.id).where(
                or_(BroadcastRow.status.in_(LIVE), and_(BroadcastRow.status == BS.SCHEDULED,
                                                        BroadcastRow.recurrence.is_(None))),
                BroadcastRow.expires_at <= now)))
        return [i for i in due if await self._end(i, BS.EXPIRED, now, (BS.SCHEDULED,) + LIVE)]

    async def finish_done(self, now: datetime) -> list[int]:
        """Running broadcasts fully fanned out with nothing left to send are finished."""
        still_open = select(OutboxRow.id).where(OutboxRow.broadcast_id == BroadcastRow.id,
                                                OutboxRow.state.in_(OPEN))
        async with self._sessions() as s:
            done = list(await s.scalars(select(BroadcastRow.id).where(
                BroadcastRow.status == BS.RUNNING, BroadcastRow.fanout_done, ~exists(still_open))))
        return [i for i in done if await self._end(i, BS.FINISHED, now, (BS.RUNNING,))]

    async def settle_stopped(self, now: datetime) -> int:
        """Rows that became pending after their broadcast was cancelled or expired (handed back
        by a drain, or enqueued by a late fan-out batch) get the same end as the others."""
        stopped = select(BroadcastRow.id).where(
            BroadcastRow.status.in_((BS.CANCELLED, BS.EXPIRED)),
            BroadcastRow.ended_at > now - timedelta(days=1))
        leftovers = (select(OutboxRow.broadcast_id, BroadcastRow.status).distinct()
                     .join(BroadcastRow, BroadcastRow.id == OutboxRow.broadcast_id)
                     .where(OutboxRow.state == DS.PENDING, OutboxRow.broadcast_id.in_(stopped)))
        async with self._sessions() as s:
            found = list(await s.execute(leftovers))
        for broadcast_id, status in found:
            async with self._sessions() as s, s.begin():
                if status == BS.EXPIRED:
                    await self._expire_rows(s, broadcast_id, now)
                else:
                    await s.execute(_update(OutboxRow).where(
                        OutboxRow.broadcast_id == broadcast_id, OutboxRow.state == DS.PENDING)
                        .values(state=DS.CANCELLED, done_at=now))
        return len(found)

    async def _end(self, broadcast_id: int, status: str, now: datetime,
                   allowed: tuple[BS, ...]) -> bool:
        async with self._sessions() as s, s.begin():
            result = await s.execute(_update(BroadcastRow).where(
                BroadcastRow.id == broadcast_id, BroadcastRow.status.in_(allowed)).values(
                status=status, ended_at=now, fanout_lease_until=None))
            if rowcount(result) != 1:
                return False
            if status == BS.EXPIRED:
                await self._expire_rows(s, broadcast_id, now)
            counts = await live_counts(s, broadcast_id)
            await s.execute(_update(BroadcastRow).where(BroadcastRow.id == broadcast_id).values(
                **{k: counts.get(k, 0) for k in (DS.SENT, DS.FAILED, DS.BLOCKED, DS.EXPIRED)}))
        return True

    async def _expire_rows(self, s: AsyncSession, broadcast_id: int, now: datetime) -> None:
        row = await s.get(BroadcastRow, broadcast_id)
        assert row is not None   # the id was just read, and broadcasts are never deleted
        waiting = select(literal(now, DateTime(timezone=True)),
                         literal(EventKind.DELIVERY_EXPIRED.value, String),
                         OutboxRow.channel, OutboxRow.unit_id,
                         literal(_first(row.topics), String), literal(str(broadcast_id), String),
                         literal(1, Integer)).where(OutboxRow.broadcast_id == broadcast_id,
                                           OutboxRow.state == DS.PENDING)
        await s.execute(LedgerRow.__table__.insert().from_select(
            ["at", "kind", "channel", "unit_id", "topic", "ref", "count"], waiting))
        await s.execute(_update(OutboxRow).where(OutboxRow.broadcast_id == broadcast_id,
                                                OutboxRow.state == DS.PENDING).values(
            state=DS.EXPIRED, done_at=now))


def _first(topics: list[str] | None) -> str | None:
    return topics[0] if topics else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
