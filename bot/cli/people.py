"""`python -m bot invite ...` and `python -m bot member ...`: roles are given by one-time
invites and taken away by deactivating the member (their old buttons stop working)."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from handlers.domain import Role
from handlers.membership import (CreateInvite, InviteError, RemoveMember, RevokeInvite,
                                 create_invite, remove_member, revoke_invite)

ROLES = {"officer": Role.OFFICER, "command": Role.COMMAND, "admin": Role.ADMIN,
         "team-member": Role.TEAM_MEMBER}


def add_arguments(name: str, commands) -> None:
    if name == "invite":
        invite = commands.add_parser("invite", help="one-time invites for officers and teams")
        actions = invite.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create an invite and print its code")
        create.add_argument("--role", required=True, choices=sorted(ROLES))
        create.add_argument("--unit", help="unit slug (officers and team members)")
        create.add_argument("--team", help="team name (team members)")
        create.add_argument("--days", type=int, default=None, help="days until it expires")
        actions.add_parser("list", help="list invites")
        revoke = actions.add_parser("revoke", help="revoke an unused invite")
        revoke.add_argument("id", type=int)
    else:
        member = commands.add_parser("member", help="people with a role")
        actions = member.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="list members")
        remove = actions.add_parser("remove", help="take a member's role away")
        remove.add_argument("id", type=int)


async def handle(app, args: argparse.Namespace) -> None:
    await ACTIONS[(args.command, args.action)](app, args)


async def _invite_create(app, args: argparse.Namespace) -> None:
    days = args.days if args.days is not None else app.settings.invite_days
    if not 1 <= days <= 365:
        sys.exit("--days must be between 1 and 365")
    command = CreateInvite(ROLES[args.role], args.unit, args.team, days, "cli",
                           datetime.now(timezone.utc))
    async with app.uow() as uow:
        try:
            new = await create_invite(command, uow, app.sealer)
        except InviteError as error:
            sys.exit(app.catalog.t("en", error.key))
        await uow.commit()
    compact = new.code.replace("-", "")
    print(f"invite {new.id}: {new.code} (role {args.role}, expires "
          f"{new.expires_at:%Y-%m-%d %H:%M} UTC)")
    username = await bot_username(app.settings)
    if username:
        print(f"link: https://t.me/{username.lstrip('@')}?start=inv_{compact}")
    else:
        print("link: none printed: set BOT_TELEGRAM_BOT_USERNAME (the bot's @name without @, "
              "as BotFather shows it) or BOT_TELEGRAM_TOKEN so the name is read from Telegram")
    print(f"or send the bot: /thamgia {new.code}")


async def bot_username(settings) -> str | None:
    """The Telegram bot's @name: the setting, else asked of Telegram (getMe) with the token."""
    if settings.telegram_bot_username:
        return settings.telegram_bot_username
    if settings.telegram_token is None:
        return None
    from telegram import Bot
    from telegram.error import TelegramError
    bot = Bot(settings.telegram_token.get_secret_value(),
              base_url=f"{settings.telegram_api_url}/bot")
    try:
        async with bot:
            return bot.username
    except TelegramError as error:
        print(f"(could not ask Telegram for the bot's name: {error})", file=sys.stderr)
        return None


async def _invite_list(app, args: argparse.Namespace) -> None:
    """One line per invite: id, role, state, unit and team by name, who used it."""
    now = datetime.now(timezone.utc)
    async with app.uow() as uow:
        names = await _place_names(uow)
        members = {m.id: m for m in await uow.members.all()}
        for invite in await uow.invites.listing():
            state = ("revoked" if invite.revoked_at else "used" if invite.used_at
                     else "expired" if _aware(invite.expires_at) <= now else "open")
            used = members.get(invite.used_by_member_id)
            print(f"{invite.id:>5}  {invite.role:<12} {state:<8} "
                  f"{await names(invite.unit_id, invite.team_id)}"
                  f"{f'  used by: {used.name}' if used else ''}"
                  f"  expires {_aware(invite.expires_at):%Y-%m-%d} UTC")


async def _place_names(uow):
    """'Unit name · team name' for a unit id and team id ('-' when there is none)."""
    units = {u.id: u.name for u in await uow.units.all()}

    async def names(unit_id: int | None, team_id: int | None) -> str:
        text = units.get(unit_id, "-") if unit_id else "-"
        team = await uow.teams.name(team_id) if team_id else None
        return f"{text} · {team}" if team else text
    return names


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


async def _invite_revoke(app, args: argparse.Namespace) -> None:
    async with app.uow() as uow:
        done = await revoke_invite(RevokeInvite(args.id, "cli", datetime.now(timezone.utc)), uow)
        await uow.commit()
    print(f"invite {args.id} revoked" if done else f"invite {args.id}: not open, nothing done")


async def _member_list(app, args: argparse.Namespace) -> None:
    """One line per member: id, role, active or removed, channel, name, unit and team."""
    async with app.uow() as uow:
        names = await _place_names(uow)
        for member in await uow.members.all():
            print(f"{member.id:>5}  {member.role.value:<12} "
                  f"{'active' if member.active else 'removed':<8} {member.channel:<9} "
                  f"{member.name}  ({await names(member.unit_id, member.team_id)})")


async def _member_remove(app, args: argparse.Namespace) -> None:
    async with app.uow() as uow:
        if not await remove_member(RemoveMember(args.id, "cli"), uow):
            sys.exit(f"no member {args.id}")
        await uow.commit()
    print(f"member {args.id} removed")


# (group, action) as argparse parsed them -> what runs; add_arguments offers exactly these.
ACTIONS: dict[tuple[str, str], Callable[[Any, argparse.Namespace], Awaitable[None]]] = {
    ("invite", "create"): _invite_create,
    ("invite", "list"): _invite_list,
    ("invite", "revoke"): _invite_revoke,
    ("member", "list"): _member_list,
    ("member", "remove"): _member_remove,
}
