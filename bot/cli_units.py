"""`python -m bot units reorganise FILE [--dry-run]`: apply a new directory over the old one."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.app import name_places
from handlers.reorganisation import Outcome, ReorganisationRefused, reorganise

MOVED = (("subscribers", "subscribers"), ("open_tips", "open tips"), ("members", "members"),
         ("teams", "teams"), ("groups", "groups"), ("invites", "unused invites"),
         ("bulletins", "bulletins not finished"))


async def reorganise_command(app, path: Path, dry_run: bool) -> None:
    """One transaction: everything is applied, printed, then committed (or rolled back)."""
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
