"""Pre-aggregated figures next to the ledger: daily counters and one row of facts per tip.

The ledger stays the source of truth. `refresh_rollup` folds the ledger rows after the watermark
(`ledger_rollup_state.last_id`) into `ledger_daily` and `ledger_monthly` (sums per Vietnam day
or month, kind, unit, topic and channel) and recomputes `tip_facts` for the tips those rows
touch, then moves the watermark, all in one transaction. A report reads the rollup up to the
watermark plus the ledger rows after it, so it is exact at any moment, refreshed or not
(storage.repositories.statistics).

Why a watermark is safe: on PostgreSQL the refresh first takes a lock that waits for every
transaction still inserting into the ledger and holds new ones back for the few milliseconds it
runs, so no row below the new watermark can appear later; SQLite has one writer at a time and the
refresh writes before it reads.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (Date, cast,
                        delete, func, insert, literal, literal_column, select, text, update)
from sqlalchemy.dialects import postgresql, sqlite

from handlers.statistics.period import VIETNAM
from storage.db import dialect_name
from storage.tables.core import LedgerRow
from storage.tables.rollup import (NO_TOPIC, NO_UNIT, DailyCountRow, MonthlyCountRow,  # noqa: F401
                                   RollupStateRow, TipFactRow)

if TYPE_CHECKING:
    from sqlalchemy import (ColumnElement, CompoundSelect, Delete, Insert, Row, Select, Table,
                            UpdateBase)
    from sqlalchemy.ext.asyncio import AsyncSession

LEDGER = LedgerRow.__table__


COUNTER_COLUMNS = ("day", "kind", "unit_id", "topic", "channel", "count")
FACT_COLUMNS = ("ref", "unit_id", "topic", "at", "team", "credited", "outcome", "moved",
                "escalated", "first_action", "closure")


def local_day(dialect: str, at: ColumnElement[datetime]) -> ColumnElement[date | str]:
    """The Vietnam calendar day (UTC+7, no daylight saving) of a stored UTC time, in SQL."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", at) + literal_column("INTERVAL '7 hours'"), Date)
    return func.date(at, "+7 hours")       # SQLite's text form of a Date: 'YYYY-MM-DD'


def local_month(dialect: str, at: ColumnElement[datetime]) -> ColumnElement[date | str]:
    """The first day of the Vietnam calendar month of a stored UTC time, in SQL."""
    if dialect == "postgresql":
        shifted = func.timezone("UTC", at) + literal_column("INTERVAL '7 hours'")
        return cast(func.date_trunc("month", shifted), Date)
    return func.strftime("%Y-%m-01", at, "+7 hours")


def _upsert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def fold(dialect: str, table: Table, after: int, upto: int,
         monthly: bool = False) -> postgresql.Insert | sqlite.Insert:
    """INSERT … SELECT the sums of ledger rows (after, upto] into a table of counters."""
    day = (local_month if monthly else local_day)(dialect, LEDGER.c.at)
    keys = (day, LEDGER.c.kind, func.coalesce(LEDGER.c.unit_id, NO_UNIT),
            func.coalesce(LEDGER.c.topic, NO_TOPIC), func.coalesce(LEDGER.c.channel, ""))
    sums = select(*keys, func.sum(LEDGER.c.count)).where(
        LEDGER.c.id > after, LEDGER.c.id <= upto).group_by(*keys)
    statement = _upsert(dialect, table).from_select(list(COUNTER_COLUMNS), sums)
    return statement.on_conflict_do_update(
        index_elements=["kind", "unit_id", "day", "topic", "channel"],
        set_={"count": table.c.count + statement.excluded["count"]})


def touched_tips(after: int, upto: int | None = None) -> Select[str]:
    """The refs of tips with a ledger row after the watermark (`upto` bounds it above)."""
    from storage.tables.statistics import TIP_KINDS
    condition = LEDGER.c.id > after
    if upto is not None:
        condition = condition & (LEDGER.c.id <= upto)
    # `kind || ''` keeps the planners on the id range: the tail after the watermark is small,
    # the index on kind would read every tip event ever.
    unindexed = LEDGER.c.kind.op("||")(literal(""))
    return select(LEDGER.c.ref).where(unindexed.in_(TIP_KINDS), condition).distinct()


def refresh_facts(after: int, upto: int) -> list[Delete | Insert]:
    """DELETE and re-INSERT the facts of every tip touched by ledger rows (after, upto]."""
    from storage.repositories.statistics_tips import tip_facts
    touched = touched_tips(after, upto)
    facts = tip_facts(refs=touched, with_last=True)
    table = TipFactRow.__table__
    return [delete(table).where(table.c.ref.in_(touched)),
            insert(table).from_select([*FACT_COLUMNS, "last_at"], facts)]


def sums(dialect: str, keys: tuple[str, ...], kinds: Sequence[str], start: datetime,
         end: datetime | None, after: int,
         units: list[int] | None = None) -> CompoundSelect[*tuple[Any, ...]]:
    """SUM(count) by `keys` (of day, kind, unit_id, topic, channel) of ledger rows of `kinds`
    in [start, end) (`end` None: no end): whole months from the monthly counters, the days
    around them from the daily ones (both up to the watermark `after`), and the ledger rows
    after it. `units` None is everything; a unit of None comes back as 0 and a topic of None
    as "" (restore maps them back). Bounds are local midnights (whole days)."""
    first, last = _day(start), _day(end) if end is not None else None
    months = _whole_months(first, last)
    parts = [_counted(MonthlyCountRow, keys, kinds, units, *months)] if months else []
    days = [(first, months[0])] + ([(months[1], last)] if months[1] else []) if months \
        else [(first, last)]
    parts += [_counted(DailyCountRow, keys, kinds, units, a, b) for a, b in days
              if b is None or a < b]
    parts.append(_recent(dialect, keys, kinds, start, end, after, units))
    return parts[0].union_all(*parts[1:])


