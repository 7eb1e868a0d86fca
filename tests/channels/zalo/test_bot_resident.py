"""Residents on the Zalo Bot Platform: no buttons, every choice a number; polling and webhook."""
from __future__ import annotations

import json

from handlers.domain import SubscriberStatus
from tests.channels.zalo.harness import BOT_SECRET, footprint, ledger, number_of, running_zalo

RESIDENT = "b7c1d2e3f4a5"


async def subscriber(app, user_id=RESIDENT):
    async with app.uow() as uow:
        return await uow.subscribers.get("zalo_bot", user_id)


async def onboard(zbot, user_id=RESIDENT):
    await zbot.user_sends(user_id, "/start")
    await zbot.wait_for(user_id, "Bạn đang sống ở xã")
    await zbot.user_sends(user_id, "cao thuong")
    topics = await zbot.wait_for(user_id, "chủ đề nào")
    await zbot.user_sends(user_id, number_of(topics, "Xong"))
    return await zbot.wait_for(user_id, "Chọn một mục trong menu")


async def test_resident_onboards_reads_changes_settings_and_unsubscribes(app, database_url, zbot):
    async with running_zalo(database_url, bot=zbot):
        await zbot.user_sends(RESIDENT, "/start")
        await zbot.wait_for(RESIDENT, "KHÔNG phải đường dây khẩn cấp")
        prompt = await zbot.wait_for(RESIDENT, "Bạn đang sống ở xã")
        assert "1. " in prompt.text and "👉 Trả lời một số từ 1 đến 10 để chọn." in prompt.text
        await zbot.user_sends(RESIDENT, "TT Cao Thuong")                 # typed, no accents
        topics = await zbot.wait_for(RESIDENT, "chủ đề nào")
        await zbot.user_sends(RESIDENT, number_of(topics, "Ma túy"))
        toggled = await zbot.wait_for(RESIDENT, "chủ đề nào")
        assert "⬜ Ma túy" in toggled.text
        await zbot.user_sends(RESIDENT, number_of(toggled, "Xong"))
        menu = await zbot.wait_for(RESIDENT, "Chọn một mục trong menu")
        assert "📋 Các mục:" in menu.text and "1. ⚠️ Cảnh báo mới" in menu.text
        assert ". 📚 Thư viện bản tin" in menu.text
        assert (await subscriber(app)).status is SubscriberStatus.ACTIVE

        await zbot.user_sends(RESIDENT, number_of(menu, "Thư viện"))      # the menu by number
        library = await zbot.wait_for(RESIDENT, "Chọn một chủ đề")
        await zbot.user_sends(RESIDENT, number_of(library, "Phòng cháy"))
        await zbot.wait_for(RESIDENT, "Phòng cháy chữa cháy:")
        await zbot.user_sends(RESIDENT, "1")
        bulletin = await zbot.wait_for(RESIDENT, "📌 ")
        assert "Phòng cháy chữa cháy" in bulletin.text

        await zbot.user_sends(RESIDENT, "/caidat")
        settings = await zbot.wait_for(RESIDENT, "Cài đặt của bạn")
        await zbot.user_sends(RESIDENT, number_of(settings, "Ngôn ngữ"))
        language = await zbot.wait_for(RESIDENT, "Choose your language")
        assert "3. 🏠 Menu chính\n👉 Trả lời 1, 2 hoặc 3 để chọn." in language.text
        await zbot.user_sends(RESIDENT, number_of(language, "English"))
        english = await zbot.wait_for(RESIDENT, "Choose an item from the menu")
        assert "📋 Items:" in english.text and "👉 Reply with a number" in english.text

        await zbot.user_sends(RESIDENT, "/huy")
        confirm = await zbot.wait_for(RESIDENT, "stop receiving")
        assert "👉 Reply 1 or 2 to choose." in confirm.text
        await zbot.user_sends(RESIDENT, number_of(confirm, "Yes"))
        await zbot.wait_for(RESIDENT, "You will not receive bulletins")
        await zbot.wait_idle()
    assert (await subscriber(app)).status is SubscriberStatus.UNSUBSCRIBED
    assert await ledger(app) == ["subscribed", "bulletin_viewed", "settings_changed",
                                 "unsubscribed"]
    assert all(call.ok or call.path == "getUpdates" for call in zbot.calls)
    assert (RESIDENT, "typing") in zbot.actions
    assert (await footprint(app, "zalo_bot"))["interactions"] == [RESIDENT]


