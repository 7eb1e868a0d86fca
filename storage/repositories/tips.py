"""Repositories of the tip line: tips and their sealed links, follow-up, groups, counters."""
from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.states import DeliveryState
from handlers.messages import Outgoing
from handlers.tips.domain import Outcome, ThreadMessage, Tip, TipKind, TipStatus
from storage.db import dialect_name
from storage.repositories.kept_files import SqlKeptFiles
from storage.results import rowcount
from storage.message_codec import encode_message
from storage.tables.core import AuditRow
from storage.tables.tips import (NotificationRow, RateCounterRow, TipLinkRow, TipMessageRow,
                                TipRow, UnitGroupRow)


class SqlTips:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def label_taken(self, label: str) -> bool:
        return await self._s.scalar(select(TipRow.id).where(TipRow.label == label)) is not None

    async def add(self, tip: Tip, code_hash: str, text_hash: str, prompted_by: str | None) -> Tip:
        lat, lon = tip.location or (None, None)
        row = TipRow(label=tip.label, code_hash=code_hash, kind=tip.kind.value,
                     category=tip.category, unit_id=tip.unit_id, first_unit_id=tip.unit_id,
                     place=tip.place, latitude=lat, longitude=lon, text=tip.text,
                     contact=tip.contact, attachments=list(tip.attachments),
                     text_hash=text_hash, possible_duplicate=tip.possible_duplicate,
                     status=tip.status.value, reporter_member_id=tip.reporter_member_id,
                     prompted_by=prompted_by, created_at=tip.created_at,
                     happened_at=tip.happened_at)
        self._s.add(row)
        await self._s.flush()
        await SqlKeptFiles(self._s).claim(row.id, [str(a.get("ref", "")) for a in
                                                   tip.attachments if isinstance(a, dict)])
        return _tip(row)

    async def by_id(self, tip_id: int) -> Tip | None:
        row = await self._s.get(TipRow, tip_id)
        return _tip(row) if row else None

    async def by_label(self, label: str) -> Tip | None:
        row = await self._s.scalar(select(TipRow).where(TipRow.label == label.upper()))
        return _tip(row) if row else None

    async def by_code_hash(self, code_hash: str) -> Tip | None:
        row = await self._s.scalar(select(TipRow).where(TipRow.code_hash == code_hash))
        return _tip(row) if row else None

    async def seen_text(self, text_hash: str, since: datetime) -> bool:
        found = await self._s.scalar(select(TipRow.id).where(
            TipRow.text_hash == text_hash, TipRow.created_at >= since).limit(1))
        return found is not None

    def _open(self, unit_ids: list[int] | None) -> Select[TipRow]:
        query = select(TipRow).where(TipRow.status != TipStatus.CLOSED.value)
        return query if unit_ids is None else query.where(TipRow.unit_id.in_(unit_ids))

    async def open_tips(self, unit_ids: list[int] | None, offset: int, limit: int) -> list[Tip]:
        rows = await self._s.scalars(self._open(unit_ids).order_by(
            TipRow.created_at.desc(), TipRow.id.desc()).offset(offset).limit(limit))
        return [_tip(r) for r in rows]

    async def count_open(self, unit_ids: list[int] | None) -> int:
        return await self._s.scalar(select(func.count()).select_from(
            self._open(unit_ids).subquery())) or 0

    async def of_reporter(self, member_id: int, limit: int) -> list[Tip]:
        rows = await self._s.scalars(select(TipRow).where(TipRow.reporter_member_id == member_id)
                                     .order_by(TipRow.id.desc()).limit(limit))
        return [_tip(r) for r in rows]

    async def take(self, tip_id: int, member_id: int, now: datetime) -> bool:
        """One winner when two officers take the same tip at once."""
        result = await self._s.execute(update(TipRow).where(
            TipRow.id == tip_id, TipRow.taken_by.is_(None),
            TipRow.status == TipStatus.NEW.value).values(
            taken_by=member_id, status=TipStatus.TAKEN.value))
        return rowcount(result) == 1

    async def release(self, tip_id: int) -> None:
        """A moved tip waits to be taken by the receiving unit."""
        await self._s.execute(update(TipRow).where(TipRow.id == tip_id).values(taken_by=None))

    async def first_action(self, tip_id: int, now: datetime) -> datetime | None:
        """Stamp the first officer action; returns the tip's creation time if this was it."""
        result = await self._s.execute(update(TipRow).where(
            TipRow.id == tip_id, TipRow.first_action_at.is_(None)).values(first_action_at=now))
        if rowcount(result) != 1:
            return None
        return await self._s.scalar(select(TipRow.created_at).where(TipRow.id == tip_id))

    async def save(self, tip: Tip) -> None:
        row = await self._s.get(TipRow, tip.id)
        assert row is not None   # a stored tip (tips are erased, never deleted)
        row.unit_id, row.status = tip.unit_id, tip.status.value
        row.outcome = tip.outcome.value if tip.outcome else None
        row.duplicate_of = tip.duplicate_of
        row.closed_at = tip.closed_at
        await self._s.flush()

    async def add_message(self, tip_id: int, message: ThreadMessage,
                          author_member_id: int | None) -> None:
        self._s.add(TipMessageRow(tip_id=tip_id, direction=message.direction, text=message.text,
                                  author_member_id=author_member_id, created_at=message.at,
                                  attachments=list(message.attachments)))

    async def thread(self, tip_id: int) -> list[ThreadMessage]:
        rows = await self._s.scalars(select(TipMessageRow).where(TipMessageRow.tip_id == tip_id)
                                     .order_by(TipMessageRow.id))
        return [ThreadMessage(direction=r.direction, text=r.text, at=r.created_at,
                              attachments=tuple(r.attachments or ())) for r in rows]

    async def due_for_escalation(self, before: datetime) -> list[Tip]:
        rows = await self._s.scalars(select(TipRow).where(
            TipRow.status == TipStatus.NEW.value, TipRow.escalated_at.is_(None),
            TipRow.created_at <= before).order_by(TipRow.id).limit(200))
        return [_tip(r) for r in rows]

    async def mark_escalated(self, tip_id: int, now: datetime) -> bool:
        result = await self._s.execute(update(TipRow).where(
            TipRow.id == tip_id, TipRow.escalated_at.is_(None)).values(escalated_at=now))
        return rowcount(result) == 1

    async def end_conversation(self, tip_id: int, now: datetime) -> None:
        await self._s.execute(update(TipRow).where(TipRow.id == tip_id).values(
            conversation_ended_at=now))
        await self.drop_link(tip_id)

    async def erase_contents(self, closed_before: datetime, now: datetime) -> int:
        """Erase what was said, keep what is counted (category, unit, times, outcome). Every copy
        goes: the thread, the officers' cards and the questions and answers in the
        notifications outbox, and the free text (a move's reason) in the audit log."""
        ids = list(await self._s.scalars(select(TipRow.id).where(
            TipRow.closed_at <= closed_before, TipRow.erased_at.is_(None))))
        if not ids:
            return 0
        await self._s.execute(delete(TipMessageRow).where(TipMessageRow.tip_id.in_(ids)))
        await self._s.execute(delete(NotificationRow).where(or_(
            NotificationRow.about_tip_id.in_(ids), NotificationRow.tip_id.in_(ids))))
        await self._forget_audit_text(ids)
        await SqlKeptFiles(self._s).erase_for(ids)
        result = await self._s.execute(update(TipRow).where(
            TipRow.closed_at <= closed_before, TipRow.erased_at.is_(None)).values(
            text="", contact="", place="", attachments=[], latitude=None, longitude=None,
            text_hash="", erased_at=now))
        return rowcount(result)

    async def _forget_audit_text(self, tip_ids: list[int]) -> None:
        """Audit rows keep who did what and when; the words officers typed go."""
        rows = await self._s.scalars(select(AuditRow).where(
            AuditRow.subject == "tip", AuditRow.subject_id.in_([str(i) for i in tip_ids])))
        for row in rows:
            if row.data and FREE_TEXT & set(row.data):
                row.data = {k: v for k, v in row.data.items() if k not in FREE_TEXT}

    async def put_link(self, tip_id: int, sealed: str) -> None:
        self._s.add(TipLinkRow(tip_id=tip_id, sealed=sealed))

    async def link(self, tip_id: int) -> str | None:
        row = await self._s.get(TipLinkRow, tip_id)
        return row.sealed if row else None

    async def drop_link(self, tip_id: int) -> None:
        await self._s.execute(delete(TipLinkRow).where(TipLinkRow.tip_id == tip_id))

    async def schedule_link_erasure(self, tip_id: int, at: datetime) -> None:
        await self._s.execute(update(TipLinkRow).where(TipLinkRow.tip_id == tip_id).values(
            erase_after=at))

    async def erase_due_links(self, now: datetime) -> int:
        """Tipster links past their date; and files kept for a draft that was never sent."""
        await SqlKeptFiles(self._s).erase_unclaimed(now)
        result = await self._s.execute(delete(TipLinkRow).where(TipLinkRow.erase_after <= now))
        return rowcount(result)

