"""The tip line over HTTP: a resident's anonymous tip with a photo and a location reaches the
right commune's officer, who asks a question, gets the answer, judges and closes it; nothing
links the tip to the resident's account; another unit's officer can do nothing with it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from handlers.domain import Role
from storage.tables.core import AuditRow, LedgerRow
from storage.tables import metadata
from storage.tables.tips import TipLinkRow, TipRow
from tests.e2e.harness import button, running_bot
from tests.e2e.test_telegram import onboard
from tests.e2e.tips_helpers import has, join, send_tip
from tests.fakes.botapi.server import FakeBotApi

RESIDENT, OFFICER, OTHER_OFFICER = 7_000_123_457, 9_000_001, 9_000_002


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def contains_anywhere(app, needle: str, skip: set[str]) -> list[str]:
    """Tables and columns whose text contains `needle` (the resident's id)."""
    found = []
    async with app.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            for row in (await conn.execute(select(table))).mappings():
                for column, value in row.items():
                    if value is not None and needle in str(value):
                        found.append(f"{table.name}.{column}")
    return found


async def test_anonymous_tip_from_resident_to_officer_and_back(app, database_url, api):
    async with running_bot(database_url, api):
        await join(api, app, OFFICER, Role.OFFICER, "cao-thuong", "Trung úy Nguyễn Văn An")
        await join(api, app, OTHER_OFFICER, Role.OFFICER, "an-duong", "Thiếu úy Lê Bình")
        await onboard(api, RESIDENT, "Cao Thượng")
        before = api.mark()   # the card may reach the officer before the resident's receipt
        receipt = await send_tip(api, RESIDENT, "Có người bán ma túy đá ở quán nước đầu thôn",
                                 photo=True, location=(21.35, 106.1))
        code = re.search(r"Mã tra cứu của bạn: (\w{4}-\w{4})", receipt).group(1)
        label = re.search(r"tin báo #(\w{4})", receipt).group(1)

        card = await api.wait_for(OFFICER, has(f"Tin báo #{label}"), since=before)
        assert "ma túy đá" in card.text and "Thị trấn Cao Thượng" in card.text
        assert card.protect_content
        photos = [m for m in api.messages_to(OFFICER) if m.photo]
        assert photos and all(m.protect_content for m in photos)
        assert not [m for m in api.messages_to(OTHER_OFFICER) if label in (m.text or "")]
        assert not api.calls_of("forwardMessage")

        take = button(card, "Nhận xử lý")
        own = api.last_message(OTHER_OFFICER)          # forged data on a message of his own
        api.user_presses(OTHER_OFFICER, own.message_id, take)       # not his unit
        await api.wait_for(OTHER_OFFICER, has("không có quyền"))

        api.user_presses(OFFICER, card.message_id, button(card, "Hỏi người báo"))
        await api.wait_for(OFFICER, has("Nhập câu hỏi"))
        mark = api.mark()          # the question may arrive before the officer's confirmation
        api.user_sends(OFFICER, "Người bán thường có mặt lúc mấy giờ?")
        await api.wait_for(OFFICER, has("Đã gửi câu hỏi"))
        question = await api.wait_for(RESIDENT, has("Công an hỏi thêm"), timeout=10, since=mark)
        assert "mấy giờ" in question.text and "Nguyễn Văn An" not in question.text
        api.user_presses(RESIDENT, question.message_id, button(question, "Trả lời"))
        await api.wait_for(RESIDENT, has("Nhập câu trả lời"))
        mark = api.mark()
        api.user_sends(RESIDENT, "Khoảng 9 giờ tối hằng ngày")
        await api.wait_for(RESIDENT, has("Đã gửi câu trả lời"))
        answer = await api.wait_for(OFFICER, has("9 giờ tối"), timeout=10, since=mark)
        assert f"#{label}" in answer.text

        api.user_presses(OFFICER, card.message_id, button(card, "Đánh giá"))
        judge = await api.wait_for(OFFICER, has("Đánh giá tin báo"))
        api.user_presses(OFFICER, judge.message_id, button(judge, "Có giá trị"))
        await api.wait_for(OFFICER, has("Có giá trị"))
        mark = api.mark()
        api.user_presses(OFFICER, card.message_id, button(card, "Đóng tin"))
        await api.wait_for(OFFICER, has("Đã đóng tin báo"))
        await api.wait_for(RESIDENT, has("đã được xử lý xong"), timeout=10, since=mark)

        api.user_sends(RESIDENT + 1, f"/tracuu {code.lower().replace('-', ' ')}")  # another phone
        status = await api.wait_for(RESIDENT + 1, has(f"Tin báo #{label}"))
        assert "đã xử lý xong" in status.text and "9 giờ tối" in status.text
        await api.wait_idle()

    leaks = await contains_anywhere(app, str(RESIDENT),
                                    skip={"subscribers", "dialogue_states", "processed_updates"})
    assert leaks == []
    async with app.uow() as uow:
        tip = (await uow.session.scalars(select(TipRow))).one()
        assert tip.status == "closed" and tip.outcome == "valuable"
        assert tip.latitude == pytest.approx(21.35) and len(tip.attachments) == 1
        link = await uow.session.get(TipLinkRow, tip.id)
        assert link is not None and str(RESIDENT) not in link.sealed and link.erase_after
        actions = list(await uow.session.scalars(select(AuditRow.action).where(
            AuditRow.subject == "tip").order_by(AuditRow.id)))
        kinds = list(await uow.session.scalars(select(LedgerRow.kind).where(
            LedgerRow.kind.like("tip%") | LedgerRow.kind.like("followup%"))
            .order_by(LedgerRow.id)))
    assert actions == ["submitted", "denied", "taken", "asked", "answered", "outcome", "closed"]
    assert kinds == ["tip_started", "tip_submitted", "tip_routed", "tip_taken", "followup_sent",
                     "followup_answered", "tip_outcome", "tip_closed"]


def jpeg_with_gps() -> bytes:
    import io

    from PIL import Image
    image = Image.new("RGB", (64, 48), (120, 30, 30))
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (21.0, 21.0, 30.0), 3: "E", 4: (106.0, 7.0, 12.0)}  # GPS
    exif[0x013B] = "Nguyen Van Nguoi Bao"                                        # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


