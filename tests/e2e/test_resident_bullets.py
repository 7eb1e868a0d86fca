"""Issue 10's resident items that had a dialogue-level test only, now end to end on the console
(`python -m bot chat`, two processes) and on Telegram (python-telegram-bot against the fake Bot
API): the anonymity sentence as the README states it, "Xã, thị trấn khác" asking where it
happened, a tip over the limit split rather than thrown away, the receipt naming the police
that got it, the hourly limit said before writing, an empty /tracuu that is not a failed
look-up, /ketthuc CODE asking first, the library searched by a word without accents with
the issuer shown, and the commune police's phone and address."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storage.tables.core import UnitRow
from storage.tables.tips import TipLinkRow, TipMessageRow, TipRow
from tests.conftest import ROOT
from tests.e2e.harness import button, buttons, running_bot
from tests.e2e.test_console import chat
from tests.e2e.test_telegram import onboard
from tests.e2e.tips_helpers import has
from tests.fakes.botapi.server import FakeBotApi

ANONYMITY = ("Tin báo được lưu không kèm tên hay tài khoản nhắn tin của bạn; cán bộ nhận tin "
             "không biết bạn là ai, trừ khi bạn tự ghi thông tin của mình.")
WHERE = "Việc xảy ra ở xã, thị trấn nào?"
LONG = ("Đoạn mô tả dài về một điểm bán ma túy ở cuối thôn Đông, có nhiều người lạ ra vào. "
        * 45).strip()
RESIDENT = 7_500_600_700


async def stored(app) -> tuple[str, list[str]]:
    async with app.uow() as uow:
        text = await uow.session.scalar(select(TipRow.text))
        rest = list(await uow.session.scalars(select(TipMessageRow.text).where(
            TipMessageRow.direction == "from_tipster").order_by(TipMessageRow.id)))
    return text, rest


async def set_contact(app, slug: str = "cao-thuong") -> None:
    async with app.uow() as uow:
        unit = await uow.units.by_slug(slug)
        row = await uow.session.get(UnitRow, unit.id)
        row.phone, row.address = "0204 3878 123", "Khu 3, thị trấn Cao Thượng"
        await uow.commit()


def test_the_anonymity_sentence_is_the_readmes():
    assert ANONYMITY in (ROOT / "README.md").read_text("utf-8")


async def test_console_tip_refusals_keep_what_was_typed(app, database_url, monkeypatch):
    monkeypatch.setenv("BOT_TIPS_PER_HOUR", "1")
    await set_contact(app)
    out = await chat(database_url, [
        "cao thuong", "xong", "/tobao", "1",
        "1",                    # Ma túy
        "2",                    # "🏘 Xã, thị trấn khác"
        "ngoc chau", LONG,
        "2",                    # "➗ Chia thành 2 phần, gửi đủ cả"
        "1", "1", "1",          # no files, anonymous, send
        "/tobao",               # over the hourly limit: said before anything is written
        "/tracuu", "menu",      # no code: asked for one, not a failed look-up
        "/thuvien", "bat coc online", "1",
        "/khancap"], user="refused")
    assert ANONYMITY in out and WHERE in out
    assert "Bot vẫn giữ nguyên nội dung" in out and "Chia thành 2 phần" in out
    assert "✅ Tin báo đã được gửi tới Công an xã Ngọc Châu" in out
    after = out.split("Mã tra cứu của bạn")[1]
    assert "nhiều tin báo trong giờ qua" in after
    assert "Trước khi gửi tin báo" not in after and "Nhập mã tra cứu" in after
    assert "Không tìm thấy" not in out
    assert "Có 1 bản tin chứa \"bat coc online\"" in after and "🏛 Nguồn: Bộ Công an" in after
    assert "👮 Công an thị trấn Cao Thượng" in after and "☎️ Điện thoại: 0204 3878 123" in after
    assert "🏢 Trụ sở: Khu 3, thị trấn Cao Thượng" in after
    first, rest = await stored(app)
    assert (first + " " + " ".join(rest)).split() == LONG.split() and len(first) <= 3000
    code = re.search(r"Mã tra cứu của bạn: (\w{4}-\w{4})", out).group(1)
    out = await chat(database_url, [f"/ketthuc {code}", "co"], user="another-phone")
    assert "Bạn có chắc muốn kết thúc trao đổi" in out and "Đã kết thúc trao đổi" in out
    async with app.uow() as uow:
        assert list(await uow.session.scalars(select(TipLinkRow))) == []


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def test_telegram_tip_refusals_keep_what_was_typed(app, database_url, api):
    await set_contact(app)
    user = RESIDENT
    async with running_bot(database_url, api, tips_per_hour=1):
        await onboard(api, user)
        api.user_sends(user, "/tobao")
        safety = await api.wait_for(user, has("Trước khi gửi tin báo"))
        assert ANONYMITY in safety.text
        api.user_presses(user, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(user, has("liên quan đến việc gì"))
        api.user_presses(user, category.message_id, button(category, "Ma túy"))
        place = await api.wait_for(user, has("xảy ra ở đâu"))
        assert "📍 Nơi tôi ở: Thị trấn Cao Thượng" in buttons(place)
        api.user_presses(user, place.message_id, button(place, "khác"))
        communes = await api.wait_for(user, has(WHERE))
        assert "Bạn đang sống" not in communes.text
        api.user_sends(user, "Ngọc Châu")
        await api.wait_for(user, has("mô tả sự việc"))
        api.user_sends(user, LONG)
        over = await api.wait_for(user, has("Bot vẫn giữ nguyên nội dung"))
        api.user_presses(user, over.message_id, button(over, "Chia thành 2 phần"))
        media = await api.wait_for(user, has("gửi kèm ảnh"))
        api.user_presses(user, media.message_id, button(media, "Bỏ qua"))
        contact = await api.wait_for(user, has("để lại số điện thoại"))
        api.user_presses(user, contact.message_id, button(contact, "ẩn danh"))
        confirm = await api.wait_for(user, has("Kiểm tra lại tin báo"))
        api.user_presses(user, confirm.message_id, button(confirm, "Gửi tin báo"))
        receipt = await api.wait_for(user, has("Mã tra cứu của bạn"))
        assert "Tin báo đã được gửi tới Công an xã Ngọc Châu" in receipt.text
        code = re.search(r"Mã tra cứu của bạn: (\w{4}-\w{4})", receipt.text).group(1)
        api.user_sends(user, "/tobao")
        await api.wait_for(user, has("nhiều tin báo trong giờ qua"))
        api.user_sends(user, f"/ketthuc {code}")
        asked = await api.wait_for(user, has("Bạn có chắc muốn kết thúc"))
        api.user_presses(user, asked.message_id, button(asked, "Có, kết thúc"))
        await api.wait_for(user, has("Đã kết thúc trao đổi"))
        api.user_sends(user, "/thuvien")
        await api.wait_for(user, has("Chọn một chủ đề"))
        api.user_sends(user, "bat coc online")
        found = await api.wait_for(user, has("Có 1 bản tin chứa"))
        api.user_presses(user, found.message_id, button(found, "Bắt cóc online"))
        await api.wait_for(user, has("🏛 Nguồn: Bộ Công an"))
        api.user_sends(user, "/khancap")
        emergency = await api.wait_for(user, has("Số điện thoại khẩn cấp"))
        assert "☎️ Điện thoại: 0204 3878 123" in emergency.text
        assert "🏢 Trụ sở: Khu 3, thị trấn Cao Thượng" in emergency.text
        await api.wait_idle()
    first, rest = await stored(app)
    assert (first + " " + " ".join(rest)).split() == LONG.split()