FREE_TEXT = frozenset({"reason"})     # audit data keys that hold what an officer typed


def _tip(row: TipRow) -> Tip:
    # latitude and longitude are written together (add) and erased together
    location = cast("tuple[float, float] | None",
                    (row.latitude, row.longitude) if row.latitude is not None else None)
    tip = Tip(id=row.id, label=row.label, kind=TipKind(row.kind), category=row.category,
              unit_id=row.unit_id, status=TipStatus(row.status), text=row.text,
              created_at=row.created_at, place=row.place, location=location,
              contact=row.contact, outcome=Outcome(row.outcome) if row.outcome else None,
              taken_by=row.taken_by, reporter_member_id=row.reporter_member_id,
              possible_duplicate=row.possible_duplicate,
              conversation_ended=row.conversation_ended_at is not None,
              erased=row.erased_at is not None, attachments=list(row.attachments or []),
              duplicate_of=row.duplicate_of, closed_at=row.closed_at,
              first_unit_id=row.first_unit_id, prompted_by=row.prompted_by,
              happened_at=row.happened_at)
    return tip


class SqlGroups:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def register(self, unit_id: int, channel: str, chat_id: str, member_id: int) -> bool:
        row = await self._s.scalar(select(UnitGroupRow).where(
            UnitGroupRow.channel == channel, UnitGroupRow.chat_id == chat_id))
        if row is None:
            self._s.add(UnitGroupRow(unit_id=unit_id, channel=channel, chat_id=chat_id,
                                     registered_by=member_id))
            return True
        row.unit_id, row.active, row.registered_by = unit_id, True, member_id
        return False

    async def of_units(self, unit_ids: list[int]) -> list[tuple[str, str]]:
        rows = await self._s.execute(select(UnitGroupRow.channel, UnitGroupRow.chat_id).where(
            UnitGroupRow.active, UnitGroupRow.unit_id.in_(unit_ids)).order_by(UnitGroupRow.id))
        return [(c, chat) for c, chat in rows]

    async def unit_of(self, channel: str, chat_id: str) -> int | None:
        return await self._s.scalar(select(UnitGroupRow.unit_id).where(
            UnitGroupRow.active, UnitGroupRow.channel == channel, UnitGroupRow.chat_id == chat_id))


