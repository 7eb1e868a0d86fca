"""Repositories: they read and stage writes; only the unit of work commits."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import DialogueState, EventKind, Subscriber, SubscriberStatus, Unit, UnitSpec
from storage.db import dialect_name, state_sealer
from storage.results import rowcount
from storage.tables.core import (DialogueRow, LedgerRow, ProcessedUpdateRow, SubscriberRow,
                            SubscriberTopicRow, UnitRow, utcnow)
from storage.tables.statistics import sync_successions
from storage.repositories.unit_moves import UnitMoves


class SqlSubscribers:
    """Rows read in this unit of work are held (the session's identity map holds them only
    weakly), so saving what was read costs no second SELECT of the row or of its topics."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._rows: dict[int, SubscriberRow] = {}
        self._topics: dict[int, set[str]] = {}   # subscriber id -> topics stored

    async def get(self, channel: str, user_id: str) -> Subscriber | None:
        found = (await self._s.execute(
            select(SubscriberRow, SubscriberTopicRow.topic).outerjoin(
                SubscriberTopicRow, SubscriberTopicRow.subscriber_id == SubscriberRow.id).where(
                SubscriberRow.channel == channel, SubscriberRow.user_id == user_id))).all()
        if not found:
            return None
        row = found[0][0]
        topics = {topic for _, topic in found if topic is not None}
        self._rows[row.id], self._topics[row.id] = row, set(topics)
        return _subscriber(row, topics)

    async def save(self, sub: Subscriber) -> Subscriber:
        row = self._rows.get(sub.id) if sub.id else None
        if row is None and sub.id:
            row = await self._s.get(SubscriberRow, sub.id)
        if row is None:
            row = SubscriberRow(channel=sub.channel, user_id=sub.user_id, created_at=utcnow())
            self._s.add(row)
        fields = (sub.language, sub.unit_id, sub.status.value)
        # updated_at is when the subscription last changed, not when the person last wrote:
        # the bot keeps no "last seen" of residents, and a turn that changes nothing writes
        # nothing to this row.
        if row.id is None or (row.language, row.unit_id, row.status) != fields \
                or self._topics.get(row.id) != set(sub.topics):
            row.updated_at = utcnow()
        row.language, row.unit_id, row.status = fields
        if row.id is None:
            await self._s.flush()      # a new subscriber needs its id for its topics
            self._topics[row.id] = set()
        self._rows[row.id] = row
        await self._sync_topics(row.id, sub.topics)
        return _subscriber(row, set(sub.topics))

    async def _sync_topics(self, subscriber_id: int, topics: set[str]) -> None:
        stored = self._topics.get(subscriber_id)
        if stored is None:
            stored = set(await self._s.scalars(select(SubscriberTopicRow.topic).where(
                SubscriberTopicRow.subscriber_id == subscriber_id)))
        self._topics[subscriber_id] = set(topics)
        if stored - topics:
            await self._s.execute(delete(SubscriberTopicRow).where(
                SubscriberTopicRow.subscriber_id == subscriber_id,
                SubscriberTopicRow.topic.in_(stored - topics)))
        self._s.add_all(SubscriberTopicRow(subscriber_id=subscriber_id, topic=t)
                        for t in sorted(topics - stored))

    async def count_active(self) -> int:
        return await self._s.scalar(select(func.count()).select_from(SubscriberRow).where(
            SubscriberRow.status == SubscriberStatus.ACTIVE.value)) or 0


def _subscriber(row: SubscriberRow, topics: set[str]) -> Subscriber:
    return Subscriber(id=row.id, channel=row.channel, user_id=row.user_id,
                      language=row.language, status=SubscriberStatus(row.status),
                      unit_id=row.unit_id, topics=topics, created_at=row.created_at,
                      updated_at=row.updated_at)


