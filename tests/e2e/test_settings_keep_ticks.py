"""Settings: ticks made on the topics screen are not dropped by leaving it (issue 10): typing
"menu", a command or the 🏠 option saves them and says so, on the console and on Telegram."""
from __future__ import annotations

import pytest

from tests.e2e.test_console import chat
from tests.fakes.resident import Resident

SAVED = "🔔 Đã lưu chủ đề: Lừa đảo trên mạng, Tín dụng đen, Ma túy, Phòng cháy chữa cháy, " \
        "An toàn giao thông, Trộm cắp tài sản."     # gambling unticked


async def topics_of(app, channel: str, user: str) -> set[str]:
    async with app.uow() as uow:
        return (await uow.subscribers.get(channel, user)).topics


@pytest.mark.parametrize("way_out", ["menu", "thoat", "/thuvien", "/caidat"])
async def test_typing_a_way_out_after_ticking_topics_keeps_them(app, database_url, way_out):
    await chat(database_url, ["tt cao thuong", "xong"], user="ticker")
    out = await chat(database_url, ["/caidat", "2", "co bac", way_out], user="ticker")
    assert "⬜ Cờ bạc, số đề" in out                       # unticked on the screen
    assert SAVED in out                                   # and kept when leaving it
    assert "gambling" not in await topics_of(app, "console", "ticker")


async def test_unchanged_ticks_say_nothing_and_onboarding_still_waits_for_done(app):
    r = Resident(app, "quiet", channel="test")
    await r.command("start")
    await r.type("tt cao thuong")
    await r.type("co bac")                               # onboarding: untick, then leave
    assert "Đã lưu chủ đề" not in (await r.type("menu")).messages[0].text
    await r.type("xong")
    await r.command("caidat")
    await r.type("2")
    heard = await r.type("menu")                         # nothing changed: nothing said
    assert all("Đã lưu chủ đề" not in m.text for m in heard.messages)
    assert heard.messages[-1].menu                       # the main menu


async def test_the_home_option_after_ticking_keeps_them(app):
    r = Resident(app, "homebody", channel="test")
    await r.onboard("tt cao thuong")
    await r.command("caidat")
    await r.press("Đổi chủ đề")
    await r.press("Cờ bạc, số đề")
    heard = await r.press("🏠")
    assert SAVED in "\n".join(m.text for m in heard.messages)
    assert "gambling" not in await topics_of(app, "test", "homebody")
