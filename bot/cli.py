"""Command line: run, chat, db, units."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError

from config.settings import Settings, describe_error


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
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        sys.exit(describe_error(error))
    from bot import logs
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    level = "WARNING" if args.command in ("chat", "units", "db") else settings.log_level
    logs.configure(level, [token])
    try:
        asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        pass


async def _dispatch(args: argparse.Namespace, settings: Settings) -> None:
    from bot.app import build_app, import_units, prepare_database
    from bot.datafiles import DataFileError
    from handlers.ports import StorageUnavailable
    from storage import db

    try:
        app = build_app(settings)
    except DataFileError as error:
        sys.exit(f"data file error: {error}")
    try:
        if args.command == "run":
            from bot.runner import run
            await run(app)
        elif args.command == "chat":
            from bot.console.chat import chat
            await prepare_database(app)
            await chat(app, args.user)
        elif args.command == "db":
            if args.action == "upgrade":
                await db.upgrade(app.engine)
            print(f"database revision: {await db.current_revision(app.engine)}")
        elif args.action == "import":
            await prepare_database(app)
            directory, added, changed = await import_units(app, args.file)
            print(f"{directory}: {added} units added, {changed} updated")
        else:
            await prepare_database(app)
            await _print_units(app)
    except DataFileError as error:
        sys.exit(f"data file error: {error}")
    except (StorageUnavailable, OSError) as error:
        sys.exit(f"database unavailable ({settings.database_url.split('@')[-1]}): {error}")
    finally:
        await app.close()


async def _print_units(app) -> None:
    async with app.uow() as uow:
        units = await uow.units.all()
    children: dict[int | None, list] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def show(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            desk = f" [{app.catalog.t(None, 'units.duty_desk')}]" if unit.duty_desk else ""
            print(f"{'  ' * depth}{unit.slug:<14} {unit.name} ({unit.police}){desk}")
            show(unit.id, depth + 1)
    show(None, 0)
