"""Broadcasts in a unit of work: drafts, confirmation, status changes, counts, recipients."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, overload

from sqlalchemy import Select, and_, func, literal, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from delivery import states
from delivery.states import LIVE
from delivery.states import BroadcastStatus as BS
from delivery.states import DeliveryState as DS
from handlers.domain import Role, SubscriberStatus
from storage.tables.broadcasts import BroadcastRow, OutboxRow
from storage.results import rowcount
from storage.tables.core import MemberRow, SubscriberRow, SubscriberTopicRow

if TYPE_CHECKING:
    from sqlalchemy import Update

    from storage.tables.core import Base

OPEN = tuple(states.OPEN)            # outbox states not yet final


def _update(table: type[Base]) -> Update:
    """An UPDATE that leaves loaded objects alone (these steps read fresh rows each time)."""
    return update(table).execution_options(synchronize_session=False)

def utc(moment: datetime | None) -> datetime | None:
    """Stored in UTC: SQLite keeps a datetime's wall-clock digits and drops its offset."""
    return moment.astimezone(timezone.utc) if moment is not None else None


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every one we store is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


@dataclass
class BroadcastInfo:
    """A broadcast row and its live delivery counts (satisfies handlers.ports.BroadcastView)."""

    id: int
    parent_id: int | None
    bulletin_id: int | None
    status: str
    text: str
    photo_ref: str | None
    photo_file_id: str | None
    photo_error: str | None
    topics: list[str]
    unit_ids: list[int]
    all_units: bool
    audience: str
    channels: list[str]
    sender: str
    start_at: datetime
    expires_at: datetime | None
    valid_seconds: int | None
    recurrence: str | None
    allow_paid: bool
    fanout_done: bool
    status_channel: str | None
    status_chat: str | None
    status_lang: str
    status_message: str | None
    status_shown: str | None
    rate: float
    total: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    expired: int = 0
    pending: int = 0
    unreached: int = 0     # out of the channel's reach (Zalo's reply window); live counts only


_COLUMNS = [f.name for f in fields(BroadcastInfo) if f.name not in
            ("total", "sent", "failed", "blocked", "expired", "pending", "unreached")]


def info_of(row: BroadcastRow, counts: dict[str, int] | None = None) -> BroadcastInfo:
    """A row as BroadcastInfo; live counts from the outbox when given, else the stored ones."""
    values = {name: getattr(row, name) for name in _COLUMNS}
    for name in ("start_at", "expires_at"):
        values[name] = aware(values[name])
    info = BroadcastInfo(**values, total=row.total)
    if counts is None:
        info.sent, info.failed, info.blocked, info.expired = (row.sent, row.failed, row.blocked,
                                                              row.expired)
        return info
    info.sent, info.failed = counts.get(DS.SENT, 0), counts.get(DS.FAILED, 0)
    info.blocked, info.expired = counts.get(DS.BLOCKED, 0), counts.get(DS.EXPIRED, 0)
    info.pending = counts.get(DS.PENDING, 0) + counts.get(DS.SENDING, 0)
    info.unreached = counts.get(DS.UNREACHED, 0)
    info.total = max(row.total, sum(counts.values()))
    return info


def residents(topics: list[str], unit_ids: list[int], all_units: bool,
              channels: list[str]) -> Select[str, str, int, int | None, str]:
    """Active subscribers of any of the topics in the communes: each chat once (DISTINCT)."""
    s, t = SubscriberRow, SubscriberTopicRow
    query = (select(s.channel, s.user_id, s.id.label("subscriber_id"), s.unit_id, s.language)
             .distinct().join(t, t.subscriber_id == s.id)
             .where(s.status == SubscriberStatus.ACTIVE.value, t.topic.in_(topics),
                    s.channel.in_(channels)))
    return query if all_units else query.where(s.unit_id.in_(unit_ids))


def team_members(unit_ids: list[int], all_units: bool,
                 channels: list[str]) -> Select[str, str, int, int | None, str]:
    """Active team members of the communes, unless they blocked the bot."""
    m, s = MemberRow, SubscriberRow
    query = (select(m.channel, m.user_id, s.id.label("subscriber_id"), m.unit_id,
                    func.coalesce(s.language, literal("vi")).label("language"))
             .outerjoin(s, and_(s.channel == m.channel, s.user_id == m.user_id))
             .where(m.active, m.role == Role.TEAM_MEMBER.value, m.channel.in_(channels),
                    or_(s.status.is_(None), s.status != SubscriberStatus.BLOCKED.value)))
    return query if all_units else query.where(m.unit_id.in_(unit_ids))


