"""The known ledger in every format: Markdown, JSON, XLSX (openpyxl) and PNG (an image reader)."""
from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import warnings
from datetime import date

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.report import render
from handlers.statistics.labels import Labels
from handlers.statistics.period import Period
from tests.conftest import ROOT
from tests.storage.statistics.conftest import figures

EMPTY = Period(date(2024, 1, 1), date(2024, 1, 31))


@pytest.fixture
def labels(app):
    return Labels(app.catalog, "vi")


async def test_markdown_has_the_narrative_in_the_seeds_style_and_the_tables(app, known_ledger,
                                                                           labels):
    text = render(await figures(app), "md", labels).decode("utf-8")
    # the issuing police comes from the directory (here the seed-era district's duty desk)
    assert text.startswith("**CÔNG AN HUYỆN TÂN YÊN**\n\n"
                           "# Báo cáo kết quả công tác tuyên truyền, tiếp nhận tin báo, tố giác")
    assert "**Kỳ báo cáo:** từ ngày 01/06/2025 đến ngày 31/07/2025" in text
    assert ("Trong kỳ (từ ngày 01/06/2025 đến ngày 31/07/2025), trên toàn địa bàn, lực lượng "
            "Công an đã đăng tải 4 tin bài cảnh báo, tuyên truyền qua chatbot, phát tới 20 lượt "
            "người nhận (đạt 90,9% trong 22 lượt gửi)") in text
    # The team's incident report is not counted "của Nhân dân".
    assert ("tiếp nhận 7 nguồn tin qua chatbot (6 tin báo, tố giác của Nhân dân và 1 báo cáo "
            "vụ việc của Tổ an ninh tự quản), trong đó 3 tin có giá trị (chiếm 42,9%)") in text
    assert "1 tin được chuyển đơn vị có thẩm quyền; 1 tin chuyển trực ban" in text
    assert "1 tin trùng, 1 tin rác, 2 tin đang xác minh" in text
    assert "0 tin không có giá trị" not in text                       # zeros are left out
    assert "trung vị là 20 phút, 90% số tin trong vòng 3 giờ" in text
    assert "phát 2.500 tờ rơi" in text and "phát sóng 40 lượt" in text
    assert "hòa giải thành 4 vụ, đạt 80%" in text
    assert "Có 3 Tổ an ninh tự quản với 5 thành viên" in text
    assert "| Tỷ lệ gửi thành công | 90,9% |" in text
    assert "| Lượt người nhận đã nhận được | 20 |" in text
    assert "| \u00a0\u00a0Xã Tân Phúc | 2 | 5 | 5 | 0 | 0 | 2 |" in text
    assert "| Lừa đảo trên mạng | 3 | 3 | 0 | 1 | 0 | 0 | 0 | 2 |" in text
    assert "| Phát tờ rơi | 1 | 2.500 |" in text
    assert "| 6/2025 | 13 | 4 | 4 | 2 |" in text


async def test_json_holds_the_same_figures(app, known_ledger, labels):
    data = json.loads(render(await figures(app), "json", labels))
    assert data["period"] == {"start": "2025-06-01", "end": "2025-07-31", "kind": "custom"}
    assert data["empty"] is False and data["total"]["bulletins"] == 4
    counts = data["total"]["counts"]
    assert (counts["delivered"], counts["attempted"], counts["tips"], counts["valuable"],
            counts["pending"], counts["tips_moved"]) == (20, 22, 7, 3, 2, 1)
    assert counts["activities"]["leaflets"]["count"] == 2500
    assert data["total"]["durations"]["closure_p90"] == 86400
    merged = next(u for u in data["units"] if u["slug"] == "tan-phuc")
    assert merged["counts"]["tips"] == 2 and merged["depth"] == 1
    assert data["months"][1] == {"year": 2025, "month": 7, "delivered": 7, "undelivered": 1,
                                 "tips": 3, "valuable": 1}
    assert data["narrative"].startswith("Trong kỳ (từ ngày 01/06/2025")


