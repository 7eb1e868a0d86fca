"""One-time invites: how officers, the command, administrators and team members get their role."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from handlers.command_menu import command_menu
from handlers.dialogue import Turn
from handlers.domain import Member, Role
from handlers.messages import Message
from handlers.ports import UnitOfWork
from handlers.tips.domain import new_code, normalise_code
from handlers.ports import Secrets

INVITE_LENGTH = 10
# (channel, start payload) -> a link that opens the bot with it, or None where there is none
StartLink = Callable[[str, str], "str | None"]
MAX_NAME = 80


@dataclass(frozen=True)
class NewInvite:
    id: int
    code: str
    expires_at: datetime


class InviteError(Exception):
    """A request for an invite that cannot be honoured; `key` is its catalogue entry."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


async def create_invite(uow: UnitOfWork, secrets: Secrets, *, role: Role, unit_slug: str | None,
                        team: str | None, days: int, created_by: str) -> NewInvite:
    """Store a hashed one-time invite and return the code to hand over (shown only once)."""
    unit = await uow.units.by_slug(unit_slug) if unit_slug else None
    if unit_slug and unit is None:
        raise InviteError("invite.unknown_unit")
    if role in (Role.OFFICER, Role.TEAM_MEMBER) and unit is None:
        raise InviteError("invite.unit_required")
    if role is Role.TEAM_MEMBER and not team:
        raise InviteError("invite.team_required")
    team_id = await uow.teams.ensure(unit.id, team.strip()[:120]) if team else None
    code = new_code(INVITE_LENGTH)
    expires = datetime.now(timezone.utc) + timedelta(days=days)
    invite_id = await uow.invites.add(secrets.digest("invite", code.replace("-", "")), role,
                                      unit.id if unit else None, team_id, expires, created_by)
    uow.audit.record(created_by, "invite_created", "invite", str(invite_id),
                     {"role": role.value, "unit": unit_slug, "team": team})
    return NewInvite(invite_id, code, expires)


class InviteRedemption:
    """/start inv_CODE or /thamgia CODE, then the person's name as officers will see it."""

    step = "member_name"
    max_text = MAX_NAME

    def __init__(self, secrets: Secrets) -> None:
        self._secrets = secrets

    async def from_link(self, turn: Turn, args: list[str]) -> None:
        await self.redeem(turn, args[0] if args else "")

    async def command(self, turn: Turn) -> None:
        await self.redeem(turn, turn.inbound.args)

    async def redeem(self, turn: Turn, typed: str) -> None:
        code = normalise_code(typed, INVITE_LENGTH)
        invite = await turn.uow.invites.find(self._secrets.digest("invite", code)) if code else None
        problem = _problem(invite)
        if problem:
            turn.say(turn.t(problem))
            return
        turn.go(self.step, invite=invite.id)
        await turn.show()

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("invite.ask_name"))

    async def choose(self, turn: Turn, key: str) -> None:  # pragma: no cover - no buttons
        return None

    async def free_text(self, turn: Turn, text: str) -> bool:
        name = " ".join(text.split())
        if len(name) < 2:
            turn.say(turn.t("invite.name_too_short"))
            await turn.show()
            return True
        await self._join(turn, name)
        return True

    async def _join(self, turn: Turn, name: str) -> None:
        invite = await _invite_by_id(turn, int(turn.state.data.get("invite", 0)))
        problem = _problem(invite)
        if problem:
            turn.say(turn.t(problem))
            turn.go("main")
            return
        member = await turn.uow.members.save(Member(
            channel=turn.inbound.channel, user_id=turn.inbound.user_id, role=Role(invite.role),
            unit_id=invite.unit_id, team_id=invite.team_id, name=name))
        if not await turn.uow.invites.use(invite.id, member.id, datetime.now(timezone.utc)):
            raise InviteRace()
        turn.uow.audit.record(f"member:{member.id}", "invite_used", "invite", str(invite.id))
        turn.member = member
        turn.reply.command_menu = command_menu(member)
        unit = await turn.uow.units.by_id(invite.unit_id) if invite.unit_id else None
        turn.say(turn.t(f"invite.welcome.{member.role.value}", name=name,
                        unit=unit.police if unit else ""))
        turn.go("main")
        await turn.show()


class InviteRace(Exception):
    """Two people used one invite at once; the loser's transaction is rolled back."""


async def _invite_by_id(turn: Turn, invite_id: int):
    return await turn.uow.invites.by_id(invite_id)


def _problem(invite) -> str | None:
    if invite is None:
        return "invite.invalid"
    if invite.revoked_at is not None:
        return "invite.revoked"
    if invite.used_at is not None:
        return "invite.used"
    expires = invite.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=timezone.utc)
    if expires <= datetime.now(timezone.utc):
        return "invite.expired"
    return None


ROLE_WORDS = {"officer": Role.OFFICER, "canbo": Role.OFFICER, "command": Role.COMMAND,
              "chihuy": Role.COMMAND, "admin": Role.ADMIN, "quantri": Role.ADMIN,
              "team-member": Role.TEAM_MEMBER, "to": Role.TEAM_MEMBER}


def may_invite(inviter: Member | None, role: Role, unit_id: int | None) -> bool:
    """Administrators invite anyone; the command invites officers, command and teams; an
    officer invites team members of their own unit."""
    if inviter is None or not inviter.role.is_staff:
        return False
    if inviter.role is Role.ADMIN:
        return True
    if inviter.role is Role.COMMAND:
        return role is not Role.ADMIN
    return role is Role.TEAM_MEMBER and unit_id == inviter.unit_id


class InviteCommand:
    """/moi ROLE UNIT [TEAM NAME]: an invite made in chat by someone allowed to give it."""

    def __init__(self, secrets: Secrets, days: int, start_link: StartLink | None = None) -> None:
        self._secrets, self._days = secrets, days
        self._start_link = start_link or (lambda channel, payload: None)

    async def __call__(self, turn: Turn) -> None:
        words = turn.inbound.args.split()
        role = ROLE_WORDS.get(words[0].lower()) if words else None
        unit = await turn.uow.units.by_slug(words[1].lower()) if len(words) > 1 else None
        if role is None or (len(words) > 1 and unit is None):
            turn.say(turn.t("invite.usage"))
            return
        if not may_invite(turn.member, role, unit.id if unit else None):
            turn.say(turn.t("invite.not_allowed"))
            return
        try:
            new = await create_invite(turn.uow, self._secrets, role=role,
                                      unit_slug=unit.slug if unit else None,
                                      team=" ".join(words[2:]) or None, days=self._days,
                                      created_by=f"member:{turn.member.id}")
        except InviteError as error:
            turn.say(turn.t(error.key))
            return
        text = turn.t("invite.created", code=new.code, days=self._days)
        link = self._start_link(turn.inbound.channel, f"inv_{new.code.replace('-', '')}")
        turn.say(text + "\n" + turn.t("invite.created_link", link=link) if link else text)
