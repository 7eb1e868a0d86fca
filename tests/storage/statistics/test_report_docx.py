"""The Word report of the known ledger, read back with python-docx: headings, tables, numbers."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt

from bot.report import render
from handlers.statistics.activities import ActivityError, ActivityInput
from handlers.statistics.labels import Labels
from handlers.statistics.recording import record_activity
from tests.storage.statistics import ledger as known
from handlers.statistics.period import Period
from tests.storage.statistics.conftest import figures


@pytest.fixture
def labels(app):
    return Labels(app.catalog, "vi")


def read(body: bytes):
    doc = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return doc, text, tables


async def test_the_report_follows_section_three(app, known_ledger, labels):
    doc, text, tables = read(render(await figures(app), "docx", labels))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    # No listening session in the period: its sub-section is left out, the others keep numbers.
    assert headings == ["KẾT QUẢ THỰC HIỆN", "1. Công tác tuyên truyền",
                        "3. Nguồn tin và tin có giá trị", "4. Tổ an ninh tự quản",
                        "6. Số liệu theo đơn vị", "Biểu đồ", "Ghi chú về nguồn số liệu"]
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in tables[0][0][1]
    # Figures the report's way, from the ledger and from the records.
    assert ("đăng tải 4 tin bài cảnh báo, tuyên truyền qua chatbot, phát tới 20 lượt người "
            "nhận (đạt 90,9% trong 22 lượt gửi)") in text
    assert "tổ chức 2 Hội nghị tuyên truyền phổ biến giáo dục pháp luật với 150 lượt" in text
    assert "phát 2.500 tờ rơi" in text
    assert "tiếp nhận 7 nguồn tin" in text and "3 tin có giá trị (chiếm 42,9%)" in text
    assert "có 3 Tổ an ninh tự quản với 5 thành viên" in text
    assert "mít tinh, ra quân" not in text          # the rally was withdrawn: left out


async def test_tables_say_where_each_figure_comes_from(app, known_ledger, labels):
    _, _, tables = read(render(await figures(app), "docx", labels))
    outreach = next(t for t in tables if t[0][0] == "Nội dung")
    rows = {row[0]: row[1:] for row in outreach[1:]}
    assert rows["Tin bài cảnh báo qua chatbot"] == ["4", "20 lượt nhận (90,9%)",
                                                    "Chatbot thống kê"]
    assert rows["Phát tờ rơi"] == ["2.500", "", "Đơn vị ghi nhận"]
    assert rows["Hòa giải vụ việc"] == ["5", "hòa giải thành 4 (80%)", "Đơn vị ghi nhận"]
    tips = next(t for t in tables if t[0][0] == "Loại tin")
    assert tips[-1] == ["Tổng cộng", "7", "6", "1", "3", "42,9%"]
    units = next(t for t in tables if t[0][0] == "Đơn vị")
    assert len(units) > 2


async def test_a4_times_new_roman_and_the_chart(app, known_ledger, labels):
    doc, _, _ = read(render(await figures(app), "docx", labels))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size == Pt(13)
    assert len(doc.inline_shapes) == 1
    header = doc.tables[1].rows[0]._tr
    assert header.xpath("./w:trPr/w:tblHeader")


async def test_one_unit_is_named_not_the_whole_area(app, known_ledger, labels):
    _, text, _ = read(render(await figures(app, unit="cao-thuong"), "docx", labels))
    assert "trên địa bàn thị trấn Cao Thượng" in text
    assert "toàn địa bàn" not in text


async def test_an_empty_period_is_a_complete_document(app, known_ledger, labels):
    empty = Period(date(2024, 1, 1), date(2024, 1, 31))
    doc, text, _ = read(render(await figures(app, empty), "docx", labels))
    assert "Trong kỳ chưa ghi nhận hoạt động tuyên truyền nào." in text
    assert "chưa tiếp nhận tin báo" in text
    assert len(doc.inline_shapes) == 0


async def test_recorded_figures_of_section_three_have_their_place(app, known_ledger, labels):
    """Listening sessions by level and "lồng ghép", tips received outside the bot, models and
    mass organisations (III.6: 118 / 813), each said to be recorded by the units."""
    ids = known_ledger["ids"]
    entries = [("listening_session_district", 2, 300), ("listening_session_integrated", 40, None),
               ("tip_mttq", 12, 5), ("tip_phone", 3, 0), ("model", 118, None),
               ("mass_organisation", 813, None), ("fanpage_post", 25, None)]
    async with app.uow() as uow:
        for category, count, extra in entries:
            await record_activity(uow, ActivityInput(ids["nha-nam"], date(2025, 7, 10), category,
                                                     count, extra), "cli", known.TODAY)
        await uow.commit()
    _, text, tables = read(render(await figures(app), "docx", labels))
    assert ("Kết quả: phối hợp tổ chức 2 Hội nghị quy mô cấp huyện với 300 lượt người tham dự; "
            "40 Hội nghị lồng ghép với sinh hoạt chi bộ mở rộng.") in text
    assert ("các đơn vị ghi nhận 15 nguồn tin nhận qua điện thoại, trực tiếp và do Ủy ban MTTQ, "
            "các tổ chức thành viên cung cấp; trong đó có 5 tin có giá trị (chiếm 33,3%)") in text
    assert "có 118 mô hình và 813 tổ chức quần chúng tự quản" in text
    assert "đăng tải 25 tin bài trên fanpage" in text
    offline = next(t for t in tables if t[0][:2] == ["Nội dung", "Nguồn tin"])
    assert offline[1] == ["Nguồn tin nhận qua điện thoại", "3", "0", "0%", "Đơn vị ghi nhận"]


async def test_a_valuable_count_above_the_tips_is_refused(app, known_ledger):
    with pytest.raises(ActivityError) as refused:
        async with app.uow() as uow:
            await record_activity(uow, ActivityInput(known_ledger["ids"]["nha-nam"],
                                                     date(2025, 7, 10), "tip_phone", 3, 4),
                                  "cli", known.TODAY)
    assert refused.value.key == "stats.act.error.valuable_above_tips"
