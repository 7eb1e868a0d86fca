"""`python -m bot invite|member|broadcast`: the real parser and dispatch tables, on the database,
calling the same use cases as the chat."""
from __future__ import annotations

import re

import pytest

from bot.cli import COMMAND_GROUPS, _parser
from handlers.domain import Role
from tests.fakes.resident import Resident


async def cli(app, capsys, *argv: str) -> str:
    args = _parser().parse_args(list(argv))
    await COMMAND_GROUPS[args.command].handle(app, args)
    return capsys.readouterr().out


async def refused(app, capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        await cli(app, capsys, *argv)
    return str(exit_.value.code)


async def test_an_invite_from_the_command_line_is_redeemed_in_chat_then_the_role_removed(
        app, capsys):
    out = await cli(app, capsys, "invite", "create", "--role", "officer", "--unit", "cao-thuong")
    invite_id, code = re.search(r"invite (\d+): (\S+) \(role officer", out).groups()
    assert "open" in await cli(app, capsys, "invite", "list")
    person = Resident(app, "o1")
    await person.command("thamgia", code)
    await person.type("Nguyễn Văn An")
    assert "Chào đồng chí Nguyễn Văn An" in person.texts()
    listing = await cli(app, capsys, "member", "list")
    member_id = re.search(r"(\d+)\s+officer\s+.*active.*Nguyễn Văn An", listing).group(1)
    assert "not open" in await cli(app, capsys, "invite", "revoke", invite_id)   # used already
    assert f"member {member_id} removed" in await cli(app, capsys, "member", "remove", member_id)
    async with app.uow() as uow:
        member = await uow.members.get("test", "o1")
        actions = [a.action for a in await uow.audit.of("member", member_id)]
    assert member is not None and member.role is Role.OFFICER and not member.active
    assert actions == ["member_removed"]
    assert await refused(app, capsys, "member", "remove", "999") == "no member 999"


async def test_an_invite_for_an_unknown_unit_is_refused_and_an_open_one_revoked(app, capsys):
    message = await refused(app, capsys, "invite", "create", "--role", "officer",
                            "--unit", "atlantis")
    assert message == app.catalog.t("en", "invite.unknown_unit")
    out = await cli(app, capsys, "invite", "create", "--role", "command")
    invite_id = re.search(r"invite (\d+):", out).group(1)
    assert f"invite {invite_id} revoked" in await cli(app, capsys, "invite", "revoke", invite_id)
    assert "revoked" in await cli(app, capsys, "invite", "list")


async def test_a_bulletin_sent_from_the_command_line_is_scheduled_then_cancelled(app, capsys):
    problems = await refused(app, capsys, "broadcast", "send", "--topic", "nope", "--all",
                             "--text", " ")
    assert len(problems.splitlines()) >= 2          # every problem, not only the first
    out = await cli(app, capsys, "broadcast", "send", "--topic", "fraud", "--all",
                    "--text", "Cảnh báo lừa đảo qua điện thoại")
    broadcast_id = re.search(r"broadcast #(\d+) scheduled", out).group(1)
    assert f"#{broadcast_id}" in await cli(app, capsys, "broadcast", "list")
    assert await refused(app, capsys, "broadcast", "pause", broadcast_id)   # not running yet
    assert "cancelled" in await cli(app, capsys, "broadcast", "cancel", broadcast_id)
    assert await refused(app, capsys, "broadcast", "resume", broadcast_id)  # finished
    async with app.uow() as uow:
        view = await uow.broadcasts.get(int(broadcast_id))
        actions = [a.action for a in await uow.audit.of("broadcast", broadcast_id)]
    assert view is not None and view.status == "cancelled"
    assert actions == ["broadcast_confirmed", "broadcast_cancel"]


async def test_a_repeat_rule_is_typed_and_listed_as_officers_say_it(app, capsys):
    out = await cli(app, capsys, "broadcast", "send", "--topic", "fraud", "--all",
                    "--text", "Cảnh báo lừa đảo", "--repeat", "thứ hai hằng tuần 08:00")
    broadcast_id = re.search(r"broadcast #(\d+) scheduled", out).group(1)
    assert "🔁 thứ hai hằng tuần, 08:00" in await cli(app, capsys, "broadcast", "list")
    async with app.uow() as uow:
        view = await uow.broadcasts.get(int(broadcast_id))
    assert view is not None and view.recurrence == "weekly:mon@08:00"
    message = await refused(app, capsys, "broadcast", "send", "--topic", "fraud", "--all",
                            "--text", "Cảnh báo", "--repeat", "thứ hai 08:00")
    assert 'Lịch lặp "thứ hai 08:00" chưa đúng mẫu' in message
