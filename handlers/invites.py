"""One-time invites: how officers, the command, administrators and team members get their role."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from handlers.command_menu import command_menu
from handlers.dialogue import Turn
from handlers.domain import Member, Role
from handlers.membership import (INVITE_LENGTH, CreateInvite, InviteError, JoinWithInvite,
                                 create_invite, invite_problem, join_with_invite)
from handlers.messages import Message
from handlers.ports import Secrets
from handlers.tips.domain import normalise_code

# (channel, start payload) -> a link that opens the bot with it, or None where there is none
StartLink = Callable[[str, str], "str | None"]
MAX_NAME = 80


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
        problem = invite_problem(invite, datetime.now(timezone.utc))
        if problem or invite is None:
            turn.say(turn.t(problem or "invite.invalid"))
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
        command = JoinWithInvite(int(turn.state.data.get("invite", 0)), turn.inbound.channel,
                                 turn.inbound.user_id, name, datetime.now(timezone.utc))
        try:
            member = await join_with_invite(command, turn.uow)
        except InviteError as error:
            turn.say(turn.t(error.key))
            turn.go("main")
            return
        turn.member = member
        turn.reply.command_menu = command_menu(member)
        unit = await turn.uow.units.by_id(member.unit_id) if member.unit_id else None
        team = await turn.uow.teams.name(member.team_id) if member.team_id else None
        turn.say(turn.t(f"invite.welcome.{member.role.value}", name=name,
                        unit=unit.police if unit else "",
                        team=team or turn.t("invite.team_unnamed")))
        turn.go("main")
        await turn.show()


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
        assert turn.member is not None           # may_invite let only a member through
        command = CreateInvite(role, unit.slug if unit else None, " ".join(words[2:]) or None,
                               self._days, f"member:{turn.member.id}", datetime.now(timezone.utc))
        try:
            new = await create_invite(command, turn.uow, self._secrets)
        except InviteError as error:
            turn.say(turn.t(error.key))
            return
        text = turn.t("invite.created", code=new.code, days=self._days)
        link = self._start_link(turn.inbound.channel, f"inv_{new.code.replace('-', '')}")
        turn.say(text + "\n" + turn.t("invite.created_link", link=link) if link else text)
