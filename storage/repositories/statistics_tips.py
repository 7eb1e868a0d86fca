"""Tip figures: the tips submitted in a period, each with what became of it by the period's end.

Everything comes from ledger events (never the tips' contents), so the figures survive the
retention erasure of contents and follow-up links. One grouped pass makes a row of facts per
tip (kept in the rollup's tip_facts, storage.repositories.statistics_rollup); counts and nearest-rank
percentiles are taken from those rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (BigInteger, Integer, String, bindparam, case, cast, extract, func,
                        literal, null, select, true, union_all)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import EventKind
from handlers.statistics.figures import OUTCOMES, CategoryFigures, Counts, MonthFigures
from handlers.statistics.tree import UNASSIGNED, Scope
from storage.tables.core import LedgerRow
from storage.tables.statistics import TIP_KINDS

if TYPE_CHECKING:
    from sqlalchemy import (CTE, BindParameter, Case, Cast, Column, ColumnElement, CompoundSelect,
                            Label, Select)
    from sqlalchemy.sql.base import ReadOnlyColumnCollection
    from sqlalchemy.sql.selectable import NamedFromClause

    from handlers.statistics.assemble import Percentiles

LEDGER = LedgerRow.__table__
# Team members' incident reports go through the same hands as tips and are counted with them.
SUBMITTED = (EventKind.TIP_SUBMITTED.value, EventKind.TEAM_REPORT_SUBMITTED.value)
MOVED, OUTCOME = EventKind.TIP_MOVED.value, EventKind.TIP_OUTCOME.value
# Rendered as literals: SQLite uses the partial index ix_ledger_stats_tips only then.
KINDS: BindParameter[str] = bindparam("tip_kinds", list(TIP_KINDS), expanding=True, literal_execute=True)


UNIT_BASE = 10_000_000      # unit ids stay below this: (time, unit) fits one BIGINT
CODES = {name: code for code, name in enumerate(OUTCOMES, start=1)}


def _latest(when: ColumnElement[datetime], value: ColumnElement[int],
            base: int) -> ColumnElement[int]:
    """Encodes (event time, value) as one integer, so MAX() picks the latest event's value.

    A grouped MAX instead of a window or a join keeps this one pass over the events (SQLite
    nest-loops joins between derived tables); events in the same second tie on the value.
    """
    return cast(extract("epoch", when), BigInteger) * base + value


def tip_facts(start: datetime | None = None, end: datetime | None = None, *,
              refs: Select[str] | CompoundSelect[str] | list[str] | None = None,
              with_last: bool = False) -> Select[*tuple[Any, ...]]:
    """One row per tip or team report submitted in [start, end): its unit after moves (as of
    `end`), category, source, latest outcome, whether it was moved or escalated, and the seconds
    to the first officer action (first take) and to closure (the last one, if reopened).
    Without bounds every event counts; `refs` limits it to some tips; `with_last` adds the time
    of each tip's last event (the rollup keeps it, storage.repositories.statistics_rollup)."""
    e = LEDGER.alias("tip_events")
    submitted = e.c.kind.in_(SUBMITTED)
    conditions: list[ColumnElement[bool]] = [e.c.kind.in_(KINDS)]
    # A few named tips are read by ref (ix_ledger_tip_refs); COALESCE keeps the planner off
    # the period's index range, which would read every tip event of the period.
    when = e.c.at if refs is None else func.coalesce(e.c.at, e.c.at, type_=e.c.at.type)
    if start is not None:
        conditions += [when >= start, when < end]
    if refs is not None:
        conditions.append(e.c.ref.in_(refs))
    last = [func.max(e.c.at).label("last_at")] if with_last else []
    grouped = select(e.c.ref, *_per_tip(e, submitted), *last).where(*conditions).group_by(
        e.c.ref).having(func.max(_when(submitted, 1, 0)) == 1).subquery("grouped")
    g = grouped.c
    outcome = case(*[(g.outcome_key % 8 == c, name) for name, c in CODES.items()])
    return select(
        g.ref, func.coalesce(g.move_key % UNIT_BASE, g.submitted_unit).label("unit_id"),
        g.topic, g.at, g.team, g.credited, outcome.label("outcome"), g.moved, g.escalated,
        g.first_action, g.closure, *([g.last_at] if with_last else []))


def _when(condition: ColumnElement[bool], value: object, otherwise: object = None) -> Case[Any]:
    return case((condition, value), else_=otherwise)


