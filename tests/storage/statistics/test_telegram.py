"""/thongke over Telegram (the real python-telegram-bot against the fake Bot API), the chart as
a photo, the long-caption fallback, and the monthly digest to the command's chat."""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timezone

import pytest
from docx import Document
from pypdf import PdfReader
from openpyxl import load_workbook
from PIL import Image

from bot.app import build_app
from bot.report.digest import send_digest
from bot.telegram.channel import send_with_image
from handlers.domain import Member, Role
from handlers.messages import Message
from storage.tables.core import LedgerRow
from tests.conftest import make_settings
from tests.e2e.harness import button, running_bot
from tests.fakes.botapi.server import FakeBotApi

OFFICER, GROUP = 8001, -100500


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


def has(text: str):
    return lambda message: text in (message.text or "")


async def officer_with_a_busy_month(app) -> None:
    now = datetime.now(timezone.utc)
    async with app.uow() as uow:
        unit = await uow.units.by_slug("cao-thuong")
        await uow.members.save(Member(channel="telegram", user_id=str(OFFICER),
                                      role=Role.OFFICER, unit_id=unit.id, name="Cán bộ"))
        for kind, count in (("delivered", 12), ("delivery_failed", 1)):
            uow.session.add(LedgerRow(at=now, kind=kind, channel="telegram", unit_id=unit.id,
                                      topic="fraud", ref="b9", count=count))
        uow.session.add(LedgerRow(at=now, kind="tip_submitted", unit_id=unit.id, topic="theft",
                                  ref="99", count=1, data={"source": "resident"}))
        await uow.commit()


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_an_officer_gets_the_summary_as_a_chart_with_its_caption(app, database_url, api):
    await officer_with_a_busy_month(app)
    async with running_bot(database_url, api):
        api.user_sends(OFFICER, "/start")
        since = api.mark()
        api.user_sends(OFFICER, "/thongke")
        prompt = await api.wait_for(OFFICER, has("Đồng chí chọn kỳ báo cáo"), since=since)
        since = api.mark()
        api.user_presses(OFFICER, prompt.message_id, button(prompt, "Tháng này"))
        photo = await api.wait_for(OFFICER, lambda m: m.kind == "photo", since=since,
                                   timeout=20)
        assert photo.method == "sendPhoto" and photo.is_caption
        assert photo.text.startswith("📊 Thống kê Thị trấn Cao Thượng · tháng ")
        assert "lượt người nhận: 12 (thành công 92,3%)" in photo.text
        assert "📥 Tin báo: 1" in photo.text
        image = png(api.file_bytes(photo.photo))
        assert image.size == (1200, 800)
        await api.wait_for(OFFICER, has("tải báo cáo này thành tệp"), since=since)


