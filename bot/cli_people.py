"""`python -m bot invite ...` and `python -m bot member ...`: roles are given by one-time
invites and taken away by deactivating the member (their old buttons stop working)."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from handlers.domain import Role
from handlers.invites import InviteError, create_invite

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
    async with app.uow() as uow:
        try:
            new = await create_invite(uow, app.sealer, role=ROLES[args.role], unit_slug=args.unit,
                                      team=args.team, days=days, created_by="cli")
        except InviteError as error:
            sys.exit(app.catalog.t("en", error.key))
        await uow.commit()
    compact = new.code.replace("-", "")
    print(f"invite {new.id}: {new.code} (role {args.role}, expires "
          f"{new.expires_at:%Y-%m-%d %H:%M} UTC)")
    username = app.settings.telegram_bot_username
    if username:
        print(f"link: https://t.me/{username.lstrip('@')}?start=inv_{compact}")
    print(f"or send the bot: /thamgia {new.code}")


async def _invite_list(app, args: argparse.Namespace) -> None:
    now = datetime.now(timezone.utc)
    async with app.uow() as uow:
        for invite in await uow.invites.listing():
            state = ("revoked" if invite.revoked_at else "used" if invite.used_at
                     else "expired" if invite.expires_at <= now else "open")
            print(f"{invite.id:>5}  {invite.role:<12} unit={invite.unit_id or '-':<5} {state}")


async def _invite_revoke(app, args: argparse.Namespace) -> None:
    async with app.uow() as uow:
        done = await uow.invites.revoke(args.id, datetime.now(timezone.utc))
        uow.audit.record("cli", "invite_revoked", "invite", str(args.id)) if done else None
        await uow.commit()
    print(f"invite {args.id} revoked" if done else f"invite {args.id}: not open, nothing done")


async def _member_list(app, args: argparse.Namespace) -> None:
    async with app.uow() as uow:
        for member in await uow.members.all():
            print(f"{member.id:>5}  {member.role.value:<12} unit={member.unit_id or '-':<5} "
                  f"{'active' if member.active else 'removed':<8} {member.channel} {member.name}")


async def _member_remove(app, args: argparse.Namespace) -> None:
    async with app.uow() as uow:
        member = await uow.members.by_id(args.id)
        if member is None:
            sys.exit(f"no member {args.id}")
        member.active = False
        await uow.members.save(member)
        uow.audit.record("cli", "member_removed", "member", str(member.id))
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
