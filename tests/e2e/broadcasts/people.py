"""Residents, members and broadcasts made straight in the database for the broadcast tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from broadcasts.model import Audience, Draft, Status, stored_fields
from handlers.domain import Member, Role, Subscriber, SubscriberStatus
from storage.tables.broadcasts import BroadcastRow, OutboxRow
from storage.tables.core import LedgerRow, SubscriberRow, SubscriberTopicRow

ALL_TOPICS = ("fraud", "loan-sharking", "drugs", "fire-safety", "traffic", "theft", "gambling")


async def unit_id(app, slug: str) -> int:
    async with app.uow() as uow:
        return (await uow.units.by_slug(slug)).id


async def resident(app, user_id, slug="cao-thuong", topics=ALL_TOPICS, *,
                   status=SubscriberStatus.ACTIVE, channel="telegram", language="vi") -> int:
    async with app.uow() as uow:
        unit = await uow.units.by_slug(slug)
        sub = await uow.subscribers.save(Subscriber(
            channel=channel, user_id=str(user_id), language=language, status=status,
            unit_id=unit.id, topics=set(topics)))
        await uow.commit()
    return sub.id


async def many_residents(app, count: int, *, first: int = 1_000_000, slug="cao-thuong",
                         topics=("fraud",), channel="telegram") -> None:
    """Bulk rows for big fan-outs (one INSERT per table)."""
    unit = await unit_id(app, slug)
    now = datetime.now(timezone.utc)
    async with app.engine.begin() as conn:
        await conn.execute(insert(SubscriberRow), [
            dict(channel=channel, user_id=str(first + n), language="vi", unit_id=unit,
                 status="active", created_at=now, updated_at=now) for n in range(count)])
        ids = list(await conn.scalars(select(SubscriberRow.id).where(
            SubscriberRow.user_id.in_([str(first + n) for n in range(count)]))))
        await conn.execute(insert(SubscriberTopicRow), [
            dict(subscriber_id=i, topic=t) for i in ids for t in topics])


async def member(app, user_id, role: Role, slug: str | None = "cao-thuong",
                 channel="telegram", name="Cán bộ") -> Member:
    async with app.uow() as uow:
        unit = await uow.units.by_slug(slug) if slug else None
        saved = await uow.members.save(Member(channel=channel, user_id=str(user_id), role=role,
                                              unit_id=unit.id if unit else None, name=name))
        await uow.commit()
    return saved


async def broadcast(app, text="Cảnh báo lừa đảo qua điện thoại", *, topics=("fraud",),
                    units=("cao-thuong",), all_units=False, audience=Audience.RESIDENTS,
                    status=Status.SCHEDULED, start=None, expires=None, recurrence=None,
                    photo=None, **extra) -> int:
    now = datetime.now(timezone.utc)
    unit_ids = [await unit_id(app, slug) for slug in units] if not all_units else []
    draft = Draft(text=text, topics=list(topics), unit_ids=unit_ids, all_units=all_units,
                  audience=audience, start=start or now - timedelta(seconds=1),
                  expires=expires, recurrence=recurrence, photo=photo)
    fields = stored_fields(draft, now, sender="cli", member_id=None, status=status)
    fields.update(extra)
    async with app.uow() as uow:
        new_id = await uow.broadcasts.create(fields)
        await uow.commit()
    return new_id


async def outbox_rows(app, broadcast_id: int) -> list:
    """Plain rows (no ORM session to outlive)."""
    table = OutboxRow.__table__
    async with app.engine.connect() as conn:
        return list(await conn.execute(select(table).where(
            table.c.broadcast_id == broadcast_id).order_by(table.c.id)))


async def broadcast_row(app, broadcast_id: int):
    table = BroadcastRow.__table__
    async with app.engine.connect() as conn:
        return (await conn.execute(select(table).where(table.c.id == broadcast_id))).first()


async def ledger_of(app, *kinds: str) -> list:
    table = LedgerRow.__table__
    query = select(table).order_by(table.c.id)
    if kinds:
        query = query.where(table.c.kind.in_(kinds))
    async with app.engine.connect() as conn:
        return list(await conn.execute(query))


async def subscriber_status(app, user_id, channel="telegram") -> SubscriberStatus:
    async with app.uow() as uow:
        return (await uow.subscribers.get(channel, str(user_id))).status