class SqlDialogues:
    """Dialogue states by (channel, user); their data is sealed when the engine has a key."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._sealer = state_sealer(session)
        self._rows: dict[tuple[str, str], DialogueRow] = {}   # held: put costs no SELECT

    async def get(self, channel: str, user_id: str) -> DialogueState | None:
        row = await self._s.get(DialogueRow, (channel, user_id))
        if row is None:
            return None
        self._rows[(channel, user_id)] = row
        data = self._sealer.unseal(row.data) if self._sealer else dict(row.data or {})
        return DialogueState(step=row.step, data=data) if data is not None else None

    async def put(self, channel: str, user_id: str, state: DialogueState) -> None:
        row = self._rows.get((channel, user_id)) or await self._s.get(DialogueRow,
                                                                      (channel, user_id))
        if row is None:
            row = DialogueRow(channel=channel, user_id=user_id)
            self._s.add(row)
        self._rows[(channel, user_id)] = row
        data = self._sealer.seal(dict(state.data)) if self._sealer else dict(state.data)
        row.step, row.data, row.updated_at = state.step, data, utcnow()

    async def reset_stale(self, step_prefix: str, before: datetime) -> int:
        """Send conversations left in some steps since `before` back to the main menu, and
        forget what they held (a tip draft is not kept for ever)."""
        result = await self._s.execute(update(DialogueRow).where(
            DialogueRow.step.like(f"{step_prefix}%"), DialogueRow.updated_at < before).values(
            step="main", data={}, updated_at=utcnow()))
        return rowcount(result)


class SqlUnits(UnitMoves):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def all(self) -> Sequence[Unit]:
        rows = await self._s.scalars(select(UnitRow).where(UnitRow.active).order_by(UnitRow.id))
        return [_unit(r) for r in rows]

    async def selectable(self) -> Sequence[Unit]:
        """Leaf units (communes, towns, wards): the places a resident lives in."""
        parents = select(UnitRow.parent_id).where(UnitRow.active,
                                                  UnitRow.parent_id.is_not(None))
        rows = await self._s.scalars(select(UnitRow).where(
            UnitRow.active, UnitRow.id.not_in(parents)).order_by(UnitRow.id))
        return [_unit(r) for r in rows]

    async def by_slug(self, slug: str) -> Unit | None:
        row = await self._s.scalar(select(UnitRow).where(UnitRow.slug == slug, UnitRow.active))
        return _unit(row) if row else None

    async def command(self) -> Unit | None:
        """The current directory's first duty desk, else its first top-level unit: one row."""
        row = await self._s.scalar(select(UnitRow).where(
            UnitRow.active, or_(UnitRow.duty_desk, UnitRow.parent_id.is_(None))).order_by(
            UnitRow.duty_desk.desc(), UnitRow.id).limit(1))
        return _unit(row) if row else None

    async def by_id(self, unit_id: int) -> Unit | None:
        """Any unit, history too: old tips and reports still name the unit they had."""
        row = await self._s.get(UnitRow, unit_id)
        return _unit(row) if row else None

    async def any_by_slug(self, slug: str) -> Unit | None:
        """A unit by slug, whether current or history."""
        row = await self._s.scalar(select(UnitRow).where(UnitRow.slug == slug))
        return _unit(row) if row else None

    async def resolve(self, slug: str) -> Unit | None:
        """The current unit a slug stands for: a merged unit leads to its successor (an old
        leaflet's deep link, a draft begun before a reorganisation)."""
        row = await self._s.scalar(select(UnitRow).where(UnitRow.slug == slug))
        seen: set[int] = set()
        while row is not None and row.successor_id is not None and row.id not in seen:
            seen.add(row.id)
            row = await self._s.get(UnitRow, row.successor_id)
        return _unit(row) if row is not None and row.active else None

    async def history(self) -> Sequence[Unit]:
        """Units merged away, oldest first."""
        rows = await self._s.scalars(select(UnitRow).where(
            UnitRow.successor_id.is_not(None)).order_by(UnitRow.id))
        return [_unit(r) for r in rows]

    async def set_boundary(self, slug: str, geometry: dict[str, Any]) -> bool:
        row = await self._s.scalar(select(UnitRow).where(UnitRow.slug == slug))
        if row is None:
            return False
        row.boundary = geometry
        return True

    async def upsert(self, specs: Sequence[UnitSpec]) -> tuple[int, int]:
        """Insert new units and update changed ones by slug; parents come before children."""
        rows = {r.slug: r for r in await self._s.scalars(select(UnitRow))}
        added, changed = set(), set()
        for spec in specs:
            row = rows.get(spec.slug)
            if row is None:
                row = rows[spec.slug] = UnitRow(slug=spec.slug, created_at=utcnow())
                self._s.add(row)
                added.add(spec.slug)
            parent_id = rows[spec.parent_slug].id if spec.parent_slug else None
            # a unit merged away stays history even if an old directory is imported again
            values = dict(name=spec.name, short=spec.short, police=spec.police, kind=spec.kind,
                          parent_id=parent_id, aliases=list(spec.aliases),
                          duty_desk=spec.duty_desk, active=row.successor_id is None,
                          phone=spec.phone or None, address=spec.address or None)
            if row.id is not None and any(getattr(row, k) != v for k, v in values.items()):
                changed.add(spec.slug)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
            await self._s.flush()
        # `replaces:` lists: a report spanning a reorganisation maps old units to new ones.
        changed |= await sync_successions(self._s, specs)
        return len(added), len(changed - added)


def _unit(row: UnitRow) -> Unit:
    return Unit(id=row.id, slug=row.slug, name=row.name, short=row.short, police=row.police,
                kind=row.kind, parent_id=row.parent_id, aliases=tuple(row.aliases or ()),
                duty_desk=row.duty_desk, boundary=row.boundary, phone=row.phone or "",
                address=row.address or "", successor_id=row.successor_id)


class SqlLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def record(self, kind: EventKind, *, channel: str = "", unit_id: int | None = None,
               topic: str | None = None, ref: str | None = None, count: int = 1,
               data: dict[str, Any] | None = None) -> None:
        self._s.add(LedgerRow(at=datetime.now(timezone.utc), kind=kind.value, channel=channel,
                              unit_id=unit_id, topic=topic, ref=ref, count=count, data=data))


class SqlProcessedUpdates:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def first_time(self, channel: str, update_id: str) -> bool:
        """Record an update id; False if it was seen before (dialect-guarded upsert)."""
        insert = postgresql.insert if dialect_name(self._s) == "postgresql" else sqlite.insert
        statement = insert(ProcessedUpdateRow).values(
            channel=channel, update_id=update_id, at=utcnow()).on_conflict_do_nothing()
        result = await self._s.execute(statement)
        return rowcount(result) == 1

    async def forget_before(self, cutoff: datetime) -> int:
        result = await self._s.execute(delete(ProcessedUpdateRow).where(
            ProcessedUpdateRow.at < cutoff))
        return rowcount(result)
