"""A resident's whole day on the Zalo Bot Platform (no buttons), typing only (issue 10):
onboarding with a commune typed without accents and with a typo, topics by partial words,
/canhbao showing the bulletin an officer sent to that commune and topic minutes ago (not the
ones sent elsewhere or on another topic), opening it and "Báo tin về việc này", a tip written
with "quay lại" and "menu" on the way (asked before anything is dropped, nothing lost), the
receipt naming the commune police, then `/tracuu CODE` and answering the police's question by
typing the number of "Trả lời". The real bot (`bot.runner.run`) against the fake Bot Platform."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from broadcasts.model import Status
from handlers.domain import Role
from handlers.messages import Kind
from storage.tables.tips import TipMessageRow, TipRow
from tests.channels.zalo.harness import number_of, running_zalo
from tests.e2e.broadcasts.people import broadcast
from tests.e2e.test_resident_bullets import ANONYMITY
from tests.e2e.test_tips_dialogue import member
from tests.fakes.resident import Resident

RESIDENT = "d9e3f4a5b6c7"
SENT = "Cảnh báo: kẻ gian gọi điện giả nhân viên ngân hàng đòi cập nhật sinh trắc học"
TEXT = "Tôi nhận cuộc gọi số 0900 111 222 xưng nhân viên ngân hàng, đòi quét khuôn mặt"
ASK = "Bỏ tin báo đang viết?"


async def minutes_ago(app, text: str, **where) -> int:
    return await broadcast(app, text, status=Status.FINISHED,
                           start=datetime.now(timezone.utc) - timedelta(minutes=5), **where)


async def officer_asks(app, question: str) -> None:
    """The commune's officer (on any channel) asks the tipster a question from the card."""
    officer = await member(app, "officer-ngoc-chau", Role.OFFICER, "ngoc-chau")
    o = Resident(app, officer.user_id)
    async with app.uow() as uow:
        tip_id = await uow.session.scalar(select(TipRow.id))
    await o.send(Kind.BUTTON, payload=f"tip:ask:{tip_id}")
    await o.type(question)
    assert "Đã gửi câu hỏi" in o.texts()


