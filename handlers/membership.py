"""Invites and members as use cases: each a command and a function of it and the unit of work.

The chat (/moi, /thamgia, an invite link) and `python -m bot invite|member` call the same ones;
none commits (the caller's unit of work does).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from handlers.domain import Member, Role
from handlers.ports import InviteRecord, Secrets, UnitOfWork
from handlers.tips.domain import new_code

INVITE_LENGTH = 10


class InviteError(Exception):
    """A request about an invite that cannot be honoured; `key` is its catalogue entry."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class InviteRace(Exception):
    """Two people used one invite at once; the loser's transaction is rolled back."""


@dataclass(frozen=True)
class CreateInvite:
    role: Role
    unit_slug: str | None
    team: str | None
    days: int
    created_by: str          # "cli" or "member:<id>"
    now: datetime


@dataclass(frozen=True)
class NewInvite:
    id: int
    code: str                # shown once: only its keyed hash is stored
    expires_at: datetime


@dataclass(frozen=True)
class JoinWithInvite:
    """A person redeems an invite under the name officers will see."""

    invite_id: int
    channel: str
    user_id: str
    name: str
    now: datetime


@dataclass(frozen=True)
class RevokeInvite:
    invite_id: int
    actor: str
    now: datetime


@dataclass(frozen=True)
class RemoveMember:
    """Take a member's role away: their old buttons stop working."""

    member_id: int
    actor: str


async def create_invite(command: CreateInvite, uow: UnitOfWork, secrets: Secrets) -> NewInvite:
    """Store a hashed one-time invite and return the code to hand over."""
    unit = await uow.units.by_slug(command.unit_slug) if command.unit_slug else None
    if command.unit_slug and unit is None:
        raise InviteError("invite.unknown_unit")
    if command.role in (Role.OFFICER, Role.TEAM_MEMBER) and unit is None:
        raise InviteError("invite.unit_required")
    if command.role is Role.TEAM_MEMBER and not command.team:
        raise InviteError("invite.team_required")
    team_id = (await uow.teams.ensure(unit.id, command.team.strip()[:120])
               if command.team and unit else None)
    code = new_code(INVITE_LENGTH)
    expires = command.now + timedelta(days=command.days)
    invite_id = await uow.invites.add(secrets.digest("invite", code.replace("-", "")),
                                      command.role, unit.id if unit else None, team_id, expires,
                                      command.created_by)
    uow.audit.record(command.created_by, "invite_created", "invite", str(invite_id),
                     {"role": command.role.value, "unit": command.unit_slug,
                      "team": command.team})
    return NewInvite(invite_id, code, expires)


def invite_problem(invite: InviteRecord | None, now: datetime) -> str | None:
    """Why this invite cannot be used now (a catalogue key), or None."""
    if invite is None:
        return "invite.invalid"
    if invite.revoked_at is not None:
        return "invite.revoked"
    if invite.used_at is not None:
        return "invite.used"
    expires = invite.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=timezone.utc)
    if expires <= now:
        return "invite.expired"
    return None


async def join_with_invite(command: JoinWithInvite, uow: UnitOfWork) -> Member:
    """The person becomes a member with the invite's role; the invite is used up."""
    invite = await uow.invites.by_id(command.invite_id)
    problem = invite_problem(invite, command.now)
    if problem or invite is None:
        raise InviteError(problem or "invite.invalid")
    member = await uow.members.save(Member(
        channel=command.channel, user_id=command.user_id, role=Role(invite.role),
        unit_id=invite.unit_id, team_id=invite.team_id, name=command.name))
    if member.id is None or not await uow.invites.use(invite.id, member.id, command.now):
        raise InviteRace()
    uow.audit.record(f"member:{member.id}", "invite_used", "invite", str(invite.id))
    return member


async def revoke_invite(command: RevokeInvite, uow: UnitOfWork) -> bool:
    """False if the invite was not open (used, revoked already, or unknown)."""
    done = await uow.invites.revoke(command.invite_id, command.now)
    if done:
        uow.audit.record(command.actor, "invite_revoked", "invite", str(command.invite_id))
    return done


async def remove_member(command: RemoveMember, uow: UnitOfWork) -> bool:
    """False if there is no such member."""
    member = await uow.members.by_id(command.member_id)
    if member is None:
        return False
    member.active = False
    await uow.members.save(member)
    uow.audit.record(command.actor, "member_removed", "member", str(member.id))
    return True