def _whole_months(first: date, last: date | None) -> tuple[date, date | None] | None:
    """[a, b): the first days of the whole months inside [first, last); None if none."""
    a = first if first.day == 1 else _next_month(first)
    b = last.replace(day=1) if last is not None else None
    if b is not None and a >= b:
        return None
    return a, b


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _counted(row: type[DailyCountRow | MonthlyCountRow], keys: tuple[str, ...],
             kinds: Sequence[str], units: list[int] | None, a: date,
             b: date | None) -> Select[*tuple[Any, ...]]:
    c = row.__table__.c
    where = [c.kind.in_(kinds), c.day >= a]
    if b is not None:
        where.append(c.day < b)
    if units is not None:
        where.append(c.unit_id.in_(units))
    columns = [c[k] for k in keys]
    return select(*columns, func.sum(c.count)).where(*where).group_by(*columns)


def _recent(dialect: str, keys: tuple[str, ...], kinds: Sequence[str], start: datetime,
            end: datetime | None, after: int,
            units: list[int] | None) -> Select[*tuple[Any, ...]]:
    led = LEDGER.c
    # Grouping by a plain column would have SQLite walk an index in its order from end to end.
    tail = {"day": local_day(dialect, led.at), "kind": led.kind.op("||")(literal("")),
            "unit_id": func.coalesce(led.unit_id, NO_UNIT),
            "topic": func.coalesce(led.topic, NO_TOPIC), "channel": func.coalesce(led.channel, "")}
    # Only the id range may lead: kind, time and unit are wrapped so that no planner reads
    # a period's worth of an index for the few rows after the watermark.
    at = func.coalesce(led.at, led.at, type_=led.at.type)
    where = [led.id > after, tail["kind"].in_(kinds), at >= start]
    if end is not None:
        where.append(at < end)
    if units is not None:
        where.append(tail["unit_id"].in_(units))
    columns = [tail[k].label(k) for k in keys]
    return select(*columns, func.sum(led.count)).where(*where).group_by(*[tail[k] for k in keys])


def restore(keys: tuple[str, ...], row: Row[*tuple[Any, ...]]) -> tuple[Any, ...]:
    """A row of `sums` with none-units and none-topics as None, days as dates."""
    out = []
    for key, value in zip(keys, row):
        if key == "unit_id" and value == NO_UNIT or key == "topic" and value == NO_TOPIC:
            value = None
        elif key == "day" and isinstance(value, str):
            value = date.fromisoformat(value)
        out.append(value)
    return (*out, int(row[-1]))


def _day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


MANY = 5_000     # more unsettled tips than this are found by a subquery rather than by a list


async def period_facts(session: AsyncSession, start: datetime, end: datetime, after: int
                       ) -> Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]:
    """The facts of the tips submitted in [start, end), as of `end`: the stored rows of tips
    whose every event is before `end` and folded, the ledger's answer for the others.

    The others are few (tips with events after the period or after the watermark), so they
    are fetched first and named as a list: the ledger is then read by ref, not by period."""
    from storage.repositories.statistics_tips import tip_facts
    f = TipFactRow.__table__.c
    in_period = (f.at >= start) & (f.at < end)
    tail = list(await session.scalars(touched_tips(after)))
    late = select(f.ref).where(in_period, f.last_at >= end)
    unsettled = set(await session.scalars(late)) | set(tail)
    settled = select(*[f[name] for name in FACT_COLUMNS]).where(in_period, f.last_at < end)
    if tail:
        settled = settled.where(f.ref.not_in(tail))
    if not unsettled:
        return settled
    refs = sorted(unsettled) if len(unsettled) <= MANY else late.union(touched_tips(after))
    return settled.union_all(tip_facts(start, end, refs=refs))


def refresh_statements(dialect: str, after: int, upto: int) -> list[UpdateBase]:
    state = RollupStateRow.__table__
    return [fold(dialect, DailyCountRow.__table__, after, upto),
            fold(dialect, MonthlyCountRow.__table__, after, upto, monthly=True),
            *refresh_facts(after, upto),
            update(state).where(state.c.id == 1).values(last_id=upto)]


async def watermark(session: AsyncSession) -> int:
    found = await session.scalar(select(RollupStateRow.last_id).where(RollupStateRow.id == 1))
    return found or 0


async def refresh_rollup(session: AsyncSession) -> int:
    """Fold the ledger rows after the watermark into the rollup; returns how many were folded.
    The caller commits (the unit of work)."""
    dialect = dialect_name(session)
    state = RollupStateRow.__table__
    if dialect == "postgresql":
        # SHARE ROW EXCLUSIVE waits for in-flight inserts, blocks new ones and other refreshes.
        await session.execute(text("LOCK TABLE ledger_events IN SHARE ROW EXCLUSIVE MODE"))
    # Writing first takes SQLite's write lock before anything is read (and a wiped state row
    # comes back at 0: the counters of a wiped database are wiped too).
    await session.execute(_upsert(dialect, state).values(id=1, last_id=0)
                          .on_conflict_do_nothing())
    await session.execute(update(state).where(state.c.id == 1).values(last_id=state.c.last_id))
    after = await watermark(session)
    upto = await session.scalar(select(func.max(LEDGER.c.id))) or 0
    if upto <= after:
        return 0
    for statement in refresh_statements(dialect, after, upto):
        await session.execute(statement)
    return upto - after
