"""Residents on a Zalo Official Account: the real OA adapter over HTTP against FakeZaloOA."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from handlers.domain import SubscriberStatus
from storage.tables.zalo import ZaloInteractionRow
from tests.channels.zalo.harness import choose, labels, ledger, number_of, rows, running_zalo

RESIDENT = "8841203400112233"


async def subscriber(app, user_id=RESIDENT):
    async with app.uow() as uow:
        return await uow.subscribers.get("zalo_oa", user_id)


async def onboard(oa, user_id=RESIDENT):
    await oa.user_sends(user_id, "xin chào")
    await oa.wait_for(user_id, "Bạn đang sống ở xã")
    await oa.user_sends(user_id, "cao thuong")
    topics = await oa.wait_for(user_id, "chủ đề nào")
    await oa.user_sends(user_id, number_of(topics, "Xong"))
    return await oa.wait_for(user_id, "Chọn một mục trong menu")


async def test_resident_onboards_reads_changes_settings_and_unsubscribes(app, database_url, oa,
                                                                        oa_tokens):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        await oa.user_sends(RESIDENT, "xin chào")
        welcome = await oa.wait_for(RESIDENT, "KHÔNG phải đường dây khẩn cấp")
        assert "113" in welcome.text and welcome.buttons == []
        prompt = await oa.wait_for(RESIDENT, "Bạn đang sống ở xã")
        # Ten choices do not fit the OA's five buttons: they are numbered instead.
        assert prompt.buttons == [] and "👉 Trả lời một số từ 1 đến 10 để chọn." in prompt.text
        assert "10. 🔒 Dữ liệu bot lưu về bạn" in prompt.text       # privacy: one number away
        await oa.user_sends(RESIDENT, "TT Cao Thuong")                  # typed, no accents
        topics = await oa.wait_for(RESIDENT, "chủ đề nào")
        await oa.user_sends(RESIDENT, number_of(topics, "Ma túy"))       # a topic by number
        toggled = await oa.wait_for(RESIDENT, "chủ đề nào")
        assert "⬜ Ma túy" in toggled.text
        await oa.user_sends(RESIDENT, number_of(toggled, "Xong"))
        menu = await oa.wait_for(RESIDENT, "Chọn một mục trong menu")
        assert {"⚠️ Cảnh báo mới", "📚 Thư viện bản tin"} <= set(labels(menu))
        sub = await subscriber(app)
        assert sub.status is SubscriberStatus.ACTIVE and "drugs" not in sub.topics

        await choose(oa, menu, "Thư viện")        # a button's payload comes back as text
        library = await oa.wait_for(RESIDENT, "Chọn một chủ đề")
        await oa.user_sends(RESIDENT, number_of(library, "Phòng cháy"))
        listing = await oa.wait_for(RESIDENT, "Phòng cháy chữa cháy:")
        await oa.user_sends(RESIDENT, "1")
        bulletin = await oa.wait_for(RESIDENT, "📌 ")
        assert "Phòng cháy chữa cháy" in bulletin.text and listing.buttons == []

        await oa.user_sends(RESIDENT, "/caidat")
        settings = await oa.wait_for(RESIDENT, "Cài đặt của bạn")
        assert len(settings.buttons) == 5                 # fits: real OA buttons
        await oa.user_taps(settings, "Ngôn ngữ")
        language = await oa.wait_for(RESIDENT, "Choose your language")
        await oa.user_taps(language, "English")
        english = await oa.wait_for(RESIDENT, "Choose an item from the menu")
        assert "⚠️ Latest warnings" in labels(english)

        await oa.user_sends(RESIDENT, "/huy")
        confirm = await oa.wait_for(RESIDENT, "stop receiving")
        await oa.user_taps(confirm, "Yes")
        await oa.wait_for(RESIDENT, "You will not receive bulletins")
        await oa.wait_idle()
    assert (await subscriber(app)).status is SubscriberStatus.UNSUBSCRIBED
    assert await ledger(app) == ["subscribed", "bulletin_viewed", "settings_changed",
                                 "unsubscribed"]
    assert all(call.ok for call in oa.calls)
    (last,) = await rows(app, ZaloInteractionRow.last_at, ZaloInteractionRow.user_id == RESIDENT)
    last = last if last.tzinfo else last.replace(tzinfo=timezone.utc)
    assert datetime.now(timezone.utc) - last < timedelta(minutes=1)


async def test_every_oa_button_payload_is_accepted_as_typed_text(app, database_url, oa,
                                                                oa_tokens):
    """A tap returns the payload as text: each one must pick the option it stands for."""
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        await onboard(oa)
        await oa.user_sends(RESIDENT, "/caidat")
        settings = await oa.wait_for(RESIDENT, "Cài đặt của bạn")
        await oa.user_taps(settings, "Đổi chủ đề")
        await oa.wait_for(RESIDENT, "chủ đề nào")
        await oa.user_sends(RESIDENT, "/caidat")
        settings = await oa.wait_for(RESIDENT, "Cài đặt của bạn")
        await oa.user_taps(settings, "Quay lại")
        await oa.wait_for(RESIDENT, "Chọn một mục trong menu")
