"""The bulletins' outbox (delivery.ports.Outbox): one row per delivery of a broadcast to a chat.

Each method commits before it returns: the drain marks a row right before and right after its
send, so a crash repeats at most the sends in flight (outcomes finishing together share one
commit: storage.outboxes.outcomes). Claims lease rows atomically; on
PostgreSQL with ``FOR UPDATE SKIP LOCKED``, on SQLite (one writer at a time) by a single
``UPDATE ... WHERE id IN (SELECT ...) RETURNING``.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from delivery.item import OutboxItem
from delivery.states import DeliveryState
from handlers.domain import EventKind
from storage.tables.broadcasts import BroadcastRow, OutboxRow
from storage.repositories.broadcasts import BroadcastInfo, info_of
from storage.outboxes.outcomes import Outcome, OutcomeWriter
from storage.results import rowcount

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

_RETURNED = (OutboxRow.id, OutboxRow.broadcast_id, OutboxRow.channel, OutboxRow.chat_id,
             OutboxRow.subscriber_id, OutboxRow.attempts, OutboxRow.language,
             OutboxRow.last_error)
_NO_SYNC = {"synchronize_session": False}

_RUNNING = "running"   # broadcasts.model.Status.RUNNING (storage may not import broadcasts)


class SqlOutbox:
    """Outbox rows of every broadcast, claimed as delivery.item.OutboxItem."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._postgres = engine.dialect.name == "postgresql"
        self._writer = OutcomeWriter(engine)   # outcomes written in groups

    async def claim(self, channel: str, limit: int, now: datetime) -> list[OutboxItem]:
        running = select(BroadcastRow.id).where(
            BroadcastRow.status == _RUNNING,
            or_(BroadcastRow.expires_at.is_(None), BroadcastRow.expires_at > now))
        due = (select(OutboxRow.id).where(
            OutboxRow.channel == channel, OutboxRow.state == DeliveryState.PENDING,
            or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now),
            OutboxRow.broadcast_id.in_(running)).order_by(OutboxRow.id).limit(limit))
        if self._postgres:   # another claimer skips these rows instead of waiting for them
            due = due.with_for_update(skip_locked=True, of=OutboxRow)
        statement = (update(OutboxRow).where(OutboxRow.id.in_(due))
                     .values(state=DeliveryState.SENDING, claimed_at=now).returning(*_RETURNED))
        async with self._sessions() as s, s.begin():
            rows = (await s.execute(statement, execution_options=_NO_SYNC)).all()
        return [self._item(row) for row in sorted(rows, key=lambda r: r.id)]

    @staticmethod
    def _item(row: Row[int, int, str, str, int | None, int, str, str | None]) -> OutboxItem:
        return OutboxItem(id=row.id, channel=row.channel, attempts=row.attempts,
                          chat_id=row.chat_id, subscriber_id=row.subscriber_id,
                          broadcast_id=row.broadcast_id, language=row.language,
                          last_error=row.last_error)

    async def mark_sent(self, item_id: int, message_ref: str) -> None:
        await self._writer.record(Outcome(item_id, DeliveryState.SENT, EventKind.DELIVERED,
                                          message_ref=message_ref[:64]))

    async def mark_blocked(self, item_id: int) -> None:
        await self._writer.record(Outcome(item_id, DeliveryState.BLOCKED, EventKind.DELIVERY_BLOCKED))

    async def mark_failed(self, item_id: int, reason: str) -> None:
        await self._writer.record(Outcome(item_id, DeliveryState.FAILED, EventKind.DELIVERY_FAILED,
                                          error=reason[:200]))

    async def mark_unreached(self, item_id: int, reason: str) -> None:
        await self._writer.record(Outcome(item_id, DeliveryState.UNREACHED, EventKind.DELIVERY_OUT_OF_REACH,
                                          error=reason[:200]))

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        await self._writer.record(Outcome(item_id, DeliveryState.PENDING, error=reason[:200],
                                          not_before=not_before))

    async def release(self, item_ids: list[int]) -> None:
        """Claimed rows handed back unsent (their broadcast stopped meanwhile): no attempt."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(OutboxRow).where(
                OutboxRow.id.in_(item_ids), OutboxRow.state == DeliveryState.SENDING).values(
                state=DeliveryState.PENDING, claimed_at=None), execution_options=_NO_SYNC)

    async def running(self, now: datetime) -> set[int]:
        """Ids of the broadcasts that may be sent now (the drain's gate reads this)."""
        async with self._sessions() as s:
            return set(await s.scalars(select(BroadcastRow.id).where(
                BroadcastRow.status == _RUNNING,
                or_(BroadcastRow.expires_at.is_(None), BroadcastRow.expires_at > now))))

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(OutboxRow).where(
                OutboxRow.channel == channel, OutboxRow.state == DeliveryState.SENDING,
                OutboxRow.claimed_at <= older_than).values(state=DeliveryState.PENDING, claimed_at=None),
                execution_options=_NO_SYNC)
        return rowcount(result)

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
