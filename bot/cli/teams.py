"""`python -m bot teams import FILE.csv` and `python -m bot teams list`: the real roster of the
Tổ an ninh tự quản (handlers.roster), not only the members invited into the bot."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handlers.roster import RosterRefused, import_roster, read_roster
from handlers.statistics.labels import Labels


def add_arguments(name: str, commands) -> None:
    """Register `teams` on the main parser's subparsers (bot/cli/__init__.py)."""
    teams = commands.add_parser("teams", help="the real roster of the self-management teams")
    actions = teams.add_subparsers(dest="teams_action", required=True)
    load = actions.add_parser(
        "import", help="teams and members from a CSV file (columns commune, team, name, role, "
        "phone, or their Vietnamese names); nothing is imported if a row is wrong")
    load.add_argument("file", type=Path)
    load.add_argument("--by", default="cli", help="who imports it (kept in the audit log)")
    listing = actions.add_parser("list", help="teams on the roster, with their members")
    listing.add_argument("--unit", help="a unit's slug")
    for parser in (load, listing):
        parser.add_argument("--lang", choices=["vi", "en"], help="default: BOT_DEFAULT_LANGUAGE")


async def handle(app, args: argparse.Namespace) -> None:
    labels = Labels(app.catalog, args.lang)
    if args.teams_action == "import":
        await _import(app, args, labels)
    else:
        await _list(app, args, labels)


async def _import(app, args, labels: Labels) -> None:
    try:
        content = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        sys.exit(labels.t("roster.error.encoding", path=str(args.file)))
    except OSError as error:
        sys.exit(labels.t("roster.error.unreadable", path=str(args.file),
                          reason=error.strerror or str(error)))
    async with app.uow() as uow:
        units = list(await uow.units.all())
        try:
            teams = read_roster(content, units)
        except RosterRefused as refused:
            sys.exit(_refusal(refused, labels))
        summary = await import_roster(uow, teams, args.by)
        await uow.commit()
    print(labels.t("roster.imported", **{name: labels.n(value)
                                         for name, value in vars(summary).items()}))


def _refusal(refused: RosterRefused, labels: Labels) -> str:
    lines = [labels.t("roster.refused", n=len(refused.problems))]
    for problem in refused.problems:
        values = dict(problem.values)
        if "column" in values:
            values["column"] = labels.t(f"roster.column.{values['column']}")
        lines.append(labels.t("roster.error.line", line=labels.n(problem.line),
                              problem=labels.t(f"roster.error.{problem.key}", **values)))
    return "\n".join(lines)


async def _list(app, args, labels: Labels) -> None:
    async with app.uow() as uow:
        units = {u.id: u for u in await uow.units.all()}
        wanted = None
        if args.unit:
            unit = next((u for u in units.values() if u.slug == args.unit), None)
            if unit is None:
                sys.exit(labels.t("stats.unit.unknown", unit=args.unit))
            wanted = unit.id
        teams = await uow.roster.listing(wanted)
    for unit_id, name, members in teams:
        place = units[unit_id].short if unit_id in units else str(unit_id)
        print(labels.t("roster.list.team", unit=place, team=name, n=labels.n(len(members))))
        for member in members:
            phone = f" · {member.phone}" if member.phone else ""
            print(f"  - {member.name} ({labels.t(f'roster.role.{member.role}')}){phone}")
    if not teams:
        print(labels.t("roster.list.none"))

