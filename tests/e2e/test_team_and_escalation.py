"""Team-member incident reports and duty-desk escalation, over HTTP like the officers' phones."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from handlers.domain import Role
from handlers.tips.cards import VIETNAM
from handlers.tips.jobs import escalate_unclaimed
from storage.tables.tips import TipRow
from tests.e2e.harness import button, running_bot
from tests.e2e.tips_helpers import has, join, send_tip
from tests.e2e.test_telegram import onboard
from tests.fakes.botapi.server import FakeBotApi

MEMBER, OFFICER, DESK, RESIDENT = 6_100, 6_200, 6_300, 6_400


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def test_team_member_reports_under_their_name_and_gets_a_reply(app, database_url, api):
    async with running_bot(database_url, api):
        await join(api, app, OFFICER, Role.OFFICER, "nha-nam", "Đại úy Trần Văn Cường")
        await join(api, app, MEMBER, Role.TEAM_MEMBER, "nha-nam", "Nguyễn Thị Hoa",
                   team="Tổ an ninh thôn Đồng Lạc")
        assert any("Bạn đã tham gia Tổ an ninh thôn Đồng Lạc (Công an" in (m.text or "")
                   for m in api.messages_to(MEMBER))     # the welcome names the member's team
        await api.wait_idle()
        menu = api.last_message(MEMBER)
        assert "📝 Báo cáo vụ việc" in str(menu.reply_markup)
        api.user_sends(MEMBER, "📝 Báo cáo vụ việc")
        category = await api.wait_for(MEMBER, has("Vụ việc thuộc loại nào"))
        assert "Hủy báo cáo" in str(category.reply_markup)
        api.user_presses(MEMBER, category.message_id, button(category, "Gây rối"))
        await api.wait_for(MEMBER, has("xảy ra ở đâu (thôn"))
        api.user_sends(MEMBER, "Sân bóng thôn Đồng Lạc")
        await api.wait_for(MEMBER, has("xảy ra lúc nào"))
        api.user_sends(MEMBER, "25:99")
        await api.wait_for(MEMBER, has("Chưa đọc được thời gian"))
        api.user_sends(MEMBER, "00:00")    # never in the future, whatever the hour
        ask_text = await api.wait_for(MEMBER, has("Mô tả vụ việc"))
        assert "Không ghi tên" not in ask_text.text     # a member reports under their name
        api.user_sends(MEMBER, "Hai nhóm thanh niên đánh nhau, một người bị thương nhẹ")
        media = await api.wait_for(MEMBER, has("gửi kèm ảnh"))
        api.user_presses(MEMBER, media.message_id, button(media, "Bỏ qua"))
        confirm = await api.wait_for(
            MEMBER, has("Báo cáo của Nguyễn Thị Hoa (Tổ an ninh thôn Đồng Lạc)"))
        today = datetime.now(VIETNAM).strftime("%d/%m/%Y")
        assert f"Thời gian xảy ra: 00:00 ngày {today}" in confirm.text
        assert "ẩn danh" not in confirm.text and "Liên lạc" not in confirm.text
        assert "Kiểm tra lại báo cáo" in confirm.text
        sent = api.mark()   # the card may reach the officer before the member's receipt
        api.user_presses(MEMBER, confirm.message_id, button(confirm, "Gửi báo cáo"))
        await api.wait_for(MEMBER, has("Đã gửi báo cáo"))

        card = await api.wait_for(OFFICER, has("Báo cáo của Tổ an ninh tự quản"), since=sent)
        assert "Nguyễn Thị Hoa (Tổ an ninh thôn Đồng Lạc)" in card.text
        assert "Sân bóng thôn Đồng Lạc" in card.text
        assert f"Xảy ra lúc 00:00 ngày {today} · báo cáo lúc" in card.text
        async with app.engine.connect() as conn:
            happened = await conn.scalar(select(TipRow.happened_at))
        assert happened.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") == f"00:00 {today}"
        api.user_presses(OFFICER, card.message_id, button(card, "Hỏi người báo"))
        await api.wait_for(OFFICER, has("Nhập câu hỏi"))
        mark = api.mark()
        api.user_sends(OFFICER, "Người bị thương đã được đưa đi viện chưa?")
        await api.wait_for(MEMBER, has("đưa đi viện"), since=mark, timeout=10)
        api.user_sends(MEMBER, "/baocaocuatoi")
        mine = await api.wait_for(MEMBER, has("Báo cáo gần đây của bạn"))
        assert "đang được xử lý" in mine.text and "đưa đi viện" in mine.text


async def test_a_tip_nobody_takes_is_escalated_to_the_duty_desk(app, database_url, api):
    async with running_bot(database_url, api) as bot:
        await join(api, app, DESK, Role.COMMAND, "tan-yen", "Thiếu tá Phạm Duy")
        await join(api, app, OFFICER, Role.OFFICER, "lam-cot", "Trung úy Hà Minh")
        await onboard(api, RESIDENT, "Lam Cốt")
        before = api.mark()   # the card may reach the officer before the resident's receipt
        await send_tip(api, RESIDENT, "Có người đốt rơm rạ sát trạm xăng")
        await api.wait_for(OFFICER, has("Tin báo #"), since=before)
        assert not [m for m in api.messages_to(DESK) if "Tin báo #" in (m.text or "")]
        async with app.uow() as uow:
            await uow.session.execute(update(TipRow).values(
                created_at=datetime.now(timezone.utc) - timedelta(minutes=130)))
            await uow.commit()
        mark = api.mark()
        assert await escalate_unclaimed(bot.uow, bot.catalog, bot.rules) == 1
        alert = await api.wait_for(DESK, has("chưa có ai nhận sau 120 phút"), since=mark,
                                   timeout=10)
        assert "đốt rơm rạ" in alert.text
        api.user_presses(DESK, alert.message_id, button(alert, "Nhận xử lý"))
        await api.wait_for(DESK, has("Đồng chí đã nhận xử lý"))