async def test_an_image_sent_as_a_file_reaches_officers_without_its_metadata(
        app, database_url, api):
    import io

    from PIL import Image
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    async with running_bot(database_url, api):
        await join(api, app, OFFICER, Role.OFFICER, "cao-thuong", "Trung úy Nguyễn Văn An")
        await onboard(api, RESIDENT, "Cao Thượng")
        api.user_sends(RESIDENT, "/tobao")
        safety = await api.wait_for(RESIDENT, has("Trước khi gửi tin báo"))
        api.user_presses(RESIDENT, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(RESIDENT, has("liên quan đến việc gì"))
        api.user_presses(RESIDENT, category.message_id, button(category, "Cờ bạc"))
        await api.wait_for(RESIDENT, has("xảy ra ở đâu"))
        api.user_sends(RESIDENT, "cao thuong")
        await api.wait_for(RESIDENT, has("mô tả sự việc"))
        api.user_sends(RESIDENT, "Ảnh chụp sới bạc tối qua")
        media = await api.wait_for(RESIDENT, has("gửi kèm ảnh"))
        api.user_sends(RESIDENT, document=True,
                       document_file=(original, "IMG_2024.jpg", "image/jpeg"))
        media = await api.wait_for(RESIDENT, has("gửi kèm ảnh"))
        api.user_presses(RESIDENT, media.message_id, button(media, "Xong"))
        contact = await api.wait_for(RESIDENT, has("để lại số điện thoại"))
        api.user_presses(RESIDENT, contact.message_id, button(contact, "ẩn danh"))
        confirm = await api.wait_for(RESIDENT, has("Kiểm tra lại tin báo"))
        api.user_presses(RESIDENT, confirm.message_id, button(confirm, "Gửi tin báo"))
        await api.wait_for(OFFICER, has("Tin báo #"), timeout=10)
        await api.wait_idle()
    [upload] = [c for c in api.calls_of("sendDocument") if c.status == 200]
    sent = [m for m in api.messages_to(OFFICER) if m.document]
    assert sent and sent[0].protect_content
    relayed = api.file_bytes(sent[0].document)
    assert relayed != original
    cleaned = Image.open(io.BytesIO(relayed))
    assert cleaned.size == (64, 48) and not cleaned.getexif()
    assert b"Nguyen Van Nguoi Bao" not in relayed


async def test_a_typed_back_word_steps_back_through_the_tip(app, database_url, api):
    """'quay lại' at the files step shows the text step again; the draft is not cancelled."""
    async with running_bot(database_url, api):
        await onboard(api, 7301)
        api.user_sends(7301, "/tobao")
        safety = await api.wait_for(7301, has("Trước khi gửi tin báo"))
        api.user_presses(7301, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(7301, has("liên quan đến việc gì"))
        api.user_presses(7301, category.message_id, button(category, "Ma túy"))
        place = await api.wait_for(7301, has("xảy ra ở đâu"))
        api.user_presses(7301, place.message_id, button(place, "Nơi tôi ở"))
        await api.wait_for(7301, has("mô tả sự việc"))
        api.user_sends(7301, "Có người bán ma túy ở cuối thôn")
        await api.wait_for(7301, has("gửi kèm ảnh"))
        api.user_sends(7301, "quay lại")
        await api.wait_for(7301, has("mô tả sự việc"))
        api.user_sends(7301, "trở về")
        await api.wait_for(7301, has("xảy ra ở đâu"))
    async with app.uow() as uow:
        state = await uow.dialogues.get("telegram", "7301")
    assert state.step == "tip_place"