class SqlNotificationQueue:
    """The enqueue side of the notifications outbox: rows written in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, outgoing: Outgoing, *, channel_hint: str = "") -> None:
        self._s.add(NotificationRow(
            channel=outgoing.channel or channel_hint, chat_id=outgoing.chat_id or None,
            tip_id=outgoing.tip_id, about_tip_id=outgoing.about_tip or outgoing.tip_id,
            payload=encode_message(outgoing.message), state=DeliveryState.PENDING))


class SqlRateCounters:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def hit(self, key: str, window_start: datetime) -> int:
        """Count one more event in the window and return the new count (dialect-guarded upsert)."""
        insert = postgresql.insert if dialect_name(self._s) == "postgresql" else sqlite.insert
        statement = insert(RateCounterRow).values(key=key, window_start=window_start,
                                                          count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"count": RateCounterRow.count + 1})
        await self._s.execute(statement)
        return await self.count(key, window_start)

    async def count(self, key: str, window_start: datetime) -> int:
        return await self._s.scalar(select(RateCounterRow.count).where(
            RateCounterRow.key == key, RateCounterRow.window_start == window_start)) or 0

    async def forget_before(self, cutoff: datetime) -> int:
        result = await self._s.execute(delete(RateCounterRow).where(
            or_(RateCounterRow.window_start < cutoff)))
        return rowcount(result)