async def live_counts(session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    rows = await session.execute(select(OutboxRow.state, func.count()).where(
        OutboxRow.broadcast_id == broadcast_id).group_by(OutboxRow.state))
    return {state: count for state, count in rows}


class SqlBroadcasts:
    """The repository the dialogue and the CLI use (handlers.ports.BroadcastRepository)."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def create(self, values: dict[str, Any]) -> int:
        row = BroadcastRow(**{k: utc(v) if isinstance(v, datetime) else v
                              for k, v in values.items()})
        self._s.add(row)
        await self._s.flush()
        return row.id

    async def confirm(self, broadcast_id: int, start_at: datetime,
                      expires_at: datetime | None) -> bool:
        """draft -> scheduled, once: a second confirm (or a second process) changes nothing."""
        result = await self._s.execute(_update(BroadcastRow).where(
            BroadcastRow.id == broadcast_id, BroadcastRow.status == BS.DRAFT).values(
            status=BS.SCHEDULED, start_at=utc(start_at), expires_at=utc(expires_at)))
        return rowcount(result) == 1

    async def get(self, broadcast_id: int) -> BroadcastInfo | None:
        row = await self._s.get(BroadcastRow, broadcast_id)
        if row is None:
            return None
        await self._s.refresh(row)
        return info_of(row, await live_counts(self._s, broadcast_id))

    async def recent(self, limit: int) -> list[BroadcastInfo]:
        rows = await self._s.scalars(select(BroadcastRow).where(BroadcastRow.status != BS.DRAFT)
                                     .order_by(BroadcastRow.id.desc()).limit(limit))
        return [info_of(row) for row in rows]

    async def change(self, broadcast_id: int, allowed: set[str], target: str,
                     now: datetime) -> bool:
        """A guarded status change; cancelling also withdraws every copy not yet sent."""
        values: dict[str, str | datetime] = {"status": target}
        if target == BS.CANCELLED:
            values["ended_at"] = now
        result = await self._s.execute(_update(BroadcastRow).where(
            BroadcastRow.id == broadcast_id, BroadcastRow.status.in_(allowed)).values(**values))
        if rowcount(result) != 1:
            return False
        if target == BS.CANCELLED:
            await self._withdraw(broadcast_id, now)
        return True

    async def _withdraw(self, broadcast_id: int, now: datetime) -> None:
        """Copies not yet sent are not sent; a recurring bulletin's live firings go with it."""
        firings = select(BroadcastRow.id).where(BroadcastRow.parent_id == broadcast_id,
                                                BroadcastRow.status.in_((BS.SCHEDULED,) + LIVE))
        ids = [broadcast_id, *await self._s.scalars(firings)]
        await self._s.execute(_update(BroadcastRow).where(BroadcastRow.id.in_(ids[1:])).values(
            status=BS.CANCELLED, ended_at=now))
        await self._s.execute(_update(OutboxRow).where(
            OutboxRow.broadcast_id.in_(ids), OutboxRow.state == DS.PENDING).values(
            state=DS.CANCELLED, done_at=now))

    async def count_recipients(self, topics: list[str], unit_ids: list[int], all_units: bool,
                               audience: str, channels: list[str]) -> int:
        parts = []
        if audience in ("residents", "both") and topics:
            parts.append(residents(topics, unit_ids, all_units, channels)
                         .with_only_columns(SubscriberRow.channel, SubscriberRow.user_id))
        if audience in ("team", "both"):
            parts.append(team_members(unit_ids, all_units, channels)
                         .with_only_columns(MemberRow.channel, MemberRow.user_id))
        if not parts or not channels:
            return 0
        chats = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        return await self._s.scalar(select(func.count()).select_from(chats)) or 0


class SqlBroadcastStatus:
    """What the status reporter reads and writes about the senders' status messages."""

    DONE = "done"    # status_shown once the final state has been drawn: nothing more to do

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def due(self, channel: str) -> list[BroadcastInfo]:
        """Broadcasts of senders on ``channel`` whose status message needs drawing."""
        rows = await self._s.scalars(select(BroadcastRow).where(
            BroadcastRow.status_channel == channel, BroadcastRow.status_chat.is_not(None),
            or_(BroadcastRow.status.in_(LIVE), and_(
                BroadcastRow.status.in_((BS.CANCELLED, BS.FINISHED, BS.EXPIRED)),
                BroadcastRow.status_message.is_not(None),
                or_(BroadcastRow.status_shown.is_(None),
                    BroadcastRow.status_shown != self.DONE)))).order_by(BroadcastRow.id))
        return [info_of(row, await live_counts(self._s, row.id)) for row in rows]

    async def drawn(self, broadcast_id: int, message_ref: str | None, shown: str,
                    rate: float) -> None:
        await self._s.execute(_update(BroadcastRow).where(BroadcastRow.id == broadcast_id)
                              .values(status_message=message_ref, status_shown=shown, rate=rate))
