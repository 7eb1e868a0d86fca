"""Officers find their tools: Telegram's command menu of an officer's chat lists /tinbao,
/phatcanhbao, /thongke, /ghinhan, /moi and /dangkynhom (set when they join and again at
start-up, a removed member's menu goes back to the residents' one); /trogiup names them; an
invite made in chat carries the bot's real t.me link; the CLI lists invites and members with
their names, units and teams."""
from __future__ import annotations

import asyncio

import pytest

from handlers.domain import Member, Role
from tests.e2e.harness import running_bot
from tests.e2e.test_telegram import onboard
from tests.e2e.tips_helpers import has, invite, join
from tests.fakes.botapi.server import FakeBotApi
from tests.storage.statistics.test_outputs import run_cli

OFFICER, EARLIER, REMOVED, RESIDENT = 9_100_001, 9_100_002, 9_100_003, 7_100_001
STAFF = ["tinbao", "phatcanhbao", "thongke", "ghinhan", "moi", "dangkynhom"]


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def menu_soon(api, chat_id: int) -> list[str]:
    """The chat's menu once the bot has set it (it does so right after its reply)."""
    for _ in range(100):
        if menu(api, chat_id):
            break
        await asyncio.sleep(0.05)
    return menu(api, chat_id)


def menu(api, chat_id: int, language: str = "") -> list[str]:
    return [c["command"] for c in api.my_commands({"type": "chat", "chat_id": chat_id}, language)]


async def save(app, user_id: int, role: Role, unit: str, name: str, active: bool = True):
    async with app.uow() as uow:
        unit_row = await uow.units.by_slug(unit)
        await uow.members.save(Member(channel="telegram", user_id=str(user_id), role=role,
                                      unit_id=unit_row.id, name=name, active=active))
        await uow.commit()


async def test_an_officers_chat_lists_the_officers_commands(app, database_url, api):
    await save(app, EARLIER, Role.OFFICER, "an-duong", "Thiếu úy Lê Bình")
    await save(app, REMOVED, Role.OFFICER, "an-duong", "Đã nghỉ", active=False)
    api.commands[f'{{"chat_id": {REMOVED}, "type": "chat"}}', ""] = [
        {"command": "tinbao", "description": "old"}]
    async with running_bot(database_url, api):
        assert menu(api, EARLIER)[:6] == STAFF                 # set at start-up
        assert "tinbao" in [c["command"] for c in api.my_commands(
            {"type": "chat", "chat_id": EARLIER}, "en")]
        assert menu(api, REMOVED) == []                        # back to the residents' menu
        await join(api, app, OFFICER, Role.OFFICER, "cao-thuong", "Trung úy Nguyễn Văn An")
        assert (await menu_soon(api, OFFICER))[:6] == STAFF    # set when they join
        assert {"start", "tobao", "trogiup"} <= set(menu(api, OFFICER))
        await onboard(api, RESIDENT, "Cao Thượng")
        assert menu(api, RESIDENT) == []                       # residents keep the default
        assert "phatcanhbao" not in [c["command"] for c in api.my_commands()]

        api.user_sends(OFFICER, "/trogiup")
        help_text = await api.wait_for(OFFICER, has("Dành cho cán bộ"))
        for command in STAFF:
            assert f"/{command}" in help_text.text
        api.user_sends(RESIDENT, "/trogiup")
        await api.wait_for(RESIDENT, has("Hướng dẫn"))
        assert not [m for m in api.messages_to(RESIDENT) if "Dành cho cán bộ" in (m.text or "")]

        api.user_sends(OFFICER, "/moi to cao-thuong Tổ an ninh thôn 3")
        created = await api.wait_for(OFFICER, has("Mã mời"))
        assert "https://t.me/antt_test_bot?start=inv_" in created.text
        assert "<" not in created.text                          # no placeholder left


async def test_cli_lists_invites_and_members_with_names_and_units(app, database_url):
    await save(app, EARLIER, Role.OFFICER, "an-duong", "Thiếu úy Lê Bình")
    await invite(app, Role.TEAM_MEMBER, "cao-thuong", "Tổ an ninh thôn 3")
    out, _ = await run_cli(database_url, "member", "list")
    assert "Thiếu úy Lê Bình" in out and "Xã An Dương" in out
    out, _ = await run_cli(database_url, "invite", "list")
    assert "Thị trấn Cao Thượng · Tổ an ninh thôn 3" in out and "open" in out
    out, _ = await run_cli(database_url, "invite", "create", "--role", "officer",
                           "--unit", "cao-thuong")
    assert "BOT_TELEGRAM_BOT_USERNAME" in out                   # says how to get a link