def _per_tip(e: NamedFromClause[ReadOnlyColumnCollection[str, Column[Any]]],
             submitted: ColumnElement[bool]) -> list[Label[Any]]:
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

    def __init__(self, session: AsyncSession, scope: Scope,
                 facts: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]) -> None:
        self._s, self._scope = session, scope
        self.facts: CTE = facts.cte("facts")

    def _in_scope(self) -> ColumnElement[bool]:
        unit = self.facts.c.unit_id
        return true() if self._scope.everything else unit.in_(self._scope.raw_ids)

    async def run(self, edges: list[datetime]
                  ) -> tuple[dict[str, list[GroupedTips]], dict[str, Percentiles]]:
        """Tip counts grouped three ways (by unit, by category, by month) and each tip's
        durations, in one statement over the facts (one row per tip, kept by the rollup);
        the percentiles are ranked here. A year of tips barely groups over all dimensions
        at once, and ranking in SQL cost more than reading the durations."""
        f = self.facts.c
        inner = edges[1:-1]
        bucket = (case(*[(f.at < edge, i) for i, edge in enumerate(inner)], else_=len(inner))
                  if inner else literal(0))
        valuable = case((f.outcome == "valuable", "valuable"))
        groupings: tuple[dict[str, ColumnElement[Any]], ...] = (
            {"unit_id": f.unit_id, "team": f.team, "outcome": f.outcome, "moved": f.moved,
             "escalated": f.escalated, "credited": f.credited},
            {"topic": f.topic, "team": f.team, "outcome": f.outcome},
            {"outcome": valuable, "bucket": bucket})
        parts = [self._part(i, dims) for i, dims in enumerate(groupings)]
        timing = [f.unit_id, *[_none(name) for name in GROUP_COLUMNS[1:]], literal(1),
                  f.first_action, f.closure]
        parts.append(select(literal(3), *timing).where(
            self._in_scope(), (f.first_action.is_not(None)) | (f.closure.is_not(None))))
        grouped: dict[str, list[GroupedTips]] = {
            key: [] for key in ("units", "categories", "months")}
        timings: list[tuple[int | None, int | None, int | None]] = []
        for part, *cells in await self._s.execute(union_all(*parts)):
            if part == 3:
                timings.append((cells[0], cells[-2], cells[-1]))
            else:
                grouped[("units", "categories", "months")[part]].append(
                    GroupedTips(cells[0], cells[1], cells[2], cells[3], cells[4], cells[5],
                                cells[6], int(cells[7] or 0), cells[8]))
        return grouped, self._percentiles(timings)

    def _part(self, index: int,
              dims: dict[str, ColumnElement[Any]]) -> Select[*tuple[Any, ...]]:
        """One grouping, laid out in GroupedTips' columns (absent dimensions as NULL)."""
        cells = [dims.get(name, _none(name)) for name in GROUP_COLUMNS]
        return select(literal(index), *cells, func.count(), _none("n"), _none("n")).where(
            self._in_scope()).group_by(*dims.values())

    def _percentiles(self, timings: list[tuple[int | None, int | None, int | None]]
                     ) -> dict[str, Percentiles]:
        """Per metric and node: (tips measured, median, 90th percentile), nearest rank: the
        smallest value with at least p of the values at or below it."""
        down = self._scope.down
        values: dict[str, dict[int, list[int]]] = {metric: {} for metric in METRICS}
        for unit, *measured in timings:
            nodes = down.get(UNASSIGNED if unit is None else unit, ())
            for metric, value in zip(METRICS, measured):
                if value is None:
                    continue
                for node in nodes:
                    values[metric].setdefault(node, []).append(value)
        return {metric: {node: _ranks(sorted(found)) for node, found in per_node.items()}
                for metric, per_node in values.items()}


GROUP_COLUMNS = ("unit_id", "topic", "team", "outcome", "moved", "escalated", "credited",
                 "bucket")


def _none(name: str) -> Cast[str | int]:
    """A typed NULL: PostgreSQL must match each UNION column's type across the parts."""
    return cast(null(), String if name in ("topic", "outcome") else Integer)


def _ranks(ordered: list[int]) -> tuple[int, int, int]:
    n = len(ordered)
    return n, ordered[-(-n // 2) - 1], ordered[-(-n * 9 // 10) - 1]


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
