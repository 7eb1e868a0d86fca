"""Typed choices understood the way people type, on the console and on Telegram: without
accents, partial labels ("lua dao", "co", "doi"), finish words ("xong"), back words ("0",
"menu", "quay lai") from every screen, commune names with a typo ("ngoc chua"), and an
ambiguous prefix answered with a short choice."""
from __future__ import annotations

import pytest

from handlers.domain import SubscriberStatus
from tests.e2e.harness import button, running_bot
from tests.e2e.test_console import chat
from tests.fakes.botapi.server import FakeBotApi

RESIDENT = 7_100_200_300


async def subscriber(app, channel: str, user_id: str):
    async with app.uow() as uow:
        return await uow.subscribers.get(channel, user_id)


async def test_console_resident_types_the_way_people_type(app, database_url):
    out = await chat(database_url, [
        "ngoc chua",          # a typo: Ngọc Châu
        "lua dao",            # partial label: toggles "Lừa đảo trên mạng" off
        "xong",
        "khan cap",           # a word of "☎️ Số khẩn cấp" on the main menu
        "tin",                # three menu items have that word: a short choice
        "3",
        "menu",               # back to the main menu from the library's topic list
        "/caidat", "doi",     # "Đổi xã..." or "Đổi chủ đề": which one?
        "2",
        "quay lai",           # from the topics screen: home
        "/tobao", "tiep tuc", "co bac",
        "quay lai",           # one step back inside the tip: the category again
        "menu",               # leaving a tip with a category chosen: asked first
        "co",                 # "Có, bỏ tin báo": nothing is kept
        "/huy", "co",         # "Có, hủy nhận tin"
    ], user="typist")
    assert "Đã chọn Xã Ngọc Châu" in out
    assert "☎️ Số điện thoại khẩn cấp" in out
    assert "Ý bạn là mục nào? Gõ số thứ tự:\n" in out
    assert "📚 Thư viện bản tin. Chọn một chủ đề:" in out and "🏠 Menu chính" in out
    assert "Ý bạn là mục nào? Gõ số thứ tự trong danh sách này:\n  1. 📍 Đổi xã" in out
    assert "  2. 🔔 Đổi chủ đề" in out
    assert out.count("Tin báo của bạn liên quan đến việc gì?") == 2 and "Đã hủy tin báo" in out
    assert "(Trước đó bạn đã chọn: Cờ bạc, số đề)" in out and "Bỏ tin báo đang viết?" in out
    assert "Đã hủy. Bạn sẽ không nhận bản tin nữa" in out
    assert "chưa hiểu" not in out
    sub = await subscriber(app, "console", "typist")
    assert sub.status is SubscriberStatus.UNSUBSCRIBED and "fraud" not in sub.topics
    async with app.uow() as uow:
        assert (await uow.units.by_id(sub.unit_id)).slug == "ngoc-chau"


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def say(api, text: str, expect: str):
    mark = api.mark()
    api.user_sends(RESIDENT, text)
    return await api.wait_for(RESIDENT, lambda m: expect in (m.text or ""), since=mark)


async def test_telegram_resident_types_instead_of_pressing(app, database_url, api):
    async with running_bot(database_url, api):
        await say(api, "/start", "Bạn đang sống ở xã")
        topics = await say(api, "ngoc chua", "chủ đề nào")
        assert "Đã chọn Xã Ngọc Châu" in "\n".join(m.text or "" for m in api.messages_to(RESIDENT))
        await say(api, "lua dao", "chủ đề nào")
        await say(api, "xong", "Đăng ký xong")
        await say(api, "khan cap", "Số điện thoại khẩn cấp")
        await say(api, "/caidat", "Cài đặt của bạn")
        which = await say(api, "doi", "Ý bạn là mục nào")
        assert list((button(which, "Đổi xã"), button(which, "Đổi chủ đề")))
        mark = api.mark()
        api.user_presses(RESIDENT, which.message_id, button(which, "Đổi chủ đề"))
        topics = await api.wait_for(RESIDENT, lambda m: "chủ đề nào" in (m.text or ""),
                                    since=mark)
        assert button(topics, "Menu chính")
        await say(api, "quay lại", "Chọn một mục trong menu")
        library = await say(api, "/thuvien", "Chọn một chủ đề")
        assert button(library, "Menu chính")
        await say(api, "MENU", "Chọn một mục trong menu")
        await say(api, "/tobao", "Trước khi gửi tin báo")
        await say(api, "tiep tuc", "liên quan đến việc gì")
        await say(api, "thoát", "Đã hủy tin báo")
        await say(api, "/huy", "Bạn có chắc")
        await say(api, "co", "Đã hủy")
        await api.wait_idle()
        assert not [m for m in api.messages_to(RESIDENT) if "chưa hiểu" in (m.text or "")]
    sub = await subscriber(app, "telegram", str(RESIDENT))
    assert sub.status is SubscriberStatus.UNSUBSCRIBED and "fraud" not in sub.topics
