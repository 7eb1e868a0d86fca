"""The tip line as one feature of the conversation: its screens, commands, menu and buttons."""
from __future__ import annotations

from handlers.dialogue import Turn, option
from handlers.features import Feature, MenuItem
from handlers.invites import InviteCommand, InviteRedemption, StartLink
from handlers.messages import Message
from handlers.tips.followup import Followup
from handlers.tips.officer import OfficerDesk
from handlers.tips.officer_steps import AskStep, DuplicateStep, MoveStep, NoteStep
from handlers.ports import Secrets
from handlers.tips.domain import TipRules
from handlers.typed import payload_id
from handlers.tips.resident import SafetyScreen, resident_screens
from handlers.tips.team import (TeamPlaceScreen, TeamTimeScreen, begin_report, is_team_member,
                                my_reports)


def is_staff(turn: Turn) -> bool:
    return turn.member is not None and turn.member.role.is_staff


class LookupScreen:
    """The menu's 'look up a tip': type the receipt code."""

    step = "tip_lookup"

    def __init__(self, followup: Followup) -> None:
        self._followup = followup

    async def render(self, turn: Turn) -> Message:
        key = "tip.end_prompt" if turn.state.data.get("then") == "end" else "tip.lookup_prompt"
        return Message(text=turn.t(key), buttons=(
            (option(self.step, "menu", turn.t("library.main_menu")),),))

    async def choose(self, turn: Turn, key: str) -> None:
        turn.go("main")
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        """A wrong code keeps the person here to type it again."""
        tip = await self._followup.find(turn, text)
        if tip is None:
            await turn.show()
        elif turn.state.data.get("then") == "end":
            await self._followup.confirm_end(turn, tip)
        else:
            await self._followup.show_status(turn, tip)
        return True


async def register_group(turn: Turn) -> None:
    """/dangkynhom in a group: an officer registers it for their unit (the command may name
    any unit: /dangkynhom SLUG)."""
    member = turn.member
    if member is None or not member.role.is_staff:
        turn.say(turn.t("group.not_officer"))
        return
    slug = turn.inbound.args.strip().lower()
    unit = await turn.uow.units.by_slug(slug) if slug and member.role.sees_every_unit \
        else await turn.uow.units.by_id(member.unit_id or 0)
    if unit is None:
        turn.say(turn.t("group.unit_unknown"))
        return
    await turn.uow.groups.register(unit.id, turn.inbound.channel, turn.inbound.chat_id,
                                   member.id)
    turn.uow.audit.record(f"member:{member.id}", "group_registered", "unit", str(unit.id),
                          {"chat": turn.inbound.chat_id})
    turn.say(turn.t("group.registered", unit=unit.police))


def tips_feature(secrets: Secrets, rules: TipRules,
                 start_link: StartLink | None = None) -> Feature:
    """`start_link` makes invite links (Telegram's t.me/<bot>?start=..., once the name is known)."""
    followup, desk = Followup(secrets, rules), OfficerDesk(secrets, rules)
    invites = InviteRedemption(secrets)

    screens = resident_screens(secrets, rules)
    safety = next(screen for screen in screens if isinstance(screen, SafetyScreen))

    async def begin(turn: Turn) -> None:
        await safety.start(turn)

    async def tip_link(turn: Turn, args: list[str]) -> None:
        await safety.start(turn, prompted_by=args[0] if args else "")

    async def report_command(turn: Turn) -> None:
        """/tobao, or /tobao <bulletin> typed from a bulletin's footer where there are no
        links (Zalo, the console): the tip is credited to that bulletin."""
        bulletin = payload_id(turn.inbound.args.strip())     # '①' or 40 digits: no credit
        await safety.start(turn, prompted_by=str(bulletin) if bulletin else "")

    async def lookup_menu(turn: Turn) -> None:
        turn.go("tip_lookup")
        await turn.show()

    return Feature(
        name="tips",
        screens=[*screens, TeamPlaceScreen(), TeamTimeScreen(),
                 followup, followup.status, followup.ender, LookupScreen(followup), invites,
                 AskStep(desk, secrets),
                 NoteStep(desk, secrets), DuplicateStep(desk, secrets), MoveStep(desk, secrets)],
        commands={"tobao": report_command, "tracuu": followup.lookup, "ketthuc": followup.end,
                  "tinbao": desk.inbox_command, "baocao": begin_report,
                  "baocaocuatoi": my_reports, "thamgia": invites.command,
                  "moi": InviteCommand(secrets, rules.invite_days, start_link)},
        open_commands=frozenset({"tobao", "tracuu", "ketthuc", "thamgia", "tinbao", "baocao",
                                 "baocaocuatoi"}),
        menu=[MenuItem("inbox", desk.inbox_command, 5, is_staff),
              MenuItem("team_report", begin_report, 6, is_team_member),
              MenuItem("my_reports", my_reports, 7, is_team_member),
              MenuItem("report", begin, 15), MenuItem("lookup", lookup_menu, 25)],
        actions={"tip": desk.act, "tipr": followup.press_answer},
        group_commands={"dangkynhom": register_group},
        deep_links={"inv": invites.from_link, "tb": tip_link})
