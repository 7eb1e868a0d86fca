"""In-memory repositories: the same behaviour as storage/'s, on plain lists and dicts.

Each keeps its rows in the MemoryData it is given; the unit of work (memory_uow.py) gives each
unit of work its own copy, so nothing lasts until commit() — as with the database.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from handlers.domain import (Bulletin, BulletinSpec, DialogueState, EventKind, Member, Role,
                             SentBulletin, Subscriber, SubscriberStatus, Unit, UnitSpec)
from handlers.messages import Outgoing
from handlers.statistics.activities import Activity, ActivityInput
from handlers.statistics.figures import Figures
from handlers.statistics.period import Period
from handlers.tips.domain import ThreadMessage, Tip, TipStatus

SENT_STATUSES = ("running", "paused", "finished", "expired")   # reached (or reaching) people


@dataclass
class Invite:
    id: int
    code_hash: str
    role: str
    unit_id: int | None
    team_id: int | None
    expires_at: datetime
    created_by: str
    used_at: datetime | None = None
    used_by: int | None = None
    revoked_at: datetime | None = None


@dataclass
class AuditEntry:
    actor: str
    action: str
    subject: str
    subject_id: str | None
    data: dict[str, Any] | None


@dataclass
class Event:
    """A ledger row."""

    kind: EventKind
    channel: str
    unit_id: int | None
    topic: str | None
    ref: str | None
    count: int
    data: dict[str, Any] | None


@dataclass
class StoredTip:
    tip: Tip
    code_hash: str
    text_hash: str
    first_action_at: datetime | None = None
    escalated_at: datetime | None = None
    thread: list[ThreadMessage] = field(default_factory=list)


@dataclass
class StoredBroadcast:
    """A broadcast row with the fields the screens read (BroadcastView) and what create() got."""

    id: int
    status: str
    text: str
    topics: list[str]
    unit_ids: list[int]
    all_units: bool
    audience: str
    sender: str
    start_at: datetime
    expires_at: datetime | None = None
    parent_id: int | None = None
    photo_ref: str | None = None
    photo_error: str | None = None
    recurrence: str | None = None
    total: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    expired: int = 0
    pending: int = 0
    unreached: int = 0
    rate: float = 0.0
    fanout_done: bool = False
    ended_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class MemoryData:
    """Everything the in-memory database holds."""

    subscribers: list[Subscriber] = field(default_factory=list)
    dialogues: dict[tuple[str, str], DialogueState] = field(default_factory=dict)
    updates: set[tuple[str, str]] = field(default_factory=set)
    events: list[Event] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    bulletins: list[Bulletin] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    teams: dict[int, tuple[int, str]] = field(default_factory=dict)   # id -> (unit id, name)
    roster: dict[int, dict[str, Any]] = field(default_factory=dict)   # team id -> name -> member
    invites: list[Invite] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    tips: dict[int, StoredTip] = field(default_factory=dict)
    links: dict[int, tuple[str, datetime | None]] = field(default_factory=dict)
    groups: list[tuple[int, str, str]] = field(default_factory=list)  # unit id, channel, chat
    notifications: list[Outgoing] = field(default_factory=list)
    counters: dict[tuple[str, datetime], int] = field(default_factory=dict)
    broadcasts: dict[int, StoredBroadcast] = field(default_factory=dict)
    activities: dict[int, list[Activity]] = field(default_factory=dict)
    retired: dict[int, int] = field(default_factory=dict)           # unit id -> successor id


class MemorySubscribers:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def get(self, channel: str, user_id: str) -> Subscriber | None:
        found = [s for s in self._d.subscribers if (s.channel, s.user_id) == (channel, user_id)]
        return dataclasses.replace(found[0], topics=set(found[0].topics)) if found else None

    async def save(self, subscriber: Subscriber) -> Subscriber:
        rows = self._d.subscribers
        if subscriber.id is None:
            subscriber = dataclasses.replace(subscriber, id=len(rows) + 1)
            rows.append(subscriber)
        else:
            rows[subscriber.id - 1] = subscriber
        return dataclasses.replace(subscriber, topics=set(subscriber.topics))

    async def count_active(self) -> int:
        return sum(s.status is SubscriberStatus.ACTIVE for s in self._d.subscribers)


class MemoryDialogues:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def get(self, channel: str, user_id: str) -> DialogueState | None:
        state = self._d.dialogues.get((channel, user_id))
        return DialogueState(state.step, dict(state.data)) if state else None

    async def put(self, channel: str, user_id: str, state: DialogueState) -> None:
        self._d.dialogues[(channel, user_id)] = DialogueState(state.step, dict(state.data))

    async def reset_stale(self, step_prefix: str, before: datetime) -> int:
        return 0      # no clock on the rows here: nothing is ever stale


class MemoryLedger:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    def record(self, kind: EventKind, *, channel: str = "", unit_id: int | None = None,
               topic: str | None = None, ref: str | None = None, count: int = 1,
               data: dict[str, Any] | None = None) -> None:
        self._d.events.append(Event(kind, channel, unit_id, topic, ref, count, data))


class MemoryUpdates:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def first_time(self, channel: str, update_id: str) -> bool:
        seen = (channel, update_id) in self._d.updates
        self._d.updates.add((channel, update_id))
        return not seen

    async def forget_before(self, cutoff: datetime) -> int:
        return 0


class MemoryUnits:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    def _current(self) -> list[Unit]:
        return [u for u in self._d.units if u.id not in self._d.retired]

    async def all(self) -> Sequence[Unit]:
        return self._current()

    async def selectable(self) -> Sequence[Unit]:
        parents = {u.parent_id for u in self._current()}
        return [u for u in self._current() if u.id not in parents]

    async def by_slug(self, slug: str) -> Unit | None:
        return next((u for u in self._current() if u.slug == slug), None)

    async def by_id(self, unit_id: int) -> Unit | None:
        return next((u for u in self._d.units if u.id == unit_id), None)

    async def command(self) -> Unit | None:
        current = sorted(self._current(), key=lambda u: u.id)
        found = [u for u in current if u.duty_desk] or [u for u in current if u.parent_id is None]
        return found[0] if found else None

    async def any_by_slug(self, slug: str) -> Unit | None:
        return next((u for u in self._d.units if u.slug == slug), None)

    async def resolve(self, slug: str) -> Unit | None:
        unit = await self.any_by_slug(slug)
        while unit is not None and unit.id in self._d.retired:
            unit = await self.by_id(self._d.retired[unit.id])
        return unit

    async def history(self) -> Sequence[Unit]:
        return [u for u in self._d.units if u.id in self._d.retired]

    async def set_boundary(self, slug: str, geometry: dict[str, Any]) -> bool:
        unit = await self.by_slug(slug)
        if unit is not None:
            self._d.units[self._d.units.index(unit)] = dataclasses.replace(unit, boundary=geometry)
        return unit is not None

    async def upsert(self, specs: Sequence[UnitSpec]) -> tuple[int, int]:
        added = changed = 0
        for spec in specs:
            parent = await self.by_slug(spec.parent_slug) if spec.parent_slug else None
            unit = Unit(id=len(self._d.units) + 1, slug=spec.slug, name=spec.name,
                        short=spec.short, police=spec.police, kind=spec.kind,
                        parent_id=parent.id if parent else None, aliases=spec.aliases,
                        duty_desk=spec.duty_desk, phone=spec.phone, address=spec.address)
            old = await self.by_slug(spec.slug)
            if old is None:
                self._d.units.append(unit)
                added += 1
            elif dataclasses.replace(unit, id=old.id) != old:
                self._d.units[self._d.units.index(old)] = dataclasses.replace(unit, id=old.id)
                changed += 1
        return added, changed

    async def residents_to_tell(self, unit_id: int) -> list[tuple[str, str, str]]:
        return [(s.channel, s.user_id, s.language) for s in self._d.subscribers
                if s.unit_id == unit_id and s.status is SubscriberStatus.ACTIVE]

    async def move_holdings(self, old_id: int, new_id: int, label: str) -> dict[str, int]:
        moved = [s for s in self._d.subscribers if s.unit_id == old_id]
        for subscriber in moved:
            subscriber.unit_id = new_id
        return {"subscribers": len(moved)}

    async def retire(self, old_id: int, successor_id: int, on: date) -> None:
        self._d.retired[old_id] = successor_id


class MemoryTopics:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def active(self) -> list[str]:
        return list(self._d.topics)

    async def sync(self, slugs: Sequence[str]) -> None:
        self._d.topics[:] = list(slugs)


class MemoryBulletins:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def by_id(self, bulletin_id: int) -> Bulletin | None:
        return next((b for b in self._d.bulletins if b.id == bulletin_id), None)

    async def latest(self, topics: Iterable[str], limit: int) -> list[Bulletin]:
        wanted = set(topics)
        found = [b for b in self._d.bulletins if b.topic in wanted]
        return sorted(found, key=lambda b: (b.published, b.id), reverse=True)[:limit]

    async def page(self, topic: str, offset: int, limit: int) -> list[Bulletin]:
        return (await self.latest([topic], 10**6))[offset:offset + limit]

    async def count(self, topic: str) -> int:
        return sum(b.topic == topic for b in self._d.bulletins)

    async def everything(self) -> list[Bulletin]:
        return sorted(self._d.bulletins, key=lambda b: (b.published, b.id), reverse=True)

    async def sent_to(self, unit_id: int | None, topics: Iterable[str], audiences: Iterable[str],
                      since: datetime, limit: int) -> list[SentBulletin]:
        wanted, heard = set(topics), set(audiences)
        found = [b for b in self._d.broadcasts.values()
                 if b.status in SENT_STATUSES and b.start_at >= since and b.audience in heard
                 and wanted & set(b.topics)
                 and (b.all_units or (unit_id is not None and unit_id in b.unit_ids))]
        found.sort(key=lambda b: (b.start_at, b.id), reverse=True)
        return [self._sent(b) for b in found[:limit]]

    async def sent_by_id(self, broadcast_id: int) -> SentBulletin | None:
        found = self._d.broadcasts.get(broadcast_id)
        return self._sent(found) if found and found.status in SENT_STATUSES else None

    def _sent(self, broadcast: StoredBroadcast) -> SentBulletin:
        library = next((b for b in self._d.bulletins
                        if b.id == broadcast.extra.get("bulletin_id")), None)
        return SentBulletin(id=broadcast.id, topics=tuple(broadcast.topics), text=broadcast.text,
                            sent_at=broadcast.start_at, title=library.title if library else "")

    async def upsert(self, specs: Sequence[BulletinSpec]) -> tuple[int, int]:
        added = 0
        for spec in specs:
            fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(Bulletin)
                      if f.name != "id"}
            self._d.bulletins.append(Bulletin(id=len(self._d.bulletins) + 1, **fields))
            added += 1
        return added, 0


class MemoryStatistics:
    async def figures(self, period: Period, unit_slug: str | None = None) -> Figures:
        """The figures are SQL over the ledger (tests/statistics runs them on both databases)."""
        raise NotImplementedError("statistics figures need the database")


class MemoryActivities:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def add(self, entry: ActivityInput, actor: str) -> Activity:
        raise NotImplementedError("outreach records are tested on the database")

    async def correct(self, record_id: int, entry: ActivityInput, actor: str,
                      withdrawn: bool = False) -> Activity:
        raise NotImplementedError("outreach records are tested on the database")

    async def get(self, record_id: int) -> Activity | None:
        versions = self._d.activities.get(record_id)
        return versions[-1] if versions else None

    async def history(self, record_id: int) -> list[Activity]:
        return list(self._d.activities.get(record_id, []))

    async def listing(self, unit_ids: list[int] | None, start: date, end: date) -> list[Activity]:
        return []


def is_open_tip(stored: StoredTip, unit_ids: list[int] | None) -> bool:
    tip = stored.tip
    return tip.status is not TipStatus.CLOSED and (unit_ids is None or tip.unit_id in unit_ids)


def of_role(members: list[Member], roles: Iterable[Role]) -> list[Member]:
    wanted = set(roles)
    return [m for m in members if m.active and m.role in wanted]