async def test_the_report_comes_as_word_and_excel_documents(app, database_url, api):
    await officer_with_a_busy_month(app)
    async with running_bot(database_url, api):
        api.user_sends(OFFICER, "/start")
        since = api.mark()
        api.user_sends(OFFICER, "/thongke")
        prompt = await api.wait_for(OFFICER, has("Đồng chí chọn kỳ báo cáo"), since=since)
        since = api.mark()
        api.user_presses(OFFICER, prompt.message_id, button(prompt, "Tháng này"))
        offer = await api.wait_for(OFFICER, has("tải báo cáo này thành tệp"), since=since,
                                   timeout=20)
        since = api.mark()
        api.user_presses(OFFICER, offer.message_id, button(offer, "📄 Tải báo cáo (Word)"))
        word = await api.wait_for(OFFICER, lambda m: m.kind == "document", since=since,
                                  timeout=20)
        since = api.mark()
        api.user_presses(OFFICER, offer.message_id, button(offer, "📊 Excel"))
        excel = await api.wait_for(OFFICER, lambda m: m.kind == "document", since=since,
                                   timeout=20)
        since = api.mark()
        api.user_presses(OFFICER, offer.message_id, button(offer, "📑 Tải báo cáo (PDF)"))
        pdf = await api.wait_for(OFFICER, lambda m: m.kind == "document", since=since,
                                 timeout=20)
        since = api.mark()
        api.user_presses(OFFICER, offer.message_id, button(offer, "✔️ Xong"))
        await api.wait_for(OFFICER, has("cần gì?"), since=since)
    assert word.method == "sendDocument" and word.text.startswith("📄 Báo cáo tháng ")
    document = Document(io.BytesIO(api.file_bytes(word.document)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "trên địa bàn thị trấn Cao Thượng" in text
    assert "phát tới 12 lượt người nhận (đạt 92,3% trong 13 lượt gửi)" in text
    book = load_workbook(io.BytesIO(api.file_bytes(excel.document)))
    assert book.sheetnames[0] == "Tổng hợp"
    assert pdf.method == "sendDocument" and pdf.text.startswith("📑 Báo cáo tháng ")
    printed = PdfReader(io.BytesIO(api.file_bytes(pdf.document)))
    printed_text = " ".join(" ".join(page.extract_text().split()) for page in printed.pages)
    assert "trên địa bàn thị trấn Cao Thượng" in unicodedata.normalize("NFC", printed_text)


async def test_a_resident_on_telegram_is_refused(app, database_url, api):
    async with running_bot(database_url, api):
        api.user_sends(7002, "/start")
        since = api.mark()
        api.user_sends(7002, "/thongke")
        await api.wait_for(7002, has("chỉ dành cho cán bộ Công an"), since=since)
        assert not [m for m in api.messages_to(7002) if m.kind == "photo"]


async def test_a_long_summary_goes_after_the_photo(api):
    api.add_user(OFFICER)
    image = png_bytes()
    async with api.make_bot() as bot:
        await send_with_image(bot, OFFICER, Message(text="ô" * 1100, image=image))
        await send_with_image(bot, OFFICER, Message(text="ngắn", image=image))
    sent = api.messages_to(OFFICER)
    assert [(m.kind, m.is_caption) for m in sent] == [("photo", False), ("text", False),
                                                      ("photo", True)]
    assert sent[1].text == "ô" * 1100 and sent[2].text == "ngắn"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


async def test_the_monthly_digest_reaches_the_commands_group(app, database_url, api, known_ledger):
    api.add_group(GROUP)
    digest_app = build_app(make_settings(database_url, telegram_token=api.token,
                                         telegram_api_url=api.url,
                                         report_digest=f"telegram:{GROUP}"))
    try:
        now = datetime(2025, 8, 1, 0, 0, tzinfo=timezone.utc)        # 07:00 on 1 August
        assert await send_digest(digest_app, now=now) == 1
    finally:
        await digest_app.close()
    photo, word, excel = api.messages_to(GROUP)[-3:]
    assert (word.kind, excel.kind) == ("document", "document")
    assert word.text == "📄 Báo cáo tháng 7/2025 (Word)"
    assert Document(io.BytesIO(api.file_bytes(word.document))).tables
    assert load_workbook(io.BytesIO(api.file_bytes(excel.document))).sheetnames
    assert photo.kind == "photo"
    assert photo.text.startswith("🗓 Báo cáo tháng tự động: tháng 7/2025")
    assert "📥 Tin báo: 3, có giá trị 1 (33,3%)" in photo.text
    assert png(api.file_bytes(photo.photo)).size == (1200, 800)


async def test_the_digest_is_off_by_default(app, database_url):
    quiet = build_app(make_settings(database_url))
    try:
        assert quiet.settings.report_digest == "off"
        assert await send_digest(quiet) == 0
    finally:
        await quiet.close()


async def test_the_digest_job_is_scheduled_only_when_configured(app, database_url):
    from types import SimpleNamespace

    from bot.scheduler import add_digest_job, make_scheduler

    for setting, expected in (("off", None), ("command", "cron[day='1', hour='7', minute='0']")):
        scheduler = make_scheduler(app.uow)
        add_digest_job(scheduler, SimpleNamespace(settings=SimpleNamespace(report_digest=setting)))
        job = scheduler.get_job("monthly-digest")
        assert (str(job.trigger) if job else None) == expected


async def test_command_members_on_telegram_are_the_digest_targets(app, database_url):
    from bot.report.digest import digest_targets

    async with app.uow() as uow:
        for user_id, channel, role, active in (("9001", "telegram", Role.COMMAND, True),
                                               ("9002", "telegram", Role.OFFICER, True),
                                               ("9003", "zalo", Role.COMMAND, True),
                                               ("9004", "telegram", Role.COMMAND, False)):
            await uow.members.save(Member(channel=channel, user_id=user_id, role=role,
                                          unit_id=None, active=active))
        await uow.commit()
    digest_app = build_app(make_settings(database_url, report_digest="command"))
    try:
        assert await digest_targets(digest_app) == ["9001"]
    finally:
        await digest_app.close()
