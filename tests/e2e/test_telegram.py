"""Residents on Telegram: the real python-telegram-bot talks HTTP to the strict fake Bot API."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import select

from handlers.domain import SubscriberStatus
from storage.tables.core import LedgerRow
from tests.e2e.harness import SECRET, button, keyboard, running_bot
from tests.fakes.botapi.server import FakeBotApi

RESIDENT = 7001


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def subscriber(app, user_id=RESIDENT):
    async with app.uow() as uow:
        return await uow.subscribers.get("telegram", str(user_id))


async def ledger(app) -> list[str]:
    async with app.uow() as uow:
        return list(await uow.session.scalars(select(LedgerRow.kind).order_by(LedgerRow.id)))


def has(text: str):
    return lambda message: text in (message.text or "")


async def onboard(api, user_id=RESIDENT, commune="Cao Thượng"):
    api.user_sends(user_id, "/start")
    prompt = await api.wait_for(user_id, has("Bạn đang sống ở xã"))
    api.user_presses(user_id, prompt.message_id, button(prompt, commune))
    topics = await api.wait_for(user_id, has("chủ đề nào"))
    api.user_presses(user_id, topics.message_id, button(topics, "Xong"))
    return await api.wait_for(user_id, has("Chọn một mục trong menu"))


async def test_resident_onboards_reads_changes_settings_and_unsubscribes(app, database_url, api):
    async with running_bot(database_url, api):
        api.user_sends(RESIDENT, "/start")
        welcome = await api.wait_for(RESIDENT, has("KHÔNG phải đường dây khẩn cấp"))
        assert "113" in welcome.text and "115" in welcome.text
        prompt = await api.wait_for(RESIDENT, has("Bạn đang sống ở xã"))
        assert "🔒 Dữ liệu bot lưu về bạn" in str(prompt.reply_markup)
        api.user_sends(RESIDENT, "TT Cao Thuong")                     # typed, no accents
        topics = await api.wait_for(RESIDENT, has("chủ đề nào"))
        api.user_presses(RESIDENT, topics.message_id, button(topics, "Ma túy"))
        edited = await api.wait_for(RESIDENT, has("chủ đề nào"))
        assert "⬜ Ma túy" in str(edited.reply_markup)
        api.user_presses(RESIDENT, topics.message_id, button(edited, "Xong"))
        menu = await api.wait_for(RESIDENT, has("Chọn một mục trong menu"))
        assert keyboard(menu)[:4] == ["⚠️ Cảnh báo mới", "🚨 Gửi tin báo", "📚 Thư viện bản tin",
                                      "🔎 Tra cứu tin báo"]
        sub = await subscriber(app)
        assert sub.status is SubscriberStatus.ACTIVE and "drugs" not in sub.topics

        api.user_sends(RESIDENT, "📚 Thư viện bản tin")
        library = await api.wait_for(RESIDENT, has("Chọn một chủ đề"))
        api.user_presses(RESIDENT, library.message_id, button(library, "Phòng cháy"))
        listing = await api.wait_for(RESIDENT, has("Phòng cháy chữa cháy:"))
        first = next(iter(b for b in listing.reply_markup["inline_keyboard"][0]))
        api.user_presses(RESIDENT, listing.message_id, first["callback_data"])
        bulletin = await api.wait_for(RESIDENT, has("📌 "))
        assert "Phòng cháy chữa cháy" in bulletin.text

        api.user_sends(RESIDENT, "/caidat")
        settings = await api.wait_for(RESIDENT, has("Cài đặt của bạn"))
        api.user_presses(RESIDENT, settings.message_id, button(settings, "Ngôn ngữ"))
        language = await api.wait_for(RESIDENT, has("Choose your language"))
        api.user_presses(RESIDENT, language.message_id, button(language, "English"))
        english = await api.wait_for(RESIDENT, has("Choose an item from the menu"))
        assert keyboard(english)[0] == "⚠️ Latest warnings"

        api.user_sends(RESIDENT, "/huy")
        confirm = await api.wait_for(RESIDENT, has("stop receiving"))
        api.user_presses(RESIDENT, confirm.message_id, button(confirm, "Yes"))
        await api.wait_for(RESIDENT, has("You will not receive bulletins"))
        await api.wait_idle()
    assert (await subscriber(app)).status is SubscriberStatus.UNSUBSCRIBED
    assert await ledger(app) == ["subscribed", "bulletin_viewed", "settings_changed",
                                 "unsubscribed"]
    presses = [c for c in api.calls if c.method.lower() == "answercallbackquery"]
    assert len(presses) == 7 and all(c.status == 200 for c in presses)
    assert {c.params.get("language_code") for c in api.calls
            if c.method.lower() == "setmycommands"} == {None, "en"}


async def test_bad_input_is_answered_politely_and_loses_nothing(app, database_url, api):
    async with running_bot(database_url, api):
        prompt_before = None
        api.user_sends(RESIDENT, "/start")
        prompt_before = await api.wait_for(RESIDENT, has("Bạn đang sống ở xã"))
        api.user_sends(RESIDENT, sticker=True)
        await api.wait_for(RESIDENT, has("chỉ đọc được chữ"))
        api.user_sends(RESIDENT, photo=True, caption="ảnh")
        await api.wait_for(RESIDENT, has("chỉ đọc được chữ"))
        api.user_sends(RESIDENT, location=(21.3, 106.1))
        await api.wait_for(RESIDENT, has("chỉ đọc được chữ"))
        api.user_sends(RESIDENT, "ồ" * 4096)
        await api.wait_for(RESIDENT, has("dài quá"))
        sent = api.user_sends(RESIDENT, "cao")
        api.user_edits(RESIDENT, sent["message"]["message_id"], "nha nam")
        await api.wait_for(RESIDENT, has("tin nhắn đã sửa"))
        forged = api.user_presses(RESIDENT, prompt_before.message_id, "commune:u.../../etc")
        bad = api.user_presses(RESIDENT, prompt_before.message_id, "x" * 64)
        answers = await callback_answers(api, forged, bad)
        assert answers[forged["callback_query"]["id"]] == "Nút này đã cũ. Mời bạn dùng tin nhắn mới nhất."
        assert answers[bad["callback_query"]["id"]] == "Lựa chọn không hợp lệ."
        api.group_message(-100500, RESIDENT, "/start")
        await api.wait_idle()
        assert api.messages_to(-100500) == []
    sub = await subscriber(app)
    assert sub.status is SubscriberStatus.ONBOARDING and sub.unit_id is None
    assert all(c.status < 500 for c in api.calls)


async def test_blocking_the_bot_marks_the_subscriber(app, database_url, api):
    async with running_bot(database_url, api):
        await onboard(api)
        api.user_blocks_bot(RESIDENT)
        for _ in range(100):
            if (await subscriber(app)).status is SubscriberStatus.BLOCKED:
                break
            await asyncio.sleep(0.05)
    assert (await subscriber(app)).status is SubscriberStatus.BLOCKED
    assert (await ledger(app))[-1] == "blocked"


async def test_conversation_continues_after_restart(app, database_url, api):
    async with running_bot(database_url, api):
        api.user_sends(RESIDENT, "/start")
        await api.wait_for(RESIDENT, has("Bạn đang sống ở xã"))
        api.user_sends(RESIDENT, "viet ngoc")
        topics = await api.wait_for(RESIDENT, has("chủ đề nào"))
    async with running_bot(database_url, api):           # a new process, same database
        api.user_presses(RESIDENT, topics.message_id, button(topics, "Xong"))
        done = await api.wait_for(RESIDENT, has("Đăng ký xong"))
        assert "Xã Việt Ngọc" in done.text


async def test_an_update_served_again_after_a_restart_is_answered_once(app, database_url, api):
    """Polling: the update a stopped bot had not confirmed is served to the next process, which
    must not answer it twice; the one after it is answered."""
    async with running_bot(database_url, api):
        await onboard(api)
        update = api.user_sends(RESIDENT, "/khancap")
        await api.wait_for(RESIDENT, has("Số điện thoại khẩn cấp"))
    async with running_bot(database_url, api):
        api.hand_out_again(update)
        api.user_sends(RESIDENT, "/caidat")
        await api.wait_for(RESIDENT, has("Cài đặt của bạn"))
        await api.wait_idle()
    emergency = [m for m in api.messages_to(RESIDENT) if "Số điện thoại khẩn cấp" in (m.text or "")]
    assert len(emergency) == 1
    async with app.uow() as uow:
        assert not await uow.updates.first_time("telegram", str(update["update_id"]))


async def test_webhook_mode_authenticates_deduplicates_and_answers(app, database_url, api):
    async with running_bot(database_url, api, mode="webhook") as bot:
        assert api.webhook["secret_token"] == SECRET
        assert api.webhook["url"].endswith("/telegram/webhook")
        await onboard(api)
        base = f"http://127.0.0.1:{bot.http_port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200 and (await response.json())["status"] == "ok"
            async with http.post(f"{base}/telegram/webhook", json={"update_id": 1}) as response:
                assert response.status == 403
            async with http.post(f"{base}/telegram/webhook", data=b"{nonsense",
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                assert response.status == 400
        update = api.user_sends(RESIDENT, "/khancap")
        await api.wait_for(RESIDENT, has("Số điện thoại khẩn cấp"))
        await api.redeliver(update)
        api.user_sends(RESIDENT, "/caidat")       # answered after the repeat, in order
        await api.wait_for(RESIDENT, has("Cài đặt của bạn"))
        await api.wait_idle()
        emergency = [m for m in api.messages_to(RESIDENT) if "Số điện thoại khẩn cấp" in (m.text or "")]
        assert len(emergency) == 1
    assert (await subscriber(app)).status is SubscriberStatus.ACTIVE


async def test_database_briefly_unavailable_gets_a_polite_answer(app, database_url, api):
    from sqlalchemy.ext.asyncio import create_async_engine

    from storage.uow import SqlUnitOfWorkFactory
    async with running_bot(database_url, api) as bot:
        await onboard(api)
        working = bot.dialogue._uow_factory
        dead = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        bot.dialogue._uow_factory = SqlUnitOfWorkFactory(dead)      # the database goes away
        api.user_sends(RESIDENT, "/caidat")
        busy = await api.wait_for(RESIDENT, has("Hệ thống đang bận"))
        assert "Traceback" not in busy.text
        bot.dialogue._uow_factory = working                         # ... and comes back
        api.user_sends(RESIDENT, "/caidat")
        await api.wait_for(RESIDENT, has("Cài đặt của bạn"))
        await dead.dispose()
    assert (await subscriber(app)).status is SubscriberStatus.ACTIVE


async def callback_answers(api, *presses, timeout: float = 10.0) -> dict:
    """The answers to these button presses, once all are made (replies before them are paced
    at the chat's limit, so the server may look idle while the bot still waits to answer)."""
    wanted = {press["callback_query"]["id"] for press in presses}
    for _ in range(int(timeout / 0.05)):
        answers = {c.params.get("callback_query_id"): c.params.get("text") for c in api.calls
                   if c.method.lower() == "answercallbackquery"}
        if wanted <= set(answers):
            return answers
        await asyncio.sleep(0.05)
    raise AssertionError(f"presses not answered: {wanted - set(answers)}")
