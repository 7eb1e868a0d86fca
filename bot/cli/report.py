"""`python -m bot report ...` and `python -m bot activity add|list|correct`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.report import FORMATS, default_name, render
from handlers.statistics.activities import BY_SLUG, CATEGORIES, ActivityError, ActivityInput
from handlers.statistics.labels import Labels
from handlers.statistics.period import PeriodError, custom, local_today, named, parse_date
from handlers.statistics.recording import correct_activity, record_activity
from handlers.statistics.tree import UnknownUnit

EXTRAS = ("attendance", "aired", "succeeded", "valuable")


def add_arguments(name: str, commands) -> None:
    """Register `report` or `activity` on the main parser's subparsers (bot/cli/__init__.py)."""
    if name == "report":
        _report_arguments(commands)
    else:
        _activity_arguments(commands)


def _report_arguments(commands) -> None:
    report = commands.add_parser("report", help="the outreach report for a period")
    report.add_argument("--from", dest="start", help="first day (2025-01-01 or 01/01/2025)")
    report.add_argument("--to", dest="end", help="last day, included")
    report.add_argument("--period", choices=["this-month", "last-month", "this-year"],
                        help="instead of --from/--to")
    report.add_argument("--unit", help="a unit's slug: the report covers it and its units")
    report.add_argument("--format", choices=FORMATS, default="md")
    report.add_argument("--out", type=Path, help="file to write (md and json: default stdout)")
    report.add_argument("--lang", choices=["vi", "en"], help="default: BOT_DEFAULT_LANGUAGE")
    report.add_argument("--dpi", type=int, choices=[100, 150, 200, 300],
                        help="chart resolution for png and docx (default 100; 300 to print)")


def _activity_arguments(commands) -> None:
    activity = commands.add_parser("activity", help="offline outreach records")
    actions = activity.add_subparsers(dest="activity_action", required=True)
    add = actions.add_parser("add", help="record an activity")
    _fields(add, required=True)
    listing = actions.add_parser("list", help="records of a period (current versions)")
    listing.add_argument("--unit")
    listing.add_argument("--from", dest="start")
    listing.add_argument("--to", dest="end")
    listing.add_argument("--history", type=int, metavar="ID", help="every version of a record")
    correct = actions.add_parser("correct", help="correct a record (the old version is kept)")
    correct.add_argument("record", type=int)
    _fields(correct, required=False)
    correct.add_argument("--reason", required=True)
    correct.add_argument("--withdraw", action="store_true", help="the record should not count")


def _fields(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--unit", required=required)
    parser.add_argument("--date", required=required)
    parser.add_argument("--category", choices=[c.slug for c in CATEGORIES], required=required)
    parser.add_argument("--count", type=int, required=required)
    for extra in EXTRAS:
        parser.add_argument(f"--{extra}", type=int)
    parser.add_argument("--note")
    parser.add_argument("--by", default="cli", help="who records it (kept in the audit log)")


async def handle(app, args: argparse.Namespace) -> None:
    labels = Labels(app.catalog, getattr(args, "lang", None))
    try:
        if args.command == "report":
            await _report(app, args, labels)
        elif args.activity_action == "add":
            await _add(app, args, labels)
        elif args.activity_action == "list":
            await _list(app, args, labels)
        else:
            await _correct(app, args, labels)
    except (PeriodError, ActivityError) as error:
        sys.exit(labels.explain(error))
    except UnknownUnit as error:
        sys.exit(labels.t("stats.unit.unknown", unit=str(error)))


def _period(args, today):
    if args.period:
        return named(args.period.replace("-", "_"), today)
    if not (args.start and args.end):
        raise PeriodError("stats.error.bad_range")
    return custom(parse_date(args.start, today), parse_date(args.end, today))


async def _report(app, args, labels: Labels) -> None:
    period = _period(args, local_today())
    async with app.uow() as uow:
        figures = await uow.statistics.figures(period, args.unit)
    from bot.report.pdf import FontMissing
    try:
        body = render(figures, args.format, labels, args.dpi)
    except FontMissing as error:      # names the font package to install
        sys.exit(f"report not written: {error}")
    if args.out is None and args.format in ("md", "json"):
        sys.stdout.write(body.decode("utf-8"))
        return
    out = args.out or Path(default_name(figures, args.format))
    out.write_bytes(body)
    made_with = " with fpdf2, not LibreOffice" if args.format == "pdf" else ""
    print(f"report written: {out} ({len(body)} bytes){made_with}")


async def _unit_id(uow, slug: str) -> int:
    unit = await uow.units.by_slug(slug)
    if unit is None:
        raise UnknownUnit(slug)
    return unit.id


def _extra(args, category: str | None) -> dict:
    given = {name: getattr(args, name) for name in EXTRAS if getattr(args, name) is not None}
    wanted = BY_SLUG[category].extra if category in BY_SLUG else None
    if any(name != wanted for name in given):
        raise ActivityError("stats.act.error.no_extra")
    return {"extra": given[wanted]} if wanted in given else {}


async def _add(app, args, labels: Labels) -> None:
    today = local_today()
    async with app.uow() as uow:
        entry = ActivityInput(unit_id=await _unit_id(uow, args.unit),
                              day=parse_date(args.date, today), category=args.category,
                              count=args.count, note=args.note or "",
                              **_extra(args, args.category))
        activity = await record_activity(uow, entry, args.by, today)
        await uow.commit()
    print(f"activity #{activity.record_id} recorded")


async def _correct(app, args, labels: Labels) -> None:
    today = local_today()
    async with app.uow() as uow:
        current = await uow.activities.get(args.record)
        category = args.category or (current.category if current else None)
        changes = {"day": parse_date(args.date, today) if args.date else None,
                   "category": args.category, "count": args.count, "note": args.note,
                   **_extra(args, category)}
        if args.unit:
            changes["unit_id"] = await _unit_id(uow, args.unit)
        activity = await correct_activity(uow, args.record, changes, args.by, args.reason,
                                          today, withdraw=args.withdraw)
        await uow.commit()
    state = "withdrawn" if activity.withdrawn else "corrected"
    print(f"activity #{activity.record_id} {state} (version {activity.version})")


async def _list(app, args, labels: Labels) -> None:
    today = local_today()
    async with app.uow() as uow:
        if args.history is not None:
            shown = await uow.activities.history(args.history)
        else:
            period = custom(parse_date(args.start, today) if args.start else today.replace(
                month=1, day=1), parse_date(args.end, today) if args.end else today)
            units = [await _unit_id(uow, args.unit)] if args.unit else None
            shown = await uow.activities.listing(units, period.start, period.end)
        names = {u.id: u.short for u in await uow.units.all()}
    for a in shown:
        extra = "" if a.extra is None else f" +{a.extra}"
        flags = (" withdrawn" if a.withdrawn else "") + ("" if a.current else " (old)")
        print(f"#{a.record_id} v{a.version} {a.day.isoformat()} {names.get(a.unit_id, a.unit_id)}"
              f" {labels.activity(a.category)}: {labels.n(a.count)}{extra}{flags}"
              f" [{a.recorded_by}] {a.note}".rstrip())
    if not shown:
        print("no records")

