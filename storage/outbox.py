"""The broadcast outbox (broadcasts.ports.Outbox) and the lease that keeps one drain per account.

Each method commits before it returns: the drain marks a row right before and right after its
send, so a crash repeats at most the sends in flight (outcomes finishing together share one
commit: storage.outbox_writes). Claims lease rows atomically; on
PostgreSQL with ``FOR UPDATE SKIP LOCKED``, on SQLite (one writer at a time) by a single
``UPDATE ... WHERE id IN (SELECT ...) RETURNING``.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handlers.domain import EventKind
from storage.broadcast_tables import BroadcastRow, DrainLeaseRow, OutboxRow
from storage.broadcasts import BroadcastInfo, aware, info_of
from storage.outbox_writes import Outcome, OutcomeWriter

_RETURNED = (OutboxRow.id, OutboxRow.broadcast_id, OutboxRow.channel, OutboxRow.chat_id,
             OutboxRow.subscriber_id, OutboxRow.attempts, OutboxRow.language,
             OutboxRow.last_error)
_NO_SYNC = {"synchronize_session": False}


def _now() -> datetime:
    return datetime.now(timezone.utc)


class SqlOutbox:
    """Outbox rows of every broadcast; ``make_item`` builds the drain's OutboxItem from a row."""

    def __init__(self, engine: AsyncEngine, make_item: Callable[..., Any]) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._postgres = engine.dialect.name == "postgresql"
        self._make_item = make_item
        self._writer = OutcomeWriter(self._sessions)   # outcomes written in groups

    async def claim(self, channel: str, limit: int, now: datetime) -> list:
        running = select(BroadcastRow.id).where(
            BroadcastRow.status == "running",
            or_(BroadcastRow.expires_at.is_(None), BroadcastRow.expires_at > now))
        due = (select(OutboxRow.id).where(
            OutboxRow.channel == channel, OutboxRow.state == "pending",
            or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now),
            OutboxRow.broadcast_id.in_(running)).order_by(OutboxRow.id).limit(limit))
        if self._postgres:   # another claimer skips these rows instead of waiting for them
            due = due.with_for_update(skip_locked=True, of=OutboxRow)
        statement = (update(OutboxRow).where(OutboxRow.id.in_(due))
                     .values(state="sending", claimed_at=now).returning(*_RETURNED))
        async with self._sessions() as s, s.begin():
            rows = (await s.execute(statement, execution_options=_NO_SYNC)).all()
        return [self._item(row) for row in sorted(rows, key=lambda r: r.id)]

    def _item(self, row) -> Any:
        # payload_ref carries the recipient's language: the sender writes the link line in it
        return self._make_item(id=row.id, broadcast_id=row.broadcast_id, channel=row.channel,
                               chat_id=row.chat_id, subscriber_id=row.subscriber_id,
                               attempts=row.attempts, payload_ref=row.language,
                               last_error=row.last_error)

    async def mark_sent(self, item_id: int, message_ref: str) -> None:
        await self._writer.record(Outcome(item_id, "sent", EventKind.DELIVERED,
                                          message_ref=message_ref[:64]))

    async def mark_blocked(self, item_id: int) -> None:
        await self._writer.record(Outcome(item_id, "blocked", EventKind.DELIVERY_BLOCKED))

    async def mark_failed(self, item_id: int, reason: str) -> None:
        await self._writer.record(Outcome(item_id, "failed", EventKind.DELIVERY_FAILED,
                                          error=reason[:200]))

    async def mark_unreached(self, item_id: int, reason: str) -> None:
        await self._writer.record(Outcome(item_id, "unreached", EventKind.DELIVERY_OUT_OF_REACH,
                                          error=reason[:200]))

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        await self._writer.record(Outcome(item_id, "pending", error=reason[:200],
                                          not_before=not_before))

    async def release(self, item_ids: list[int]) -> None:
        """Claimed rows handed back unsent (their broadcast stopped meanwhile): no attempt."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(OutboxRow).where(
                OutboxRow.id.in_(item_ids), OutboxRow.state == "sending").values(
                state="pending", claimed_at=None), execution_options=_NO_SYNC)

    async def running(self, now: datetime) -> set[int]:
        """Ids of the broadcasts that may be sent now (the drain's gate reads this)."""
        async with self._sessions() as s:
            return set(await s.scalars(select(BroadcastRow.id).where(
                BroadcastRow.status == "running",
                or_(BroadcastRow.expires_at.is_(None), BroadcastRow.expires_at > now))))

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(OutboxRow).where(
                OutboxRow.channel == channel, OutboxRow.state == "sending",
                OutboxRow.claimed_at <= older_than).values(state="pending", claimed_at=None),
                execution_options=_NO_SYNC)
        return result.rowcount or 0

    # What the senders need to know about a broadcast's content.

    async def bulletin(self, broadcast_id: int) -> BroadcastInfo | None:
        async with self._sessions() as s:
            row = await s.get(BroadcastRow, broadcast_id)
            return info_of(row) if row is not None else None

    async def remember_photo(self, broadcast_id: int, file_id: str) -> None:
        """The uploaded photo's file id: every later copy reuses it instead of uploading."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(BroadcastRow).where(BroadcastRow.id == broadcast_id).values(
                photo_file_id=file_id[:256]), execution_options=_NO_SYNC)

    async def reject_photo(self, broadcast_id: int, reason: str) -> None:
        """The channel refused the photo: the bulletin goes on as text, and the officer is told."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(BroadcastRow).where(BroadcastRow.id == broadcast_id).values(
                photo_error=reason[:200]), execution_options=_NO_SYNC)


class DrainLease:
    """A row per channel account naming the process that drains it until ``expires_at``.

    Acquiring is renewing: one conditional UPDATE (mine, or expired) or, the first time, an
    INSERT that only one process can win. A holder that stops renewing loses it after ``ttl``.
    """

    def __init__(self, engine: AsyncEngine, channel: str, holder: str, ttl: float) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self.channel, self.holder, self.ttl = channel, holder, ttl

    async def acquire(self) -> bool:
        """Take or renew the lease; False while another live process holds it."""
        now = _now()
        until = now + timedelta(seconds=self.ttl)
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(DrainLeaseRow).where(
                DrainLeaseRow.channel == self.channel,
                or_(DrainLeaseRow.holder == self.holder, DrainLeaseRow.expires_at < now)).values(
                holder=self.holder, expires_at=until), execution_options=_NO_SYNC)
            if result.rowcount == 1:
                return True
            inserted = await s.execute(self._insert(DrainLeaseRow).values(
                channel=self.channel, holder=self.holder, expires_at=until)
                .on_conflict_do_nothing())
            return inserted.rowcount == 1

    async def take_over(self, dead_holder: str) -> bool:
        """Take the lease from a holder known to be dead, without waiting for it to expire."""
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(DrainLeaseRow).where(
                DrainLeaseRow.channel == self.channel, DrainLeaseRow.holder == dead_holder)
                .values(holder=self.holder, expires_at=_now() + timedelta(seconds=self.ttl)),
                execution_options=_NO_SYNC)
            return result.rowcount == 1

    async def release(self) -> None:
        """Give the lease up at once (clean stop), so another process need not wait it out."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(DrainLeaseRow).where(
                DrainLeaseRow.channel == self.channel, DrainLeaseRow.holder == self.holder)
                .values(expires_at=_now() - timedelta(seconds=1)), execution_options=_NO_SYNC)

    async def holder_now(self) -> str | None:
        async with self._sessions() as s:
            row = await s.get(DrainLeaseRow, self.channel)
            if row is None or aware(row.expires_at) < _now():
                return None
            return row.holder
