"""Command line: `python -m bot COMMAND ...`. run, chat and db are here; every other command group
lives in its own module of this package and is listed in COMMAND_GROUPS."""
from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, Protocol

from pydantic import SecretStr, ValidationError

from bot.cli import broadcasts, people, report, teams, units
from config.settings import Settings, describe_error


class CommandGroup(Protocol):
    """A module that defines command groups: registers their arguments, then runs one."""

    def add_arguments(self, name: str, commands: Any) -> None: ...
    async def handle(self, app: Any, args: argparse.Namespace) -> None: ...


# Command groups defined in their own modules; a feature adds its line here.
COMMAND_GROUPS: dict[str, CommandGroup] = {
    "units": units,
    "invite": people,
    "member": people,
    "teams": teams,
    "report": report,
    "activity": report,
    "broadcast": broadcasts,
}
# Commands that log only warnings (their output is for the person at the terminal).
QUIET = ("chat", "units", "db", "invite", "member", "teams", "report", "activity", "broadcast")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="antt-bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start every configured channel, the HTTP server, the scheduler")
    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--user", default="local", help="who you are in the console channel")
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
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
            from bot.runner import chat_with_engine
            await chat_with_engine(app, args.user)
        else:
            await COMMAND_GROUPS[args.command].handle(app, args)
