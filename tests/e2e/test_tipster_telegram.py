"""The tipster's refusals and confirmations on Telegram (real python-telegram-bot, fake Bot API):
the tip limit before writing, an empty /tracuu, /ketthuc asking first, a restart mid-tip."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.tables.tips import TipLinkRow, TipRow
from tests.e2e.harness import button, buttons, running_bot
from tests.e2e.test_telegram import onboard
from tests.e2e.tips_helpers import has, send_tip
from tests.fakes.botapi.server import FakeBotApi

RESIDENT = 7301


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def test_limit_lookup_and_ending_on_telegram(app, database_url, api):
    async with running_bot(database_url, api, tips_per_hour=1):
        await onboard(api, RESIDENT)
        receipt = await send_tip(api, RESIDENT, "Có người bán ma túy ở bãi sông")
        code = receipt.split("Mã tra cứu của bạn: ")[1].split()[0]
        api.user_sends(RESIDENT, "/tobao")                 # over the limit: said at once
        await api.wait_for(RESIDENT, has("nhiều tin báo trong giờ qua"))
        api.user_sends(RESIDENT, "/tracuu")                # no code: asked for one
        prompt = await api.wait_for(RESIDENT, has("Nhập mã tra cứu"))
        assert "Không tìm thấy" not in (prompt.text or "")
        api.user_sends(RESIDENT, code)
        status = await api.wait_for(RESIDENT, has("🔎 Tin báo #"))
        assert list(buttons(status)) == ["✍️ Trả lời", "🔕 Kết thúc trao đổi", "🏠 Menu chính"]
        api.user_presses(RESIDENT, status.message_id, button(status, "Kết thúc"))
        confirm = await api.wait_for(RESIDENT, has("Bạn có chắc muốn kết thúc"))
        api.user_presses(RESIDENT, confirm.message_id, button(confirm, "Có, kết thúc"))
        await api.wait_for(RESIDENT, has("Đã kết thúc trao đổi"))
    async with app.uow() as uow:
        assert list(await uow.session.scalars(select(TipLinkRow))) == []


async def test_a_half_written_tip_survives_a_restart_on_telegram(app, database_url, api):
    async with running_bot(database_url, api):
        await onboard(api, RESIDENT)
        api.user_sends(RESIDENT, "/tobao")
        safety = await api.wait_for(RESIDENT, has("Trước khi gửi tin báo"))
        api.user_presses(RESIDENT, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(RESIDENT, has("liên quan đến việc gì"))
        api.user_presses(RESIDENT, category.message_id, button(category, "Cờ bạc"))
        place = await api.wait_for(RESIDENT, has("xảy ra ở đâu"))
        api.user_presses(RESIDENT, place.message_id, button(place, "Nơi tôi ở"))
        await api.wait_for(RESIDENT, has("mô tả sự việc"))
        await api.wait_idle()
    async with running_bot(database_url, api):            # a new process
        api.user_sends(RESIDENT, "/start")
        await api.wait_for(RESIDENT, has("viết dở vẫn còn"))
        api.user_sends(RESIDENT, "Sới bạc ở nhà văn hóa thôn Đông mỗi tối")
        media = await api.wait_for(RESIDENT, has("gửi kèm ảnh"))
        api.user_presses(RESIDENT, media.message_id, button(media, "Bỏ qua"))
        contact = await api.wait_for(RESIDENT, has("để lại số điện thoại"))
        api.user_presses(RESIDENT, contact.message_id, button(contact, "ẩn danh"))
        confirm = await api.wait_for(RESIDENT, has("Kiểm tra lại tin báo"))
        assert "Cờ bạc" in confirm.text and "Thị trấn Cao Thượng" in confirm.text
        api.user_presses(RESIDENT, confirm.message_id, button(confirm, "Gửi tin báo"))
        await api.wait_for(RESIDENT, has("Mã tra cứu của bạn"))
    async with app.uow() as uow:
        assert await uow.session.scalar(select(TipRow.category)) == "gambling"
