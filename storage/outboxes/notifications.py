"""The notifications outbox (delivery.ports.Outbox): officers' cards and alerts, questions and
answers to tipsters. Each method commits its own change, so a crash repeats at most the messages
that were in flight; an outcome changes only a row still 'sending' (one requeued after a lost
lease is left alone), as in the bulletins' outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from delivery.item import OutboxItem, RecipientKind
from delivery.states import DeliveryState
from handlers.messages import Message
from storage.message_codec import decode_message
from storage.tables.tips import NotificationRow
from storage.repositories.tips import SqlTips
from storage.results import rowcount

_PENDING, _SENDING = DeliveryState.PENDING, DeliveryState.SENDING


def _item(row: NotificationRow) -> OutboxItem:
    # A tipster's row has no chat id: the sender unseals the tip's link to reach them.
    kind = RecipientKind.CHAT if row.chat_id else RecipientKind.TIPSTER
    return OutboxItem(id=row.id, channel=row.channel, attempts=row.attempts, recipient=kind,
                      chat_id=row.chat_id or None, tip_id=row.tip_id, notification_id=row.id,
                      last_error=row.last_error)


class SqlNotificationOutbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def claim(self, channel: str, limit: int, now: datetime) -> list[OutboxItem]:
        async with self._sessions() as session:
            ids = list(await session.scalars(select(NotificationRow.id).where(
                NotificationRow.channel == channel, NotificationRow.state == _PENDING,
                NotificationRow.not_before <= now).order_by(NotificationRow.id).limit(limit)))
            if not ids:
                return []
            claimed = list(await session.scalars(update(NotificationRow).where(
                NotificationRow.id.in_(ids), NotificationRow.state == _PENDING).values(
                state=_SENDING, claimed_at=now).returning(NotificationRow.id)))
            rows = await session.scalars(select(NotificationRow).where(
                NotificationRow.id.in_(claimed)).order_by(NotificationRow.id))
            items = [_item(row) for row in rows]
            await session.commit()
        return items

    async def _finish(self, item_id: int, **values: object) -> None:
        async with self._sessions() as session:
            await session.execute(update(NotificationRow).where(
                NotificationRow.id == item_id, NotificationRow.state == _SENDING).values(**values))
            await session.commit()

    async def mark_sent(self, item_id: int, message_ref: str) -> None:
        await self._finish(item_id, state=DeliveryState.SENT, sent_ref=message_ref[:64])

    async def mark_blocked(self, item_id: int) -> None:
        await self._finish(item_id, state=DeliveryState.BLOCKED)

    async def mark_failed(self, item_id: int, reason: str) -> None:
        await self._finish(item_id, state=DeliveryState.FAILED, last_error=reason[:200])

    async def mark_unreached(self, item_id: int, reason: str) -> None:
        """Held, not attempted: the channel may not reach this person now (Zalo's window)."""
        await self._finish(item_id, state=DeliveryState.UNREACHED, last_error=reason[:200])

    async def retry_later(self, item_id: int, not_before: datetime, reason: str) -> None:
        await self._finish(item_id, state=_PENDING, not_before=not_before,
                           last_error=reason[:200], attempts=NotificationRow.attempts + 1)

    async def release(self, item_ids: list[int]) -> None:
        async with self._sessions() as session:
            await session.execute(update(NotificationRow).where(
                NotificationRow.id.in_(item_ids), NotificationRow.state == _SENDING).values(
                state=_PENDING))
            await session.commit()

    async def requeue_stale(self, channel: str, older_than: datetime) -> int:
        async with self._sessions() as session:
            result = await session.execute(update(NotificationRow).where(
                NotificationRow.channel == channel, NotificationRow.state == _SENDING,
                NotificationRow.claimed_at <= older_than).values(state=_PENDING))
            await session.commit()
            return rowcount(result)

    async def content(self, item: OutboxItem) -> tuple[Message | None, str | None, str | None]:
        """The item's message and where it goes: (message, chat_id or None, sealed link)."""
        async with self._sessions() as session:
            row = await session.get(NotificationRow, item.notification_id)
            if row is None:
                return None, None, None
            sealed = await SqlTips(session).link(row.tip_id) \
                if item.recipient is RecipientKind.TIPSTER and row.tip_id else None
            return decode_message(row.payload), row.chat_id, sealed
