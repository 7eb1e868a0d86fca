"""The drain side of the notifications outbox (broadcasts.ports.Outbox): each method commits
its own change, so a crash repeats at most the messages that were in flight."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handlers.outbox import OutboxItem
from storage.message_codec import decode_message
from storage.tip_tables import NotificationRow
from storage.tips import SqlTips


class SqlNotificationOutbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def claim(self, channel: str, limit: int, now: datetime) -> list[OutboxItem]:
        async with self._sessions() as session:
            ids = list(await session.scalars(select(NotificationRow.id).where(
                NotificationRow.channel == channel, NotificationRow.state == "pending",
                NotificationRow.not_before <= now).order_by(NotificationRow.id).limit(limit)))
            if not ids:
                return []
            claimed = list(await session.scalars(update(NotificationRow).where(
                NotificationRow.id.in_(ids), NotificationRow.state == "pending").values(
                state="sending", claimed_at=now).returning(NotificationRow.id)))
            rows = await session.scalars(select(NotificationRow).where(
                NotificationRow.id.in_(claimed)).order_by(NotificationRow.id))
            items = [OutboxItem(id=r.id, broadcast_id=0, channel=r.channel,
                                chat_id=r.chat_id or f"tip:{r.tip_id}", subscriber_id=None,
                                attempts=r.attempts, payload_ref=str(r.id),
                                last_error=r.last_error) for r in rows]
            await session.commit()
        return items

    async def _set(self, item_id: int, **values) -> None:
        async with self._sessions() as session:
            await session.execute(update(NotificationRow).where(
                NotificationRow.id == item_id).values(**values))
            await session.commit()

    async def mark_sent(self, item_id: int, message_ref: str) -> None:
        await self._set(item_id, state="sent", sent_ref=message_ref[:64])

    async def mark_blocked(self, item_id: int) -> None:
        await self._set(item_id, state="blocked")

    async def mark_failed(self, item_id: int, reason: str) -> None:
        await self._set(item_id, state="failed", last_error=reason[:200])

    async def mark_unreached(self, item_id: int, reason: str) -> None:
        """Held, not attempted: the channel may not reach this person now (Zalo's window)."""
        await self._set(item_id, state="unreached", last_error=reason[:200])

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        async with self._sessions() as session:
            await session.execute(update(NotificationRow).where(
                NotificationRow.id == item_id).values(
                state="pending", not_before=not_before, last_error=reason[:200],
                attempts=NotificationRow.attempts + 1))
            await session.commit()

    async def release(self, item_ids: list[int]) -> None:
        async with self._sessions() as session:
            await session.execute(update(NotificationRow).where(
                NotificationRow.id.in_(item_ids), NotificationRow.state == "sending").values(
                state="pending"))
            await session.commit()

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        async with self._sessions() as session:
            result = await session.execute(update(NotificationRow).where(
                NotificationRow.channel == channel, NotificationRow.state == "sending",
                NotificationRow.claimed_at <= older_than).values(state="pending"))
            await session.commit()
            return result.rowcount or 0

    async def content(self, item_id: int):
        """The message of a row and where it goes: (message, chat_id or None, sealed link)."""
        async with self._sessions() as session:
            row = await session.get(NotificationRow, item_id)
            if row is None:
                return None, None, None
            sealed = await SqlTips(session).link(row.tip_id) if row.tip_id and not row.chat_id \
                else None
            return decode_message(row.payload), row.chat_id, sealed
