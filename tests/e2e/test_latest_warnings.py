"""'⚠️ Cảnh báo mới' shows the bulletins officers actually sent to the resident's commune and
topics, newest first, then the library; a bulletin's screen leads back, elsewhere and to a tip
credited to it. On Telegram (real python-telegram-bot, fake Bot API) and on the console."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from broadcasts.model import Status
from handlers.library_items import LABEL_CHARS
from storage.tables.tips import TipRow
from tests.e2e.broadcasts.people import broadcast
from tests.e2e.harness import button, buttons, running_bot
from tests.e2e.test_console import chat
from tests.fakes.botapi.server import FakeBotApi

RESIDENT = 7101
SENT = "Cảnh báo: kẻ gian gọi điện giả nhân viên ngân hàng đòi cập nhật sinh trắc học"


def has(text: str):
    return lambda message: text in (message.text or "")


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def sent_five_minutes_ago(app, text=SENT, **where) -> int:
    return await broadcast(app, text, status=Status.FINISHED,
                           start=datetime.now(timezone.utc) - timedelta(minutes=5), **where)


async def tip_rows(app) -> list[TipRow]:
    async with app.uow() as uow:
        rows = list(await uow.session.scalars(select(TipRow)))
        uow.session.expunge_all()
        return rows


async def test_telegram_resident_sees_the_bulletin_sent_to_their_commune_and_reports(
        app, database_url, api):
    elsewhere = await sent_five_minutes_ago(app, "Cảnh báo cho Nhã Nam", units=("nha-nam",))
    other_topic = await sent_five_minutes_ago(app, "Cảnh báo về ma túy", topics=("drugs",))
    async with running_bot(database_url, api):
        api.user_sends(RESIDENT, "/start")
        prompt = await api.wait_for(RESIDENT, has("Bạn đang sống ở xã"))
        api.user_presses(RESIDENT, prompt.message_id, button(prompt, "Cao Thượng"))
        topics = await api.wait_for(RESIDENT, has("chủ đề nào"))
        api.user_presses(RESIDENT, topics.message_id, button(topics, "Bỏ chọn tất cả"))
        topics = await api.wait_for(RESIDENT, has("chủ đề nào"))
        api.user_presses(RESIDENT, topics.message_id, button(topics, "Lừa đảo"))
        topics = await api.wait_for(RESIDENT, has("chủ đề nào"))
        api.user_presses(RESIDENT, topics.message_id, button(topics, "Xong"))
        await api.wait_for(RESIDENT, has("Chọn một mục trong menu"))
        sent = await sent_five_minutes_ago(app)               # an officer sent it just now

        api.user_sends(RESIDENT, "⚠️ Cảnh báo mới")
        listing = await api.wait_for(RESIDENT, has("Cảnh báo mới nhất"))
        labels = list(buttons(listing))
        assert labels[0].startswith("📢 ") and "sinh trắc học" in labels[0]
        assert len(labels[0]) <= len("📢 ") + LABEL_CHARS and "… " in labels[0]   # whole words
        assert not any("Nhã Nam" in label or "ma túy" in label for label in labels[:1])
        assert buttons(listing)[labels[0]] == f"lib_list:s.{sent}"
        api.user_presses(RESIDENT, listing.message_id, buttons(listing)[labels[0]])
        shown = await api.wait_for(RESIDENT, has(SENT))
        assert {"◀️ Quay lại danh sách", "📚 Chủ đề khác", "🚨 Báo tin về việc này",
                "🏠 Menu chính"} <= set(buttons(shown))
        api.user_presses(RESIDENT, shown.message_id, button(shown, "Báo tin về việc này"))
        safety = await api.wait_for(RESIDENT, has("Trước khi gửi tin báo"))
        api.user_presses(RESIDENT, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(RESIDENT, has("liên quan đến việc gì"))
        api.user_presses(RESIDENT, category.message_id, button(category, "Lừa đảo"))
        place = await api.wait_for(RESIDENT, has("xảy ra ở đâu"))
        assert "📍 Nơi tôi ở: Thị trấn Cao Thượng" in buttons(place)
        api.user_presses(RESIDENT, place.message_id, button(place, "Nơi tôi ở"))
        await api.wait_for(RESIDENT, has("mô tả sự việc"))
        api.user_sends(RESIDENT, "Tôi cũng nhận được cuộc gọi này, số 0900000000")
        media = await api.wait_for(RESIDENT, has("gửi kèm ảnh"))
        api.user_presses(RESIDENT, media.message_id, button(media, "Bỏ qua"))
        contact = await api.wait_for(RESIDENT, has("để lại số điện thoại"))
        api.user_presses(RESIDENT, contact.message_id, button(contact, "ẩn danh"))
        confirm = await api.wait_for(RESIDENT, has("Kiểm tra lại tin báo"))
        api.user_presses(RESIDENT, confirm.message_id, button(confirm, "Gửi tin báo"))
        await api.wait_for(RESIDENT, has("Mã tra cứu của bạn"))
    tip, = await tip_rows(app)
    assert tip.prompted_by == str(sent)                       # credited as /start tb_<id> is
    assert elsewhere != sent != other_topic


async def test_console_resident_reads_the_sent_bulletin_and_goes_on_by_typing(app, database_url):
    sent = await sent_five_minutes_ago(app)
    out = await chat(database_url, ["cao thuong", "xong", "1", "1", "3"])
    latest = out.split("Cảnh báo mới nhất")[1]
    first = latest.split("\n  1. ")[1].split("\n")[0]
    assert first.startswith("📢 ") and "sinh trắc học" in first
    assert len(first) <= len("📢 ") + LABEL_CHARS and "… " in first   # cut between words
    reading = out.split("📢 Bản tin Công an gửi tới địa bàn của bạn")[1]
    assert SENT in reading
    assert "  1. ◀️ Quay lại danh sách" in reading and "  2. 📚 Chủ đề khác" in reading
    assert "  3. 🚨 Báo tin về việc này" in reading and "  4. 🏠 Menu chính" in reading
    assert out.rindex("Trước khi gửi tin báo") > out.index("3. 🚨 Báo tin về việc này")
    async with app.uow() as uow:
        state = await uow.dialogues.get("console", "demo")
    assert state.step == "tip_safety" and state.data["draft"]["prompted_by"] == str(sent)