async def test_xlsx_sheets_headers_frozen_rows_and_figures(app, known_ledger, labels):
    book = load_workbook(io.BytesIO(render(await figures(app), "xlsx", labels)))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Theo chủ đề", "Tin báo",
                               "Hoạt động trực tiếp"]
    summary = book["Tổng hợp"]
    assert summary["A1"].value.startswith(
        "CÔNG AN HUYỆN TÂN YÊN · Báo cáo kết quả công tác tuyên truyền")
    assert [summary["A4"].value, summary["B4"].value] == ["Chỉ tiêu", "Số liệu"]
    assert summary.freeze_panes == "A5"
    values = {r[0]: r[1] for r in summary.iter_rows(min_row=5, values_only=True) if r[0]}
    assert values["Bản tin cảnh báo, tuyên truyền đã đăng tải"] == 4
    assert values["Lượt người nhận đã nhận được"] == 20
    assert values["Tỷ lệ tin có giá trị"] == pytest.approx(3 / 7)      # a number, shown as %
    share = next(c for c in summary["B"] if c.value == pytest.approx(3 / 7))
    assert share.number_format == "0.0%"
    assert values["Thời gian giải quyết xong (90% số tin)"] == "1 ngày"
    assert any(str(v).startswith("Trong kỳ (từ ngày") for v in values)
    units = book["Theo đơn vị"]
    assert units.freeze_panes == "A2" and units["A1"].value == "Đơn vị"
    rows = {r[0]: r for r in units.iter_rows(min_row=2, values_only=True)}
    assert rows["Xã Tân Phúc"][1:4] == (2, 5, 5) and rows["Thị trấn Cao Thượng"][10] == 2
    assert units.column_dimensions["A"].width >= len("Thị trấn Cao Thượng")
    tips = {r[0]: r for r in book["Tin báo"].iter_rows(min_row=2, values_only=True)}
    assert tips["Lừa đảo trên mạng"] == ("Lừa đảo trên mạng", 3, 3, 0, 1, 0, 0, 0, 2)
    offline = {r[0]: r for r in book["Hoạt động trực tiếp"].iter_rows(min_row=2,
                                                                      values_only=True)}
    assert offline["Hòa giải vụ việc"] == ("Hòa giải vụ việc", 1, 5, None, None, 4)
    for sheet in book.worksheets:                  # prints on A4, as wide as the page
        assert int(sheet.page_setup.paperSize) == 9                    # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert summary.print_title_rows == "$4:$4" and units.print_title_rows == "$1:$1"
    assert units.page_setup.orientation == "landscape"
    topics = list(book["Theo chủ đề"].iter_rows(values_only=True))
    assert topics[0][:4] == ("Chủ đề", "Bản tin đăng tải", "Lượt gửi", "Lượt người nhận")
    # Deliveries split by channel: every delivery row carries the channel it went out on.
    telegram = next(r for r in topics if r[0] == "Telegram")
    assert telegram[:4] == ("Telegram", 4, 22, 20)
    assert telegram[4] == pytest.approx(20 / 22)


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_png_is_a_real_chart_with_vietnamese_labels(app, known_ledger, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # a missing glyph would warn
        data = render(await figures(app), "png", labels)
    image = _image(data)
    assert image.format == "PNG" and image.size == (1200, 800)
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50                       # bars, slices, text: not a blank page
    import matplotlib.image
    assert matplotlib.image.imread(io.BytesIO(data)).shape[:2] == (800, 1200)


async def test_an_empty_period_gives_a_no_activity_report_in_every_format(app, labels):
    f = await figures(app, period=EMPTY)
    text = render(f, "md", labels).decode()
    assert "chưa ghi nhận hoạt động tuyên truyền, tin báo, tố giác nào" in text
    assert "## 1." not in text
    assert json.loads(render(f, "json", labels))["empty"] is True
    book = load_workbook(io.BytesIO(render(f, "xlsx", labels)))
    cells = [c for row in book["Tổng hợp"].iter_rows(values_only=True) for c in row if c]
    assert any("chưa ghi nhận" in str(c) for c in cells)
    image = _image(render(f, "png", labels))
    assert image.size == (1200, 800) and len(image.convert("RGB").getcolors(1 << 20)) > 2


async def test_english_catalogue_formats_numbers_the_english_way(app, known_ledger):
    text = render(await figures(app), "md", Labels(app.catalog, "en")).decode()
    assert "reaching 20 recipients (90.9% of 22 sends)" in text
    assert "handed out 2,500 leaflets" in text


async def run_cli(database_url: str, *args: str, ok: bool = True) -> tuple[str, str]:
    env = {**os.environ, "BOT_DATABASE_URL": database_url, "BOT_AUTO_MIGRATE": "false"}
    env.pop("BOT_TELEGRAM_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert (process.returncode == 0) is ok, (out.decode(), err.decode())
    return out.decode(), err.decode()


async def test_cli_writes_all_four_formats(app, database_url, known_ledger, tmp_path):
    period = ("--from", "2025-06-01", "--to", "31/07/2025")
    out, _ = await run_cli(database_url, "report", *period, "--format", "md")
    assert "đăng tải 4 tin bài cảnh báo" in out
    out, _ = await run_cli(database_url, "report", *period, "--unit", "cao-thuong",
                           "--format", "json")
    assert json.loads(out)["total"]["counts"]["tips"] == 2
    for fmt in ("xlsx", "png"):
        path = tmp_path / f"r.{fmt}"
        out, _ = await run_cli(database_url, "report", *period, "--format", fmt, "--out",
                               str(path))
        assert f"report written: {path}" in out and path.stat().st_size > 1000
    assert load_workbook(path.with_suffix(".xlsx"))["Tổng hợp"]["B5"].value == 4
    assert _image(path.read_bytes()).size == (1200, 800)


async def test_cli_refuses_bad_input_with_a_clear_message(app, database_url):
    _, err = await run_cli(database_url, "report", "--from", "2025-07-31", "--to", "2025-06-01",
                           ok=False)
    assert "Ngày kết thúc đang trước ngày bắt đầu" in err
    _, err = await run_cli(database_url, "report", "--from", "2025-06-01", "--to", "2025-07-31",
                           "--unit", "no-such-unit", ok=False)
    assert 'Không có đơn vị "no-such-unit"' in err
    _, err = await run_cli(database_url, "report", "--from", "31/02/2025", "--to", "2025-07-31",
                           ok=False)
    assert 'Chưa đọc được ngày "31/02/2025"' in err


async def test_cli_records_lists_and_corrects_activities(app, database_url):
    out, _ = await run_cli(database_url, "activity", "add", "--unit", "nha-nam", "--date",
                           "2025-05-10", "--category", "conference", "--count", "1",
                           "--attendance", "120", "--note", "Thôn Đông", "--by", "cán bộ A")
    record = out.split("#")[1].split()[0]
    await run_cli(database_url, "activity", "correct", record, "--attendance", "125",
                  "--reason", "đếm lại")
    out, _ = await run_cli(database_url, "activity", "list", "--from", "2025-05-01", "--to",
                           "2025-05-31")
    assert f"#{record} v2 2025-05-10 Nhã Nam Hội nghị tuyên truyền: 1 +125" in out
    out, _ = await run_cli(database_url, "activity", "list", "--history", record)
    assert "v1" in out and "(old)" in out
    _, err = await run_cli(database_url, "activity", "add", "--unit", "nha-nam", "--date",
                           "2025-05-10", "--category", "leaflets", "--count", "-5", ok=False)
    assert "không thể là số âm" in err
    _, err = await run_cli(database_url, "activity", "add", "--unit", "nha-nam", "--date",
                           "2099-01-01", "--category", "leaflets", "--count", "5", ok=False)
    assert "chưa tới" in err
    _, err = await run_cli(database_url, "activity", "add", "--unit", "nha-nam", "--date",
                           "2025-01-01", "--category", "mediation", "--count", "5",
                           "--succeeded", "6", ok=False)
    assert "không thể nhiều hơn" in err
