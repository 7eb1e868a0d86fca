"""Report benchmark: a year with 1,000,000 delivery events and 50,000 tips, then the full-year
report for the whole area in every format, on SQLite (default) or PostgreSQL.

    python benchmarks/report_benchmark.py
    python benchmarks/report_benchmark.py \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

With a PostgreSQL URL the benchmark creates its own database next to the one named and drops
it afterwards. Targets: figures under 1 s; figures plus every format (DOCX too) under 10 s.
"""
from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.datafiles import load_catalog, load_directory  # noqa: E402
from bot.report import render  # noqa: E402
from config.settings import CONFIG_DIR  # noqa: E402
from handlers.statistics.labels import Labels  # noqa: E402
from handlers.statistics.period import Period, local_midnight  # noqa: E402
from storage import db  # noqa: E402
from storage.uow import SqlUnitOfWorkFactory  # noqa: E402

YEAR = 2025
TOPICS = ("fraud", "loan-sharking", "drugs", "fire-safety", "traffic", "theft", "gambling")
CATEGORIES = ("drugs", "gambling", "theft", "fraud", "loan-sharking", "fire-hazard", "traffic",
              "public-order", "other")
DELIVERY = (("delivered", 92.0), ("delivery_failed", 3.0), ("delivery_blocked", 3.0),
            ("delivery_expired", 1.5), ("delivery_out_of_reach", 0.5))
COLUMNS = ("at", "kind", "channel", "unit_id", "topic", "ref", "count", "data")


def stamp(rnd: random.Random) -> datetime:
    start = local_midnight(date(YEAR, 1, 1))
    return start + timedelta(seconds=rnd.randrange(365 * 86400))


class Events:
    """Ledger rows as tuples, in COLUMNS order."""

    def __init__(self, units: list[int], seed: int = 7) -> None:
        self.units, self.rnd, self.rows = units, random.Random(seed), []

    def add(self, kind, at, unit, topic=None, ref=None, data=None, channel="telegram"):
        self.rows.append((at, kind, channel, unit, topic, ref, 1,
                          json.dumps(data) if data is not None else None))

    def deliveries(self, n: int) -> None:
        kinds = [k for k, _ in DELIVERY]
        weights = [w for _, w in DELIVERY]
        choices = self.rnd.choices(kinds, weights, k=n)
        for kind in choices:
            bulletin = self.rnd.randrange(1000)
            self.add(kind, stamp(self.rnd), self.rnd.choice(self.units),
                     TOPICS[bulletin % len(TOPICS)], f"b{bulletin}")

    def bulletins(self) -> None:
        for bulletin in range(1000):
            self.add("bulletin_published", stamp(self.rnd), self.rnd.choice(self.units),
                     TOPICS[bulletin % len(TOPICS)], f"b{bulletin}")

    def tips(self, n: int) -> None:
        r = self.rnd
        for tip in range(n):
            at, unit, category = stamp(r), r.choice(self.units), r.choice(CATEGORIES)
            ref = str(tip + 1)
            self.add("tip_submitted", at, unit, category, ref,
                     {"source": "resident", "prompted_by": f"b{r.randrange(1000)}"
                      if r.random() < 0.2 else None})
            if r.random() < 0.05:
                target = r.choice(self.units)
                self.add("tip_moved", at + timedelta(hours=1), target, category, ref,
                         {"from_unit": unit, "to_unit": target})
                unit = target
            if r.random() < 0.03:
                self.add("tip_escalated", at + timedelta(hours=2), unit, category, ref)
            self._handled(at, unit, category, ref)

    def _handled(self, at, unit, category, ref) -> None:
        r = self.rnd
        if r.random() < 0.85:
            taken = r.randrange(60, 6 * 3600)
            self.add("tip_taken", at + timedelta(seconds=taken), unit, category, ref,
                     {"seconds": taken})
            outcome = r.choices(("valuable", "not_valuable", "duplicate", "spam"),
                                (50, 30, 10, 10))[0]
            self.add("tip_outcome", at + timedelta(seconds=taken + 600), unit, category, ref,
                     {"outcome": outcome})
            closed = taken + r.randrange(3600, 10 * 86400)
            self.add("tip_closed", at + timedelta(seconds=closed), unit, category, ref,
                     {"seconds": closed})

    def residents(self, n: int) -> None:
        for _ in range(n):
            self.add("subscribed", stamp(self.rnd), self.rnd.choice(self.units))
            if self.rnd.random() < 0.5:
                self.add("bulletin_viewed", stamp(self.rnd), self.rnd.choice(self.units),
                         self.rnd.choice(TOPICS), "library")


async def fresh_database(url: str | None, work: Path) -> tuple[str, callable]:
    if url and url.startswith("sqlite"):
        return url, None                   # a file kept between runs (--database-url sqlite…)
    if not url:
        return f"sqlite+aiosqlite:///{work / 'report-bench.db'}", None
    name = f"antt_report_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))

    async def drop() -> None:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name, drop


async def seed_units(uow) -> list[int]:
    _, specs = load_directory(CONFIG_DIR / "units" / "tan-yen.yaml")
    async with uow() as work:
        await work.units.upsert(specs)
        units = await work.units.selectable()
        await work.commit()
    return [u.id for u in units]


