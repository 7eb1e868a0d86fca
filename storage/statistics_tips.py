"""Tip figures: the tips submitted in a period, each with what became of it by the period's end.

Everything comes from ledger events (never the tips' contents), so the figures survive the
retention erasure of contents and follow-up links. One grouped pass makes a row of facts per
tip; percentiles are nearest-rank, with window functions that SQLite and PostgreSQL both have.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (BigInteger, Integer, String, bindparam, case, cast, extract, func,
                        literal, select, true, union_all, values)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import column

from handlers.domain import EventKind
from handlers.statistics.figures import OUTCOMES, CategoryFigures, Counts, MonthFigures
from handlers.statistics.tree import UNASSIGNED, Scope
from storage.models import LedgerRow
from storage.statistics_tables import TIP_KINDS

LEDGER = LedgerRow.__table__
# Team members' incident reports go through the same hands as tips and are counted with them.
SUBMITTED = (EventKind.TIP_SUBMITTED.value, EventKind.TEAM_REPORT_SUBMITTED.value)
MOVED, OUTCOME = EventKind.TIP_MOVED.value, EventKind.TIP_OUTCOME.value
# Rendered as literals: SQLite uses the partial index ix_ledger_stats_tips only then.
KINDS = bindparam("tip_kinds", list(TIP_KINDS), expanding=True, literal_execute=True)


UNIT_BASE = 10_000_000      # unit ids stay below this: (time, unit) fits one BIGINT
CODES = {name: code for code, name in enumerate(OUTCOMES, start=1)}


def _latest(when, value, base: int):
    """Encodes (event time, value) as one integer, so MAX() picks the latest event's value.

    A grouped MAX instead of a window or a join keeps this one pass over the events (SQLite
    nest-loops joins between derived tables); events in the same second tie on the value.
    """
    return cast(extract("epoch", when), BigInteger) * base + value


def tip_facts(start: datetime, end: datetime):
    """One row per tip or team report submitted in [start, end): its unit after moves (as of
    `end`), category, source, latest outcome, whether it was moved or escalated, and the seconds
    to the first officer action (first take) and to closure (the last one, if reopened)."""
    e = LEDGER.alias("tip_events")
    submitted = e.c.kind.in_(SUBMITTED)
    grouped = select(e.c.ref, *_per_tip(e, submitted)).where(
        e.c.kind.in_(KINDS), e.c.at >= start, e.c.at < end).group_by(e.c.ref).having(
        func.max(_when(submitted, 1, 0)) == 1).subquery("grouped")
    g = grouped.c
    outcome = case(*[(g.outcome_key % 8 == c, name) for name, c in CODES.items()])
    return select(
        g.ref, func.coalesce(g.move_key % UNIT_BASE, g.submitted_unit).label("unit_id"),
        g.topic, g.at, g.team, g.credited, outcome.label("outcome"), g.moved, g.escalated,
        g.first_action, g.closure).cte("facts")


def _when(condition, value, otherwise=None):
    return case((condition, value), else_=otherwise)


def _per_tip(e, submitted) -> list:
    """The aggregates of one tip's events (see tip_facts)."""
    kind, data, at = e.c.kind, e.c.data, e.c.at
    team = (kind == EventKind.TEAM_REPORT_SUBMITTED.value) | (data["source"].as_string() == "team")
    code = case(*[(data["outcome"].as_string() == name, c) for name, c in CODES.items()], else_=0)
    seconds = data["seconds"].as_integer()
    return [
        func.max(_when(submitted, e.c.unit_id)).label("submitted_unit"),
        func.max(_when(kind == MOVED, _latest(at, data["to_unit"].as_integer(), UNIT_BASE)))
        .label("move_key"),
        func.max(_when(submitted, e.c.topic)).label("topic"),
        func.min(_when(submitted, at)).label("at"),
        func.max(_when(submitted & team, 1, 0)).label("team"),
        func.max(_when(submitted & data["prompted_by"].as_string().is_not(None), 1, 0))
        .label("credited"),
        func.max(_when(kind == OUTCOME, _latest(at, code, 8))).label("outcome_key"),
        func.max(_when(kind == MOVED, 1, 0)).label("moved"),
        func.max(_when(kind == EventKind.TIP_ESCALATED.value, 1, 0)).label("escalated"),
        func.min(_when(kind == EventKind.TIP_TAKEN.value, seconds)).label("first_action"),
        func.max(_when(kind == EventKind.TIP_CLOSED.value, seconds)).label("closure")]


