"""The PDF report of the known ledger, read back with pypdf: the same headings, sentences and
table figures as the Word document (both are written by bot.report.docx_parts.Sections)."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from bot.report import pdf as report_pdf
from bot.report import render
from handlers.statistics.labels import Labels
from handlers.statistics.period import Period
from tests.storage.statistics.conftest import figures
from tests.storage.statistics.test_outputs import run_cli


@pytest.fixture
def labels(app):
    return Labels(app.catalog, "vi")


def read(body: bytes) -> tuple[PdfReader, str]:
    """The PDF's text with its lines joined, composed (NFC) as the catalogues write it."""
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


async def test_the_pdf_is_the_word_document_in_a4(app, known_ledger, labels):
    reader, text = read(render(await figures(app), "pdf", labels))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    headings = ["KẾT QUẢ THỰC HIỆN", "1. Công tác tuyên truyền", "3. Nguồn tin và tin có giá trị",
                "4. Tổ an ninh tự quản", "6. Số liệu theo đơn vị", "Biểu đồ",
                "Ghi chú về nguồn số liệu"]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BÁO CÁO" in text
    assert ("đăng tải 4 tin bài cảnh báo, tuyên truyền qua chatbot, phát tới 20 lượt người "
            "nhận (đạt 90,9% trong 22 lượt gửi)") in text
    assert "phát 2.500 tờ rơi" in text
    assert "tiếp nhận 7 nguồn tin" in text and "3 tin có giá trị (chiếm 42,9%)" in text
    assert "có 3 Tổ an ninh tự quản với 5 thành viên" in text
    assert "mít tinh, ra quân" not in text          # the rally was withdrawn: left out
    # Table rows: the outreach table and the tips table's total line.
    assert "Tin bài cảnh báo qua chatbot 4 20 lượt nhận (90,9%) Chatbot thống kê" in text
    assert "Tổng cộng 7 6 1 3 42,9%" in text
    # The chart is embedded, and the font is a serif TrueType one (embedded for printing).
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("Serif" in name for name in fonts), fonts


async def test_one_unit_and_an_empty_period(app, known_ledger, labels):
    _, text = read(render(await figures(app, unit="cao-thuong"), "pdf", labels))
    assert "trên địa bàn thị trấn Cao Thượng" in text and "toàn địa bàn" not in text
    empty = Period(date(2024, 1, 1), date(2024, 1, 31))
    reader, text = read(render(await figures(app, empty), "pdf", labels))
    assert "Trong kỳ chưa ghi nhận hoạt động tuyên truyền nào." in text
    assert not [image for page in reader.pages for image in page.images]


def test_without_a_serif_font_the_message_says_what_to_install(tmp_path):
    with pytest.raises(report_pdf.FontMissing) as missing:
        report_pdf.serif_font((tmp_path,))
    assert "fonts-liberation" in str(missing.value) and "\n" not in str(missing.value)


def test_liberation_serif_is_preferred_to_dejavu(tmp_path):
    for name in ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
                 "LiberationSerif-Italic.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
                 "DejaVuSerif-Italic.ttf"):
        (tmp_path / name).write_bytes(b"")
    family, faces = report_pdf.serif_font((tmp_path,))
    assert family == "Liberation Serif" and faces["B"].name == "LiberationSerif-Bold.ttf"


async def test_the_command_line_writes_the_pdf(app, known_ledger, database_url, tmp_path):
    out = tmp_path / "report.pdf"
    said, _ = await run_cli(database_url, "report", "--from", "2025-06-01", "--to", "2025-07-31",
                            "--format", "pdf", "--out", str(out))
    assert f"report written: {out}" in said and "fpdf2" in said
    _, text = read(out.read_bytes())
    assert "KẾT QUẢ THỰC HIỆN" in text and "tiếp nhận 7 nguồn tin" in text
