"""`python -m bot units import|list|boundaries|reorganise`: the unit directory.

`reorganise FILE [--dry-run]` applies a new directory over the old one."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handlers.reorganisation import Outcome, ReorganisationRefused, reorganise

MOVED = (("subscribers", "subscribers"), ("open_tips", "open tips"), ("members", "members"),
         ("teams", "teams"), ("groups", "groups"), ("invites", "unused invites"),
         ("bulletins", "bulletins not finished"))


def add_arguments(name: str, commands) -> None:
    units = commands.add_parser(name, help="the unit directory")
    unit_actions = units.add_subparsers(dest="action", required=True)
    imp = unit_actions.add_parser("import", help="load or update a directory file (idempotent)")
    imp.add_argument("file", type=Path)
    unit_actions.add_parser("list", help="print the directory as a tree")
    bounds = unit_actions.add_parser("boundaries", help="import GeoJSON commune boundaries")
    bounds.add_argument("file", type=Path)
    reorg = unit_actions.add_parser(
        "reorganise", help="apply a new directory whose units replace old ones (one transaction)")
    reorg.add_argument("file", type=Path)
    reorg.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")


async def handle(app, args: argparse.Namespace) -> None:
    from bot.app import import_units
    from bot.datafiles import load_boundaries

    if args.action == "import":
        directory, added, changed = await import_units(app, args.file)
        print(f"{directory}: {added} units added, {changed} updated")
    elif args.action == "reorganise":
        await reorganise_command(app, args.file, args.dry_run)
    elif args.action == "boundaries":
        boundaries = load_boundaries(args.file)
        async with app.uow() as uow:
            unknown = [slug for slug, shape in boundaries.items()
                       if not await uow.units.set_boundary(slug, shape)]
            await uow.commit()
        print(f"{len(boundaries) - len(unknown)} boundaries imported"
              + (f"; unknown units: {', '.join(unknown)}" if unknown else ""))
    else:
        await _print_units(app)


async def _print_units(app) -> None:
    async with app.uow() as uow:
        units, history = await uow.units.all(), await uow.units.history()
        successors = {u.id: await uow.units.by_id(u.successor_id) for u in history}
    children: dict[int | None, list] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def show(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            desk = f" [{app.catalog.t(None, 'units.duty_desk')}]" if unit.duty_desk else ""
            print(f"{'  ' * depth}{unit.slug:<14} {unit.name} ({unit.police}){desk}")
            show(unit.id, depth + 1)
    show(None, 0)
    for unit in history:        # old slugs still work in deep links and reports
        print(f"{unit.slug:<14} {unit.name} -> {successors[unit.id].slug} (history)")


async def reorganise_command(app, path: Path, dry_run: bool) -> None:
    """One transaction: everything is applied, printed, then committed (or rolled back)."""
    from bot.app import name_places
    from bot.datafiles import load_directory

    directory, specs = load_directory(path)
    async with app.uow() as uow:
        try:
            outcome = await reorganise(uow, app.catalog, directory, specs)
        except ReorganisationRefused as error:
            sys.exit(f"{path}: refused: {error}")
        for line in plan_lines(outcome):
            print(line)
        if dry_run:
            await uow.rollback()
            print("dry run: nothing was changed")
        else:
            await uow.commit()
    if not dry_run:
        await name_places(app)


def plan_lines(outcome: Outcome) -> list[str]:
    lines = [f"{outcome.directory}: {outcome.added} units added, {outcome.changed} updated"]
    for result in outcome.results:
        m = result.merger
        if result.state == "absent":
            lines.append(f"{m.old_slug} -> {m.new_slug}: not in this database, nothing to move")
        elif result.state == "already":
            lines.append(f"{m.old_slug} -> {m.new_slug}: already merged")
        else:
            moved = ", ".join(f"{result.moved.get(key, 0)} {label}" for key, label in MOVED)
            lines.append(f"{m.old_slug} ({result.old_name}) -> {m.new_slug} ({result.new_name})"
                         f" from {m.effective.isoformat()}: {moved}; {result.told} residents told")
    if not outcome.changes_anything:
        lines.append("nothing to change")
    return lines
