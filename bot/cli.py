"""Command line: run, chat, db, units, invite, member (each group may add its own module)."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from typing import Any, Protocol

from pydantic import SecretStr, ValidationError

from bot import cli_people
from bot.broadcasting import cli as broadcast_cli
from bot.report import cli as report_cli
from config.settings import Settings, describe_error


class CommandGroup(Protocol):
    """A module that defines command groups: registers their arguments, then runs one."""

    def add_arguments(self, name: str, commands: Any) -> None: ...
    async def handle(self, app: Any, args: argparse.Namespace) -> None: ...


# Command groups defined in their own modules; a feature adds its line here.
COMMAND_GROUPS: dict[str, CommandGroup] = {
    "invite": cli_people,
    "member": cli_people,
    "report": report_cli,
    "activity": report_cli,
    "broadcast": broadcast_cli,
}
# Commands that log only warnings (their output is for the person at the terminal).
QUIET = ("chat", "units", "db", "invite", "member", "report", "activity", "broadcast")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="antt-bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start every configured channel, the HTTP server, the scheduler")
    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--user", default="local", help="who you are in the console channel")
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    units = commands.add_parser("units", help="the unit directory")
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
    for name, group in COMMAND_GROUPS.items():
        group.add_arguments(name, commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        sys.exit(describe_error(error))
    from bot import logs
    level = "WARNING" if args.command in QUIET else settings.log_level
    logs.configure(level, log_secrets(settings))
    try:
        asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        pass


def log_secrets(settings: Settings) -> list[str]:
    """Every configured secret setting (Telegram and Zalo tokens, the OA's app secret and secret
    key, webhook secrets, the sealing key): the log formatter scrubs each from every line."""
    values = (getattr(settings, name) for name in type(settings).model_fields)
    return [value.get_secret_value() for value in values
            if isinstance(value, SecretStr) and value.get_secret_value()]


async def _dispatch(args: argparse.Namespace, settings: Settings) -> None:
    from bot.app import build_app
    from bot.datafiles import DataFileError
    from handlers.ports import StorageUnavailable

    try:
        app = build_app(settings)
    except DataFileError as error:
        sys.exit(f"data file error: {error}")
    try:
        await _run_command(app, args)
    except DataFileError as error:
        sys.exit(f"data file error: {error}")
    except (StorageUnavailable, OSError) as error:
        sys.exit(f"database unavailable ({settings.database_url.split('@')[-1]}): {error}")
    finally:
        await app.close()


async def _run_command(app, args: argparse.Namespace) -> None:
    from bot.app import prepare_database
    from storage import db

    if args.command == "run":
        from bot.runner import run
        await run(app)
    elif args.command == "db":
        if args.action == "upgrade":
            await db.upgrade(app.engine)
        print(f"database revision: {await db.current_revision(app.engine)}")
    else:
        await prepare_database(app)
        if args.command == "chat":
            from bot.console.chat import chat
            await chat(app.turns, args.user)
        elif args.command == "units":
            await _units(app, args)
        else:
            await COMMAND_GROUPS[args.command].handle(app, args)


async def _units(app, args: argparse.Namespace) -> None:
    from bot.app import import_units
    from bot.datafiles import load_boundaries

    if args.action == "import":
        directory, added, changed = await import_units(app, args.file)
        print(f"{directory}: {added} units added, {changed} updated")
    elif args.action == "reorganise":
        from bot.cli_units import reorganise_command
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
