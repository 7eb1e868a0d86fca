"""An in-memory unit of work with every repository the use cases use (handlers.ports).

Use cases run against it without a database: `MemoryDatabase()` is the store; calling it gives a
unit of work that works on a copy and writes it back only on commit(), as a transaction does.
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from handlers.domain import Member, Role, SubscriberStatus
from handlers.messages import Outgoing
from handlers.ports import UnitOfWork
from handlers.tips.domain import ThreadMessage, Tip, TipStatus
from tests.fakes.memory_repositories import (AuditEntry, Invite, MemoryActivities,
                                             MemoryBulletins, MemoryData, MemoryDialogues,
                                             MemoryLedger, MemoryStatistics, MemorySubscribers,
                                             MemoryTopics, MemoryUnits, MemoryUpdates,
                                             StoredBroadcast, StoredTip, is_open_tip, of_role)


class MemoryMembers:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def get(self, channel: str, user_id: str) -> Member | None:
        return next((dataclasses.replace(m) for m in self._d.members
                     if (m.channel, m.user_id) == (channel, user_id)), None)

    async def by_id(self, member_id: int) -> Member | None:
        found = self._d.members[member_id - 1] if 0 < member_id <= len(self._d.members) else None
        return dataclasses.replace(found) if found else None

    async def save(self, member: Member) -> Member:
        old = await self.get(member.channel, member.user_id)
        if old is not None and old.id is not None:
            member = dataclasses.replace(member, id=old.id)
            self._d.members[old.id - 1] = member
        else:
            member = dataclasses.replace(member, id=len(self._d.members) + 1)
            self._d.members.append(member)
        return dataclasses.replace(member)

    async def staff_of(self, unit_ids: Iterable[int], roles: Iterable[Role]) -> list[Member]:
        units = set(unit_ids)
        return [m for m in of_role(self._d.members, roles) if m.unit_id in units]

    async def with_role(self, roles: Iterable[Role]) -> list[Member]:
        return of_role(self._d.members, roles)

    async def all(self) -> list[Member]:
        return [dataclasses.replace(m) for m in self._d.members]


class MemoryTeams:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def ensure(self, unit_id: int, name: str) -> int:
        for team_id, team in self._d.teams.items():
            if team == (unit_id, name):
                return team_id
        self._d.teams[len(self._d.teams) + 1] = (unit_id, name)
        return len(self._d.teams)

    async def name(self, team_id: int) -> str | None:
        team = self._d.teams.get(team_id)
        return team[1] if team else None


class MemoryInvites:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def add(self, code_hash: str, role: Role, unit_id: int | None, team_id: int | None,
                  expires_at: datetime, created_by: str) -> int:
        invite = Invite(len(self._d.invites) + 1, code_hash, role.value, unit_id, team_id,
                        expires_at, created_by)
        self._d.invites.append(invite)
        return invite.id

    async def by_id(self, invite_id: int) -> Invite | None:
        return next((i for i in self._d.invites if i.id == invite_id), None)

    async def find(self, code_hash: str) -> Invite | None:
        return next((i for i in self._d.invites if i.code_hash == code_hash), None)

    async def use(self, invite_id: int, member_id: int, now: datetime) -> bool:
        invite = await self.by_id(invite_id)
        if invite is None or invite.used_at or invite.revoked_at:
            return False
        invite.used_at, invite.used_by = now, member_id
        return True

    async def revoke(self, invite_id: int, now: datetime) -> bool:
        invite = await self.by_id(invite_id)
        if invite is None or invite.used_at or invite.revoked_at:
            return False
        invite.revoked_at = now
        return True

    async def listing(self) -> list[Invite]:
        return list(self._d.invites)


class MemoryAudit:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    def record(self, actor: str, action: str, subject: str, subject_id: str | None = None,
               data: dict[str, Any] | None = None) -> None:
        self._d.audit.append(AuditEntry(actor, action, subject, subject_id, data))

    async def of(self, subject: str, subject_id: str) -> list[AuditEntry]:
        return [a for a in self._d.audit if (a.subject, a.subject_id) == (subject, subject_id)]


class MemoryTips:
    """Tips with their receipt-code hash, thread and (kept apart) the sealed link."""

    def __init__(self, data: MemoryData) -> None:
        self._d = data

    def _copy(self, stored: StoredTip | None) -> Tip | None:
        return copy.deepcopy(stored.tip) if stored else None

    async def label_taken(self, label: str) -> bool:
        return any(s.tip.label == label for s in self._d.tips.values())

    async def add(self, tip: Tip, code_hash: str, text_hash: str, prompted_by: str | None) -> Tip:
        tip = dataclasses.replace(tip, id=len(self._d.tips) + 1, first_unit_id=tip.unit_id,
                                  prompted_by=prompted_by)
        self._d.tips[tip.id] = StoredTip(copy.deepcopy(tip), code_hash, text_hash)
        return tip

    async def by_id(self, tip_id: int) -> Tip | None:
        return self._copy(self._d.tips.get(tip_id))

    async def by_label(self, label: str) -> Tip | None:
        return self._copy(next((s for s in self._d.tips.values()
                                if s.tip.label == label.upper()), None))

    async def by_code_hash(self, code_hash: str) -> Tip | None:
        return self._copy(next((s for s in self._d.tips.values()
                                if s.code_hash == code_hash), None))

    async def seen_text(self, text_hash: str, since: datetime) -> bool:
        return any(s.text_hash == text_hash and s.tip.created_at >= since
                   for s in self._d.tips.values())

    async def open_tips(self, unit_ids: list[int] | None, offset: int, limit: int) -> list[Tip]:
        found = [s.tip for s in self._d.tips.values() if is_open_tip(s, unit_ids)]
        found.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        return copy.deepcopy(found[offset:offset + limit])

    async def count_open(self, unit_ids: list[int] | None) -> int:
        return sum(is_open_tip(s, unit_ids) for s in self._d.tips.values())

    async def of_reporter(self, member_id: int, limit: int) -> list[Tip]:
        found = [s.tip for s in self._d.tips.values() if s.tip.reporter_member_id == member_id]
        return copy.deepcopy(sorted(found, key=lambda t: t.id, reverse=True)[:limit])

    async def take(self, tip_id: int, member_id: int, now: datetime) -> bool:
        tip = self._d.tips[tip_id].tip
        if tip.taken_by is not None or tip.status is not TipStatus.NEW:
            return False
        tip.taken_by, tip.status = member_id, TipStatus.TAKEN
        return True

    async def release(self, tip_id: int) -> None:
        self._d.tips[tip_id].tip.taken_by = None

    async def first_action(self, tip_id: int, now: datetime) -> datetime | None:
        stored = self._d.tips[tip_id]
        if stored.first_action_at is not None:
            return None
        stored.first_action_at = now
        return stored.tip.created_at

    async def save(self, tip: Tip) -> None:
        stored = self._d.tips[tip.id].tip
        stored.unit_id, stored.status, stored.outcome = tip.unit_id, tip.status, tip.outcome
        stored.duplicate_of, stored.closed_at = tip.duplicate_of, tip.closed_at

    async def add_message(self, tip_id: int, message: ThreadMessage,
                          author_member_id: int | None) -> None:
        self._d.tips[tip_id].thread.append(message)

    async def thread(self, tip_id: int) -> list[ThreadMessage]:
        return list(self._d.tips[tip_id].thread)

    async def due_for_escalation(self, before: datetime) -> list[Tip]:
        return copy.deepcopy([s.tip for s in self._d.tips.values()
                              if s.tip.status is TipStatus.NEW and s.escalated_at is None
                              and s.tip.created_at <= before])

    async def mark_escalated(self, tip_id: int, now: datetime) -> bool:
        stored = self._d.tips[tip_id]
        first = stored.escalated_at is None
        stored.escalated_at = stored.escalated_at or now
        return first

    async def end_conversation(self, tip_id: int, now: datetime) -> None:
        self._d.tips[tip_id].tip.conversation_ended = True
        await self.drop_link(tip_id)

    async def erase_contents(self, closed_before: datetime, now: datetime) -> int:
        erased = 0
        for stored in self._d.tips.values():
            tip = stored.tip
            if tip.closed_at is not None and tip.closed_at <= closed_before and not tip.erased:
                tip.text = tip.contact = tip.place = ""
                tip.attachments, tip.location, tip.erased = [], None, True
                stored.thread.clear()
                erased += 1
        return erased

    async def put_link(self, tip_id: int, sealed: str) -> None:
        self._d.links[tip_id] = (sealed, None)

    async def link(self, tip_id: int) -> str | None:
        found = self._d.links.get(tip_id)
        return found[0] if found else None

    async def drop_link(self, tip_id: int) -> None:
        self._d.links.pop(tip_id, None)

    async def schedule_link_erasure(self, tip_id: int, at: datetime) -> None:
        if tip_id in self._d.links:
            self._d.links[tip_id] = (self._d.links[tip_id][0], at)

    async def erase_due_links(self, now: datetime) -> int:
        due = [i for i, (_, at) in self._d.links.items() if at is not None and at <= now]
        for tip_id in due:
            del self._d.links[tip_id]
        return len(due)


class MemoryGroups:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def register(self, unit_id: int, channel: str, chat_id: str, member_id: int) -> bool:
        old = [g for g in self._d.groups if g[1:] == (channel, chat_id)]
        for group in old:
            self._d.groups.remove(group)
        self._d.groups.append((unit_id, channel, chat_id))
        return not old

    async def of_units(self, unit_ids: list[int]) -> list[tuple[str, str]]:
        return [(c, chat) for unit, c, chat in self._d.groups if unit in unit_ids]

    async def unit_of(self, channel: str, chat_id: str) -> int | None:
        return next((u for u, c, chat in self._d.groups if (c, chat) == (channel, chat_id)), None)


class MemoryNotifications:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    def add(self, outgoing: Outgoing, *, channel_hint: str = "") -> None:
        self._d.notifications.append(dataclasses.replace(
            outgoing, channel=outgoing.channel or channel_hint))


class MemoryCounters:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def hit(self, key: str, window_start: datetime) -> int:
        self._d.counters[(key, window_start)] = await self.count(key, window_start) + 1
        return self._d.counters[(key, window_start)]

    async def count(self, key: str, window_start: datetime) -> int:
        return self._d.counters.get((key, window_start), 0)

    async def forget_before(self, cutoff: datetime) -> int:
        old = [k for k in self._d.counters if k[1] < cutoff]
        for key in old:
            del self._d.counters[key]
        return len(old)


class MemoryBroadcasts:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def create(self, fields: dict[str, Any]) -> int:
        names = {f.name for f in dataclasses.fields(StoredBroadcast)} - {"id", "extra"}
        known = {k: v for k, v in fields.items() if k in names}
        extra = {k: v for k, v in fields.items() if k not in names}
        broadcast = StoredBroadcast(id=len(self._d.broadcasts) + 1, extra=extra, **known)
        self._d.broadcasts[broadcast.id] = broadcast
        return broadcast.id

    async def confirm(self, broadcast_id: int, start_at: datetime,
                      expires_at: datetime | None) -> bool:
        broadcast = self._d.broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.status != "draft":
            return False
        broadcast.status, broadcast.start_at, broadcast.expires_at = (
            "scheduled", start_at, expires_at)
        return True

    async def get(self, broadcast_id: int) -> StoredBroadcast | None:
        return copy.deepcopy(self._d.broadcasts.get(broadcast_id))

    async def recent(self, limit: int) -> list[StoredBroadcast]:
        confirmed = [b for b in self._d.broadcasts.values() if b.status != "draft"]
        return copy.deepcopy(sorted(confirmed, key=lambda b: b.id, reverse=True)[:limit])

    async def change(self, broadcast_id: int, allowed: set[str], target: str,
                     now: datetime) -> bool:
        broadcast = self._d.broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.status not in allowed:
            return False
        broadcast.status = target
        if target == "cancelled":
            broadcast.ended_at = now
        return True

    async def count_recipients(self, topics: list[str], unit_ids: list[int], all_units: bool,
                               audience: str, channels: list[str]) -> int:
        chats: set[tuple[str, str]] = set()
        where = set(unit_ids)
        if audience in ("residents", "both"):
            chats |= {(s.channel, s.user_id) for s in self._d.subscribers
                      if s.status is SubscriberStatus.ACTIVE and s.topics & set(topics)
                      and s.channel in channels and (all_units or s.unit_id in where)}
        if audience in ("team", "both"):
            blocked = {(s.channel, s.user_id) for s in self._d.subscribers
                       if s.status is SubscriberStatus.BLOCKED}
            chats |= {(m.channel, m.user_id) for m in of_role(self._d.members, [Role.TEAM_MEMBER])
                      if m.channel in channels and (all_units or m.unit_id in where)} - blocked
        return len(chats)


class MemoryRoster:
    def __init__(self, data: MemoryData) -> None:
        self._d = data

    async def team(self, unit_id: int, name: str) -> tuple[int, bool]:
        known = len(self._d.teams)
        team_id = await MemoryTeams(self._d).ensure(unit_id, name)
        self._d.roster.setdefault(team_id, {})
        return team_id, len(self._d.teams) > known

    async def replace_members(self, team_id: int, members: Any) -> tuple[int, int, int]:
        old, new = self._d.roster.get(team_id, {}), {m.name: m for m in members}
        self._d.roster[team_id] = new
        added = sum(1 for name in new if name not in old)
        updated = sum(1 for name in new if name in old and old[name] != new[name])
        return added, updated, sum(1 for name in old if name not in new)

    async def listing(self, unit_id: int | None = None) -> list[tuple[int, str, list[Any]]]:
        return [(self._d.teams[team][0], self._d.teams[team][1], list(members.values()))
                for team, members in self._d.roster.items()
                if unit_id is None or self._d.teams[team][0] == unit_id]


class MemoryUnitOfWork:
    """One transaction over a MemoryDatabase: a copy of its data, written back by commit()."""

    def __init__(self, database: MemoryDatabase) -> None:
        self._database = database
        self.committed = 0

    async def __aenter__(self) -> MemoryUnitOfWork:
        self._begin()
        return self

    def _begin(self) -> None:
        data = self.data = copy.deepcopy(self._database.data)
        self.subscribers, self.dialogues = MemorySubscribers(data), MemoryDialogues(data)
        self.ledger, self.updates = MemoryLedger(data), MemoryUpdates(data)
        self.units, self.topics = MemoryUnits(data), MemoryTopics(data)
        self.bulletins = MemoryBulletins(data)
        self.members, self.teams = MemoryMembers(data), MemoryTeams(data)
        self.roster = MemoryRoster(data)
        self.invites, self.audit = MemoryInvites(data), MemoryAudit(data)
        self.tips, self.groups = MemoryTips(data), MemoryGroups(data)
        self.notifications, self.counters = MemoryNotifications(data), MemoryCounters(data)
        self.broadcasts = MemoryBroadcasts(data)
        self.statistics, self.activities = MemoryStatistics(), MemoryActivities(data)

    async def __aexit__(self, *exc: object) -> None:
        return None          # what was not committed is simply dropped

    async def commit(self) -> None:
        self._database.data = copy.deepcopy(self.data)
        self.committed += 1

    async def rollback(self) -> None:
        self._begin()


class MemoryDatabase:
    """The store; calling it hands out a unit of work (a UnitOfWorkFactory)."""

    def __init__(self) -> None:
        self.data = MemoryData()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


def _conforms(uow: MemoryUnitOfWork) -> UnitOfWork:
    return uow     # mypy checks here that the fake offers the whole protocol
