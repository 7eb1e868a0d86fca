"""Which commands a person's command menu lists: residents' commands for everyone, the team's
for team members, and the officers' tools for staff. Channels that keep a menu per person
(Telegram) show exactly these; a turn that changes someone's role says so in its Reply."""
from __future__ import annotations

from handlers.domain import Member, Role

RESIDENT_COMMANDS = ("start", "canhbao", "thuvien", "tobao", "tracuu", "khancap", "caidat", "huy",
                     "dangky", "trogiup", "riengtu", "ngonngu", "ketthuc", "thamgia")
TEAM_COMMANDS = ("baocao", "baocaocuatoi")
# The officers' tools first: they are what an officer opens the menu for.
STAFF_COMMANDS = ("tinbao", "phatcanhbao", "thongke", "ghinhan", "moi", "dangkynhom")


def command_menu(member: Member | None) -> tuple[str, ...]:
    """The commands this person's menu lists, in menu order."""
    if member is None or not member.active:
        return RESIDENT_COMMANDS
    if member.role is Role.TEAM_MEMBER:
        return TEAM_COMMANDS + RESIDENT_COMMANDS
    return STAFF_COMMANDS + RESIDENT_COMMANDS