async def test_a_residents_typed_day_on_the_zalo_bot_platform(app, database_url, zbot):
    await minutes_ago(app, "Cảnh báo cho thị trấn Cao Thượng", units=("cao-thuong",))
    await minutes_ago(app, "Cảnh báo về ma túy ở Ngọc Châu", units=("ngoc-chau",),
                      topics=("drugs",))
    async with running_zalo(database_url, bot=zbot):
        say = zbot.user_sends
        await say(RESIDENT, "/start")
        await zbot.wait_for(RESIDENT, "Bạn đang sống ở xã")
        await say(RESIDENT, "xa ngoc chua")                 # no accents, and a typo
        topics = await zbot.wait_for(RESIDENT, "chủ đề nào")
        assert "Đã chọn Xã Ngọc Châu" in zbot.messages_to(RESIDENT)[-2].text + topics.text
        await say(RESIDENT, "bo chon")                      # "Bỏ chọn tất cả", partly typed
        await zbot.wait_for(RESIDENT, "chủ đề nào")
        await say(RESIDENT, "lua dao")                      # "⬜ Lừa đảo trên mạng"
        chosen = await zbot.wait_for(RESIDENT, "chủ đề nào")
        assert "✅ Lừa đảo trên mạng" in chosen.text and "✅ Ma túy" not in chosen.text
        await say(RESIDENT, "xong")
        await zbot.wait_for(RESIDENT, "Chọn một mục trong menu")
        sent = await minutes_ago(app, SENT, units=("ngoc-chau",), topics=("fraud",))

        await say(RESIDENT, "/canhbao")
        listing = await zbot.wait_for(RESIDENT, "Cảnh báo mới nhất")
        assert number_of(listing, "📢 ") == "1" and "sinh trắc học" in listing.text
        assert "Cao Thượng" not in listing.text and "ma túy ở Ngọc Châu" not in listing.text
        assert number_of(listing, "Menu chính")
        await say(RESIDENT, "1")
        shown = await zbot.wait_for(RESIDENT, SENT)
        await say(RESIDENT, number_of(shown, "Báo tin về việc này"))
        safety = await zbot.wait_for(RESIDENT, "Trước khi gửi tin báo")
        assert ANONYMITY in safety.text                     # the README's stated limits
        await say(RESIDENT, "tiep tuc")
        await zbot.wait_for(RESIDENT, "liên quan đến việc gì")
        await say(RESIDENT, "lua dao")
        place = await zbot.wait_for(RESIDENT, "xảy ra ở đâu")
        assert "📍 Nơi tôi ở: Xã Ngọc Châu" in place.text
        await say(RESIDENT, number_of(place, "khác"))
        await zbot.wait_for(RESIDENT, "Việc xảy ra ở xã, thị trấn nào?")
        await say(RESIDENT, "quay lai")                     # one step back, nothing dropped
        place = await zbot.wait_for(RESIDENT, "xảy ra ở đâu")
        await say(RESIDENT, number_of(place, "Nơi tôi ở"))
        await zbot.wait_for(RESIDENT, "mô tả sự việc")
        await say(RESIDENT, TEXT)
        await zbot.wait_for(RESIDENT, "gửi kèm ảnh")
        await say(RESIDENT, "menu")
        asked = await zbot.wait_for(RESIDENT, ASK)
        assert "1. ✍️ Không, viết tiếp" in asked.text and "2. 🗑 Có, bỏ tin báo" in asked.text
        await say(RESIDENT, "1")
        await zbot.wait_for(RESIDENT, "gửi kèm ảnh")
        await say(RESIDENT, "trở về")
        back = await zbot.wait_for(RESIDENT, "mô tả sự việc")
        assert TEXT[:40] in back.text
        await say(RESIDENT, number_of(back, "Giữ nội dung đã viết"))
        await zbot.wait_for(RESIDENT, "gửi kèm ảnh")
        await say(RESIDENT, "xong")                         # no files: "Bỏ qua"
        contact = await zbot.wait_for(RESIDENT, "để lại số điện thoại")
        await say(RESIDENT, number_of(contact, "ẩn danh"))
        confirm = await zbot.wait_for(RESIDENT, "Kiểm tra lại tin báo")
        assert "Lừa đảo trên mạng" in confirm.text and "Xã Ngọc Châu" in confirm.text
        await say(RESIDENT, number_of(confirm, "Gửi tin báo"))
        receipt = await zbot.wait_for(RESIDENT, "Mã tra cứu của bạn")
        assert "Tin báo đã được gửi tới Công an xã Ngọc Châu" in receipt.text
        code = re.search(r"Mã tra cứu của bạn: (\w{4}-\w{4})", receipt.text).group(1)

        await officer_asks(app, "Cuộc gọi đến lúc mấy giờ?")
        await zbot.wait_for(RESIDENT, "Công an hỏi thêm")
        await say(RESIDENT, f"/tracuu {code}")
        status = await zbot.wait_for(RESIDENT, "🔎 Tin báo #")
        assert "Cuộc gọi đến lúc mấy giờ?" in status.text
        await say(RESIDENT, number_of(status, "Trả lời"))
        await zbot.wait_for(RESIDENT, "Nhập câu trả lời")
        await say(RESIDENT, "Khoảng 8 giờ sáng nay")
        await zbot.wait_for(RESIDENT, "Đã gửi câu trả lời")
        await zbot.wait_idle()
    async with app.uow() as uow:
        tip = (await uow.session.execute(select(TipRow.text, TipRow.category,
                                                TipRow.prompted_by))).one()
        thread = (await uow.session.execute(select(TipMessageRow.direction, TipMessageRow.text)
                                            .order_by(TipMessageRow.id))).all()
    assert tuple(tip) == (TEXT, "fraud", str(sent))
    assert [tuple(m) for m in thread] == [("to_tipster", "Cuộc gọi đến lúc mấy giờ?"),
                                          ("from_tipster", "Khoảng 8 giờ sáng nay")]
    assert not [m for m in zbot.messages_to(RESIDENT) if "chưa hiểu" in m.text]
    assert not [m for m in zbot.messages_to(RESIDENT) if "Đã hủy" in m.text]