async def insert(engine, rows: list[tuple]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite (UTC text, as SQLAlchemy stores)."""
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            raw = (await conn.get_raw_connection()).driver_connection
            await raw.copy_records_to_table("ledger_events", records=rows, columns=COLUMNS)
            return
        await conn.exec_driver_sql("PRAGMA synchronous=OFF")     # a benchmark's scratch file
        fmt = "%Y-%m-%d %H:%M:%S.%f"
        tuples = [(r[0].astimezone(timezone.utc).strftime(fmt), *r[1:]) for r in rows]
        await conn.exec_driver_sql(
            f"INSERT INTO ledger_events ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            tuples)


async def roster_and_subscribers(engine, units: list[int], subscribers: int) -> None:
    rnd = random.Random(11)
    now = datetime.now(timezone.utc)
    async with engine.begin() as conn:
        from storage.tables.core import MemberRow, SubscriberRow, TeamRow
        await conn.execute(SubscriberRow.__table__.insert(), [
            dict(channel="telegram", user_id=str(i), language="vi", unit_id=rnd.choice(units),
                 status="active" if rnd.random() < 0.9 else "unsubscribed", created_at=now,
                 updated_at=now) for i in range(subscribers)])
        await conn.execute(TeamRow.__table__.insert(), [
            dict(unit_id=units[i % len(units)], name=f"team {i}", active=True, created_at=now)
            for i in range(317)])
        await conn.execute(MemberRow.__table__.insert(), [
            dict(channel="roster", user_id=str(i), role="team_member",
                 unit_id=units[i % len(units)], name=f"m{i}", active=True, created_at=now,
                 updated_at=now) for i in range(2200)])


async def timed(label: str, results: dict, job):
    """Wall time, and this process's CPU time (all threads: SQLite runs in aiosqlite's), which a
    busy shared machine inflates far less than the wall time."""
    start, cpu = time.perf_counter(), time.process_time()
    value = job()
    if inspect.isawaitable(value):
        value = await value
    results[label] = time.perf_counter() - start
    used = time.process_time() - cpu
    print(f"  {label:<38} {results[label]:8.3f} s   (CPU {used:.3f} s)", flush=True)
    return value


async def run(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url, drop = await fresh_database(args.database_url, Path(folder))
        engine = db.make_engine(url)
        try:
            await benchmark(engine, url, args)
        finally:
            await engine.dispose()
            if drop:
                await drop()


async def benchmark(engine, url: str, args) -> None:
    print(f"database: {engine.dialect.name}")
    await db.upgrade(engine)
    uow = SqlUnitOfWorkFactory(engine)
    async with engine.connect() as conn:
        built = (await conn.execute(text("SELECT COUNT(*) FROM ledger_events"))).scalar()
    if built:
        print(f"  reusing the {built:,} ledger rows already in the database")
        await report(uow, {})
        return
    units = await seed_units(uow)
    results: dict[str, float] = {}
    events = Events(units)
    await timed("generate ledger", results, lambda: (
        events.deliveries(args.deliveries), events.bulletins(), events.tips(args.tips),
        events.residents(args.subscribers)))
    print(f"  ledger rows: {len(events.rows):,}")
    await timed("bulk insert", results, lambda: insert(engine, events.rows))
    await roster_and_subscribers(engine, units, args.subscribers)
    await timed("rollup refresh (backfill of the year)", results, lambda: refresh(uow))
    if engine.dialect.name == "postgresql":
        # What autovacuum does on a live database: statistics and the visibility map (without
        # it the covering indexes cannot be read alone, right after a bulk load).
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
    await report(uow, results)


async def refresh(uow) -> None:
    """What the minute job does; here it folds the whole bulk-loaded year at once."""
    from storage.repositories.statistics_rollup import refresh_rollup
    async with uow() as work:
        await refresh_rollup(work.session)
        await work.commit()


async def report(uow, results: dict) -> None:
    period = Period(date(YEAR, 1, 1), date(YEAR, 12, 31), "this_year")
    labels = Labels(load_catalog())

    async def figures(unit=None):
        async with uow() as work:
            return await work.statistics.figures(period, unit)

    found = await timed("figures, whole area, full year", results, figures)
    await timed("figures again (warm)", results, figures)
    await timed("figures, one commune, full year", results, lambda: figures("cao-thuong"))
    total = results["figures, whole area, full year"]
    for fmt in ("md", "json", "xlsx", "png", "docx"):
        body = await timed(f"render {fmt}", results, lambda fmt=fmt: render(found, fmt, labels))
        total += results[f"render {fmt}"]
        print(f"  {'':<38} ({len(body):,} bytes)")
    c = found.total.counts
    print(f"  figures: bulletins {found.total.bulletins:,}, delivered {c.delivered:,} of "
          f"{c.attempted:,}, tips {c.tips:,} (valuable {c.valuable:,}), median first action "
          f"{found.total.durations.first_action_median:,} s")
    print(f"  all formats incl. figures              {total:8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgresql+asyncpg://USER@HOST/DB (default: "
                                                "a temporary SQLite file; a sqlite+aiosqlite "
                                                "URL keeps the file and reuses its ledger)")
    parser.add_argument("--deliveries", type=int, default=1_000_000)
    parser.add_argument("--tips", type=int, default=50_000)
    parser.add_argument("--subscribers", type=int, default=100_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
