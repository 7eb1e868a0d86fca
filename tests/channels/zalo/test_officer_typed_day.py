"""An officer's whole day on the Zalo Bot Platform (no buttons), typing only (issue 10): joining
with the printed invite command, the tip card that arrives, /tinbao and a tip's number, taking
it, asking the tipster (who reads the question on Zalo), judging and closing it by the numbers on
its card; then a bulletin composed by typing reaches a Zalo resident of the commune, and
/thongke and /ghinhan are done by typing. The real bot (`bot.runner.run`) against the fake Bot
Platform."""
from __future__ import annotations

from sqlalchemy import select

from handlers.tips.domain import TipStatus
from storage.tables.broadcasts import OutboxRow
from storage.tables.tips import TipRow
from tests.channels.zalo.harness import number_of, running_zalo
from tests.channels.zalo.tip_steps import join_on_zalo
from tests.e2e.test_officer_typed_wording import pressing

OFFICER = "6000111122226666"
RESIDENT = "7000111122226666"
TEXT = "Có người bán ma túy ở bãi sông"
BULLETIN = "Cảnh báo: giả danh công an gọi điện yêu cầu chuyển tiền"


async def card_action(zbot, label: str) -> None:
    """/tinbao, the first tip's number, then the number of `label` on its card."""
    await zbot.user_sends(OFFICER, "/tinbao")
    inbox = await zbot.wait_for(OFFICER, "tin báo đang mở")
    await zbot.user_sends(OFFICER, number_of(inbox, "#"))
    card = await zbot.wait_for(OFFICER, lambda m: label in m.text and "Tin báo #" in m.text)
    await zbot.user_sends(OFFICER, number_of(card, label))


async def test_an_officers_typed_day_on_the_zalo_bot_platform(app, database_url, zbot):
    async with running_zalo(database_url, bot=zbot):
        say, wait = zbot.user_sends, zbot.wait_for
        await join_on_zalo(zbot, app, OFFICER, "cao-thuong", "Trung úy Lê Văn Bình")
        # a resident of Cao Thượng on Zalo subscribes and sends a tip, typing
        await say(RESIDENT, "/start")
        await wait(RESIDENT, "Bạn đang sống ở xã")
        await say(RESIDENT, "tt cao thuong")
        await wait(RESIDENT, "chủ đề nào")
        await say(RESIDENT, "xong")
        await wait(RESIDENT, "Chọn một mục trong menu")
        await say(RESIDENT, "/tobao")
        await say(RESIDENT, number_of(await wait(RESIDENT, "Trước khi gửi"), "tiếp tục"))
        await say(RESIDENT, "ma tuy")
        await say(RESIDENT, number_of(await wait(RESIDENT, "xảy ra ở đâu"), "Nơi tôi ở"))
        await wait(RESIDENT, "mô tả sự việc")
        await say(RESIDENT, TEXT)
        await say(RESIDENT, number_of(await wait(RESIDENT, "gửi kèm"), "Bỏ qua"))
        await say(RESIDENT, number_of(await wait(RESIDENT, "liên lạc"), "ẩn danh"))
        await say(RESIDENT, number_of(await wait(RESIDENT, "Gửi tin báo"), "Gửi tin báo"))
        await wait(RESIDENT, "Mã tra cứu của bạn")

        card = await wait(OFFICER, "Tin báo #")                  # the card arrives
        assert TEXT in card.text
        await card_action(zbot, "Nhận xử lý")
        await wait(OFFICER, "Đồng chí đã nhận xử lý tin báo")
        await card_action(zbot, "Hỏi")
        await wait(OFFICER, "Nhập câu hỏi")
        await say(OFFICER, "Người bán thường có mặt lúc mấy giờ?")
        await wait(OFFICER, "Đã gửi câu hỏi")
        await wait(RESIDENT, "Người bán thường có mặt lúc mấy giờ?")   # the tipster reads it
        await card_action(zbot, "Đánh giá")
        await say(OFFICER, number_of(await wait(OFFICER, "Có giá trị"), "Có giá trị"))
        await wait(OFFICER, "⭐ Có giá trị")
        await card_action(zbot, "Đóng tin")
        await wait(OFFICER, "Đã đóng tin báo")

        # a bulletin, typed from start to send, reaches the resident on Zalo
        await say(OFFICER, "/phatcanhbao")
        await wait(OFFICER, "gõ nội dung bản tin mới")
        await say(OFFICER, BULLETIN)
        await say(OFFICER, number_of(await wait(OFFICER, "Kèm ảnh?"), "Không kèm ảnh"))
        await wait(OFFICER, "Bản tin thuộc chủ đề nào")
        await say(OFFICER, "lua dao")
        await say(OFFICER, number_of(await wait(OFFICER, "✅ Lừa đảo"), "Tiếp"))
        await say(OFFICER, number_of(await wait(OFFICER, "Gửi tới xã"), "Tiếp"))
        await say(OFFICER, number_of(await wait(OFFICER, "Gửi cho ai"), "Người dân đăng ký"))
        await say(OFFICER, "gui ngay")
        await say(OFFICER, "24 gio")
        preview = await wait(OFFICER, "Số người sẽ nhận")
        assert "Số người sẽ nhận: 1" in preview.text
        await say(OFFICER, number_of(preview, "Gửi bản tin"))
        delivered = await wait(RESIDENT, BULLETIN, timeout=30)
        assert "/tobao" in delivered.text                        # how to report about it

        await say(OFFICER, "/thongke")
        await wait(OFFICER, "kỳ báo cáo")
        await say(OFFICER, "1")
        await wait(OFFICER, "📥 Tin báo: 1, có giá trị 1")
        for line in ("/ghinhan", "1", "hom nay", "3", "khong ro", "bo qua"):   # typed
            await say(OFFICER, line)
        confirm = await wait(OFFICER, "Lưu")
        await say(OFFICER, number_of(confirm, "Lưu"))
        await wait(OFFICER, "✅ Đã ghi nhận hoạt động #")
        await zbot.wait_idle()
    said = "\n".join(m.text for m in zbot.messages_to(OFFICER))
    assert "chưa hiểu" not in said.lower()
    assert not [line for line in said.splitlines() if pressing(line)]
    async with app.uow() as uow:
        tip = (await uow.session.scalars(select(TipRow))).one()
        assert tip.status == TipStatus.CLOSED.value and tip.outcome == "valuable"
        rows = list(await uow.session.execute(select(OutboxRow.channel, OutboxRow.state)))
    assert rows == [("zalo_bot", "sent")]