class TipFigures:
    """The queries over one period's tip facts, limited to one scope."""

    def __init__(self, session: AsyncSession, scope: Scope, start: datetime,
                 end: datetime) -> None:
        self._s, self._scope = session, scope
        self.facts = tip_facts(start, end)

    def _in_scope(self):
        unit = self.facts.c.unit_id
        return true() if self._scope.everything else unit.in_(self._scope.raw_ids)

    async def run(self, edges: list[datetime]) -> tuple[list[GroupedTips], dict]:
        """The grouped tip counts and the percentiles in one statement, so the tips' facts
        are worked out once (a CTE used twice is materialised by SQLite and PostgreSQL)."""
        rows = await self._s.execute(union_all(self._grouped(edges), self._percentiles()))
        grouped, found = [], {metric: {} for metric in METRICS}
        for part, *cells in rows:
            if part == 0:
                grouped.append(GroupedTips(*cells[:9]))
            else:
                node, metric, n, median, p90 = cells[0], cells[2], cells[8], *cells[9:]
                found[METRICS[metric]][node] = (n, median, p90)
        return grouped, found

    def _grouped(self, edges: list[datetime]):
        """Tip counts by (unit, category, source, outcome, moved, escalated, credited, month),
        months cut at the local month edges: a few thousand rows at most."""
        f = self.facts
        inner = edges[1:-1]
        bucket = (case(*[(f.c.at < edge, i) for i, edge in enumerate(inner)], else_=len(inner))
                  if inner else literal(0)).label("bucket")
        keys = (f.c.unit_id, f.c.topic, f.c.team, f.c.outcome, f.c.moved, f.c.escalated,
                f.c.credited, bucket)
        return select(literal(0).label("part"), *keys, func.count().label("n"),
                      literal(None, Integer).label("median"),
                      literal(None, Integer).label("p90")).where(self._in_scope()).group_by(*keys)

    def _percentiles(self):
        """Per metric and node: tips measured, median and 90th percentile, in seconds, laid
        out in the grouped rows' columns (node as unit, metric as team)."""
        pairs = self._scope.pairs(self._scope.down)
        down = values(column("raw", Integer), column("node", Integer), name="down").data(pairs)
        down = down.cte("down")
        parts = [self._ranked(down, metric) for metric in METRICS]
        ranked = parts[0].union_all(parts[1]).subquery("ranked")
        r = ranked.c
        # Nearest rank: the smallest value with at least p of the values at or below it
        # (cume_dist = k/n; k/n >= 0.9 cannot round the wrong way for n below a billion).
        median = func.min(case((r.share >= 0.5, r.v)))
        p90 = func.min(case((r.share >= 0.9, r.v)))
        blank = [literal(None, String), r.metric, literal(None, String)] + [literal(0)] * 4
        return select(literal(1), r.node, *blank, func.count(), median, p90).group_by(
            r.metric, r.node)

    def _ranked(self, down, metric: str):
        f, value = self.facts, self.facts.c[metric]
        return select(literal(METRICS.index(metric)).label("metric"), down.c.node,
                      value.label("v"),
                      func.cume_dist().over(partition_by=down.c.node, order_by=value)
                      .label("share")).select_from(
            f.join(down, down.c.raw == func.coalesce(f.c.unit_id, UNASSIGNED))).where(
            value.is_not(None))

METRICS = ("first_action", "closure")


@dataclass(frozen=True)
class GroupedTips:
    unit_id: int | None
    topic: str | None
    team: int
    outcome: str | None
    moved: int
    escalated: int
    credited: int
    bucket: int
    n: int


def add_counts(rows: list[GroupedTips], raw: dict[int | None, Counts]) -> None:
    """Each group's tips into its unit's counts (before the roll-up)."""
    for r in rows:
        counts = raw.setdefault(r.unit_id, Counts())
        counts.tips += r.n
        counts.tips_team += r.n if r.team else 0
        counts.tips_residents += 0 if r.team else r.n
        if r.outcome in OUTCOMES:
            setattr(counts, r.outcome, getattr(counts, r.outcome) + r.n)
        counts.tips_moved += r.n if r.moved else 0
        counts.tips_escalated += r.n if r.escalated else 0
        counts.tips_credited += r.n if r.credited else 0


def categories(rows: list[GroupedTips]) -> list[CategoryFigures]:
    found: dict[str | None, CategoryFigures] = {}
    for r in rows:
        row = found.setdefault(r.topic, CategoryFigures(r.topic))
        row.tips += r.n
        row.team += r.n if r.team else 0
        row.residents += 0 if r.team else r.n
        if r.outcome in OUTCOMES:
            setattr(row, r.outcome, getattr(row, r.outcome) + r.n)
    return sorted(found.values(), key=lambda c: (-c.tips, c.category or ""))


def add_months(rows: list[GroupedTips], months: list[MonthFigures]) -> None:
    for r in rows:
        months[r.bucket].tips += r.n
        months[r.bucket].valuable += r.n if r.outcome == "valuable" else 0
