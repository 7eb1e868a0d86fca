"""The report's figures, summed in the database with portable SQL (SQLite and PostgreSQL).

Queries group by raw unit id (a few hundred rows at most); mapping merged units to their
successors and rolling up the unit tree happen on those small results. Counts that must not be
summed up the tree (distinct bulletins, percentiles) are computed per node in SQL, joining a
small VALUES table of (raw unit, node) pairs.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, cast, distinct, func, literal, select, text, true, values
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import column

from handlers.domain import EventKind, Role, SubscriberStatus
from handlers.statistics.assemble import assemble
from handlers.statistics.figures import (DELIVERY_KINDS, ActivityTotals, ChannelFigures, Counts,
                                         Figures, MonthFigures, TopicFigures)
from handlers.statistics.period import Period
from handlers.statistics.tree import (UNASSIGNED, Scope, Succession, UnitInfo, build_scope,
                                      rollup, successors)
from storage.db import dialect_name
from storage.tables.core import LedgerRow as L
from storage.tables.core import MemberRow, RosterMemberRow, SubscriberRow, TeamRow, UnitRow
from storage.repositories.statistics_rollup import period_facts, restore, sums, watermark
from storage.tables.statistics import ActivityRow, SuccessionRow
from storage.repositories.statistics_tips import TipFigures, add_counts, add_months, categories

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.sql.elements import SQLCoreOperations

FLOWS = {"delivered": "delivered", "delivery_failed": "delivery_failed",
         "delivery_blocked": "delivery_blocked", "delivery_expired": "delivery_expired",
         "delivery_out_of_reach": "delivery_out_of_reach", "subscribed": "new_subscribers",
         "resubscribed": "returned_subscribers", "unsubscribed": "unsubscribed",
         "blocked": "blocked_bot", "bulletin_viewed": "views", "bulletin_read": "zalo_reads",
         "team_report_submitted": "team_reports"}
SUBSCRIBER_CHANGE = {"subscribed": 1, "resubscribed": 1, "unsubscribed": -1, "blocked": -1,
                     # a reorganisation moving residents to the merged commune
                     "subscribers_moved_in": 1, "subscribers_moved_out": -1}
PUBLISHED = EventKind.BULLETIN_PUBLISHED.value


class SqlStatistics:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def figures(self, period: Period, unit_slug: str | None = None) -> Figures:
        rows = list(await self._s.scalars(select(UnitRow).order_by(UnitRow.id)))
        units = [UnitInfo(r.id, r.slug, r.name, r.parent_id) for r in rows]
        successions = [Succession(r.old_slug, r.new_slug, r.effective)
                       for r in await self._s.scalars(select(SuccessionRow))]
        scope = build_scope(units, successors(units, successions, period.end), unit_slug)
        await self._roomy_sorts()
        while True:
            after = await watermark(self._s)
            found = await self._figures(period, scope, after)
            # A refresh that committed meanwhile (READ COMMITTED) could count rows twice.
            if await watermark(self._s) == after:
                found.issuer = await self._issuer(unit_slug)
                return _named(found, scope, rows)

    async def _figures(self, period: Period, scope: Scope, after: int) -> Figures:
        self._after = after
        start, end = period.bounds()
        raw = await self._flows(scope, start, end)
        await self._subscribers_at(scope, end, raw)
        await self._teams(scope, raw)
        await self._activities(scope, period, raw)
        tips = TipFigures(self._s, scope, await period_facts(self._s, start, end, after))
        tip_rows, durations = await tips.run(period.month_edges())
        add_counts(tip_rows["units"], raw)
        months = await self._months(scope, period)
        add_months(tip_rows["months"], months)
        return assemble(
            period=period, scope=scope, nodes=rollup(scope, raw),
            bulletins=await self._bulletins_per_node(scope, start, end),
            durations=durations,
            topics=await self._topics(scope, start, end),
            channels=await self._channels(scope, start, end),
            categories=categories(tip_rows["categories"]), months=months,
            generated_at=datetime.now(timezone.utc))

    async def _issuer(self, unit_slug: str | None) -> str | None:
        """The reporting police unit: the unit reported on, or the current duty desk."""
        if unit_slug is not None:
            return await self._s.scalar(select(UnitRow.police).where(UnitRow.slug == unit_slug))
        return await self._s.scalar(select(UnitRow.police).where(
            UnitRow.active, UnitRow.duty_desk).order_by(UnitRow.id).limit(1))

    async def _roomy_sorts(self) -> None:
        """PostgreSQL only: a year of tips is grouped and ranked in memory rather than on disk
        (the default 4 MB spills); SET LOCAL ends with this transaction."""
        if dialect_name(self._s) == "postgresql":
            await self._s.execute(text("SET LOCAL work_mem = '64MB'"))

    def _in_scope(self, unit_column: SQLCoreOperations[int | None],
                  scope: Scope) -> ColumnElement[bool]:
        return true() if scope.everything else unit_column.in_(scope.raw_ids)

    async def _sums(self, keys: tuple[str, ...], kinds: Iterable[str], start: datetime,
                    end: datetime | None, scope: Scope) -> list[tuple[Any, ...]]:
        """SUM(count) by keys from the rollup and the ledger rows after its watermark."""
        units = None if scope.everything else list(scope.raw_ids)
        statement = sums(dialect_name(self._s), keys, list(kinds), start, end,
                         self._after, units)
        return [restore(keys, row) for row in await self._s.execute(statement)]

    async def _flows(self, scope: Scope, start: datetime,
                     end: datetime) -> dict[int | None, Counts]:
        raw: dict[int | None, Counts] = {}
        for kind, unit_id, n in await self._sums(("kind", "unit_id"), FLOWS, start, end, scope):
            counts = raw.setdefault(unit_id, Counts())
            setattr(counts, FLOWS[kind], getattr(counts, FLOWS[kind]) + n)
        return raw

    async def _subscribers_at(self, scope: Scope, end: datetime, raw: dict[int | None, Counts]) -> None:
        """Active subscribers now, less the changes after `end` (a past period's end)."""
        now = await self._s.execute(
            select(SubscriberRow.unit_id, func.count()).where(
                SubscriberRow.status == SubscriberStatus.ACTIVE.value,
                self._in_scope(SubscriberRow.unit_id, scope)).group_by(SubscriberRow.unit_id))
        at_end = {unit_id: n for unit_id, n in now}
        later = await self._sums(("kind", "unit_id"), SUBSCRIBER_CHANGE, end, None, scope)
        for kind, unit_id, n in later:
            at_end[unit_id] = at_end.get(unit_id, 0) - SUBSCRIBER_CHANGE[kind] * int(n)
        for unit_id, n in at_end.items():
            # Commune changes after `end` can shift a unit below zero; never report that.
            raw.setdefault(unit_id, Counts()).subscribers_end += max(n, 0)

    async def _teams(self, scope: Scope, raw: dict[int | None, Counts]) -> None:
        """Teams as they are now (neither the bot's members nor the roster keep history): the
        bot counts active team members and the active teams they belong to; the roster
        (handlers.roster) is what the units imported, whether or not its people use the bot."""
        unit = func.coalesce(MemberRow.unit_id, TeamRow.unit_id)
        members = await self._s.execute(
            select(unit, func.count(), func.count(distinct(TeamRow.id))).select_from(
                MemberRow).outerjoin(TeamRow, (TeamRow.id == MemberRow.team_id) & TeamRow.active
                                     ).where(
                MemberRow.role == Role.TEAM_MEMBER.value, MemberRow.active,
                self._in_scope(unit, scope)).group_by(unit))
        for unit_id, n, teams in members:
            counts = raw.setdefault(unit_id, Counts())
            counts.team_members += n
            counts.teams += teams
        roster = await self._s.execute(
            select(TeamRow.unit_id, func.count(distinct(TeamRow.id)),
                   func.count(RosterMemberRow.id)).select_from(TeamRow).outerjoin(
                RosterMemberRow, RosterMemberRow.team_id == TeamRow.id).where(
                TeamRow.active, TeamRow.on_roster,
                self._in_scope(TeamRow.unit_id, scope)).group_by(TeamRow.unit_id))
        for unit_id, teams, people in roster:
            counts = raw.setdefault(unit_id, Counts())
            counts.roster_teams += teams
            counts.roster_members += people

    async def _activities(self, scope: Scope, period: Period, raw: dict[int | None, Counts]) -> None:
        a = ActivityRow
        rows = await self._s.execute(
            select(a.unit_id, a.category, func.count(), func.sum(a.count),
                   func.sum(func.coalesce(a.attendance, 0)), func.sum(func.coalesce(a.aired, 0)),
                   func.sum(func.coalesce(a.succeeded, 0))).where(
                a.current, a.withdrawn.is_(False), a.day >= period.start, a.day <= period.end,
                self._in_scope(a.unit_id, scope)).group_by(a.unit_id, a.category))
        for unit_id, category, records, count, attendance, aired, succeeded in rows:
            totals = ActivityTotals(records, int(count), int(attendance), int(aired),
                                    int(succeeded))
            raw.setdefault(unit_id, Counts()).activities[category] = totals

    def _bulletin_key(self) -> ColumnElement[str]:
        """A bulletin is counted once per broadcast (ref), however many units it addressed."""
        return func.coalesce(L.ref, literal("#") + cast(L.id, String))

    def _reached(self, scope: Scope) -> ColumnElement[bool]:
        unit = func.coalesce(L.unit_id, UNASSIGNED)
        return true() if scope.everything else unit.in_(list(scope.reach))

    async def _bulletins_per_node(self, scope: Scope, start: datetime,
                                  end: datetime) -> dict[int, int]:
        reach = values(column("raw", Integer), column("node", Integer), name="reach").data(
            scope.pairs(scope.reach)).cte("reach")
        rows = await self._s.execute(
            select(reach.c.node, func.count(distinct(self._bulletin_key()))).select_from(L).join(
                reach, reach.c.raw == func.coalesce(L.unit_id, UNASSIGNED)).where(
                L.kind == PUBLISHED, L.at >= start, L.at < end).group_by(reach.c.node))
        return {node: n for node, n in rows}

    async def _topics(self, scope: Scope, start: datetime, end: datetime) -> list[TopicFigures]:
        published = await self._s.execute(
            select(L.topic, func.count(distinct(self._bulletin_key()))).where(
                L.kind == PUBLISHED, L.at >= start, L.at < end, self._reached(scope))
            .group_by(L.topic))
        topics = {t: TopicFigures(t, bulletins=n) for t, n in published}
        deliveries = await self._sums(("kind", "topic"), DELIVERY_KINDS, start, end, scope)
        for kind, topic, n in deliveries:
            row = topics.setdefault(topic, TopicFigures(topic))
            row.delivered += int(n) if kind == "delivered" else 0
            row.attempted += int(n) if kind in DELIVERY_KINDS[:3] else 0
        return sorted(topics.values(), key=lambda t: (-t.bulletins, -t.delivered, t.topic or ""))

    async def _channels(self, scope: Scope, start: datetime,
                        end: datetime) -> list[ChannelFigures]:
        """Per channel: bulletins published on it (a bulletin for every channel has none) and
        the deliveries, which always carry the channel they went out on."""
        rows = await self._s.execute(
            select(L.channel, func.count(distinct(self._bulletin_key()))).where(
                L.kind == PUBLISHED, L.at >= start, L.at < end, self._reached(scope))
            .group_by(L.channel))
        found = {channel: ChannelFigures(channel, n) for channel, n in rows}
        for kind, channel, n in await self._sums(("kind", "channel"), DELIVERY_KINDS[:3],
                                                 start, end, scope):
            row = found.setdefault(channel, ChannelFigures(channel))
            row.delivered += n if kind == "delivered" else 0
            row.attempted += n
        return [found[channel] for channel in sorted(found)]

    async def _months(self, scope: Scope, period: Period) -> list[MonthFigures]:
        start, end = period.bounds()
        months = {ym: MonthFigures(*ym) for ym in period.months()}
        for day, kind, n in await self._sums(("day", "kind"), DELIVERY_KINDS, start, end, scope):
            target = months[(day.year, day.month)]
            if kind == "delivered":
                target.delivered += n
            else:
                target.undelivered += n
        return list(months.values())


def _named(found: Figures, scope: Scope, rows: list[UnitRow]) -> Figures:
    """The area the report speaks for: the scope's unit, or for everything the directory's one
    active top unit (several after a reorganisation: none is named)."""
    unit: UnitRow | None
    if scope.root is not None:
        unit = next(r for r in rows if r.id == scope.root.id)
    else:
        tops = [r for r in rows if r.parent_id is None and r.active]
        unit = tops[0] if len(tops) == 1 else None
    if unit is not None:
        found.area_name = unit.name
    return found