async def test_polling_replays_are_answered_once(app, database_url, zbot):
    async with running_zalo(database_url, bot=zbot):
        await zbot.user_sends(RESIDENT, "/start")
        await zbot.wait_for(RESIDENT, "Bạn đang sống ở xã")
        update = await zbot.user_sends(RESIDENT, "/khancap")
        await zbot.wait_for(RESIDENT, "Số điện thoại khẩn cấp")
        await zbot.replay(update)                    # no offset: the same update again
        await zbot.user_sends(RESIDENT, "/riengtu")
        await zbot.wait_for(RESIDENT, "Dữ liệu bot lưu về bạn")
        await zbot.wait_idle()
        emergency = [m for m in zbot.messages_to(RESIDENT) if "Số điện thoại khẩn cấp" in m.text]
        assert len(emergency) == 1 and len(zbot.handed_out) == 4


async def test_webhook_mode_authenticates_unwraps_and_ignores(app, database_url, zbot):
    async with running_zalo(database_url, bot=zbot, bot_mode="webhook"):
        assert zbot.webhook["secret_token"] == BOT_SECRET
        assert zbot.webhook["url"].endswith("/zalo/bot/webhook")
        await onboard(zbot)
        before = await footprint(app, "zalo_bot")
        update = zbot.update(RESIDENT, "message.text.received", text="/huy")
        assert await zbot.post_webhook({"ok": True, "result": update}, "wrong-secret-123") == 403
        assert await zbot.post_webhook({"ok": True, "result": update}, None) == 403
        assert await zbot.post_webhook(None, BOT_SECRET, raw=b"{broken") == 400
        huge = zbot.update(RESIDENT, "message.text.received", text="x" * 200_000)
        assert await zbot.post_webhook(huge, BOT_SECRET) == 413
        group = zbot.update("g-42", "message.text.received", chat_type="GROUP", text="/start")
        assert await zbot.post_webhook(group, BOT_SECRET) == 200
        strange = zbot.update(RESIDENT, "message.reaction.received")
        assert await zbot.post_webhook(strange, BOT_SECRET) == 200
        await zbot.wait_idle()
        assert await footprint(app, "zalo_bot") == before
        assert zbot.messages_to("g-42") == []

        zbot.wrap_webhook = False                        # seen in the wild: a bare update
        bare = await zbot.user_sends(RESIDENT, "/khancap")
        await zbot.wait_for(RESIDENT, "Số điện thoại khẩn cấp")
        assert await zbot.post_webhook(bare, BOT_SECRET) == 200      # redelivered
        await zbot.user_sends(RESIDENT, "/riengtu")
        await zbot.wait_for(RESIDENT, "Dữ liệu bot lưu về bạn")
        await zbot.wait_idle()
        emergency = [m for m in zbot.messages_to(RESIDENT) if "Số điện thoại khẩn cấp" in m.text]
        assert len(emergency) == 1
    assert (await subscriber(app)).status is SubscriberStatus.ACTIVE


async def test_media_and_unsupported_messages_get_a_polite_answer(app, database_url, zbot):
    async with running_zalo(database_url, bot=zbot):
        await zbot.user_sends(RESIDENT, "/start")
        await zbot.wait_for(RESIDENT, "Bạn đang sống ở xã")
        await zbot.push(zbot.update(RESIDENT, "message.image.received",
                                    photo_url="https://photo.example/a.jpg", caption="ảnh"))
        await zbot.wait_for(RESIDENT, "chỉ đọc được chữ")
        await zbot.push(zbot.update(RESIDENT, "message.unsupported.received"))
        await zbot.wait_for(RESIDENT, "chỉ đọc được chữ")
        await zbot.user_sends(RESIDENT, "ồ" * 2500)
        await zbot.wait_for(RESIDENT, "dài quá")
        await zbot.wait_idle()
    assert all(len(m.text) <= 2000 for m in zbot.messages_to(RESIDENT))
    assert json.dumps([c.params for c in zbot.calls]).count("reply_markup") == 0
