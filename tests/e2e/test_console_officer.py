"""An officer at the console does the whole of a tip's handling by typing numbers: the inbox
lines and the card's actions (take, ask, note, move, judge, close) are numbered choices that a
typed number selects, as every screen's options are."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from handlers.domain import Member, Role
from handlers.tips.domain import TipStatus
from storage.tables.tips import TipMessageRow, TipRow
from tests.e2e.test_console import chat
from tests.e2e.test_tips_dialogue import tip_flow
from tests.fakes.resident import Resident

OFFICER = "officer-cao-thuong"


async def console_officer(app, unit: str = "cao-thuong") -> Member:
    async with app.uow() as uow:
        unit_row = await uow.units.by_slug(unit)
        saved = await uow.members.save(Member(channel="console", user_id=OFFICER,
                                              role=Role.OFFICER, unit_id=unit_row.id,
                                              name="Trung úy An"))
        await uow.commit()
    return saved


async def stored(app) -> list[tuple]:
    async with app.uow() as uow:
        tips = list(await uow.session.scalars(select(TipRow).order_by(TipRow.id)))
        thread = list(await uow.session.scalars(
            select(TipMessageRow.direction).order_by(TipMessageRow.id)))
        uow.session.expunge_all()
    return tips, thread


async def test_an_officer_handles_tips_by_typing_numbers(app, database_url, monkeypatch):
    # the console process unseals tipster links with the same key as this test's app
    monkeypatch.setenv("BOT_SECRET_KEY", app.settings.secret_key.get_secret_value())
    officer = await console_officer(app)
    await tip_flow(Resident(app, "r-moved"), text="Xe lạ đỗ cả đêm ở cổng chợ")
    await tip_flow(Resident(app, "r-kept"), text="Có người bán ma túy ở bãi sông")
    # newest first: line 1 is the drugs tip. Card: 1 take, 2 ask, 3 note, 4 move, 5 judge,
    # 6 close, 7 details; judging: 1 valuable.
    out = await chat(database_url, [
        "/tinbao", "1", "1",
        "/tinbao", "1", "2", "Người bán thường có mặt lúc mấy giờ?",
        "/tinbao", "1", "3", "Đã xác minh hiện trường",
        "/tinbao", "1", "5", "1",
        "/tinbao", "1", "6",
        "/tinbao", "1", "4", "an duong", "Việc xảy ra ở xã An Dương"], user=OFFICER)
    assert "Có 2 tin báo đang mở" in out
    assert "  1. 🆕 #" in out and "  6. ✅ Đóng tin" in out
    assert "Đồng chí đã nhận xử lý tin báo" in out
    assert "Đã gửi câu hỏi" in out
    assert "Đã lưu ghi chú" in out
    assert ": ⭐ Có giá trị." in out
    assert "Đã đóng tin báo" in out
    assert "Đã chuyển tin báo" in out
    assert "Chưa hiểu" not in out
    tips, thread = await stored(app)
    moved, kept = tips
    assert kept.status == TipStatus.CLOSED.value and kept.outcome == "valuable"
    assert kept.taken_by == officer.id
    assert thread == ["to_tipster", "note"]
    async with app.uow() as uow:
        assert (await uow.units.by_id(moved.unit_id)).slug == "an-duong"


async def test_an_officer_at_the_console_gets_the_report_files_saved(app, database_url,
                                                                     monkeypatch, tmp_path):
    import docx

    monkeypatch.setenv("BOT_FILES_DIR", str(tmp_path / "files"))
    await console_officer(app)
    out = await chat(database_url, ["/thongke", "1", "1", "2", "1"], OFFICER)
    saved = re.findall(r"📁 Đã lưu tệp: (\S+)", out)
    assert len(saved) == 3 and "Kênh này chưa gửi được tệp" not in out
    word, sheet, again = (Path(p) for p in saved)
    assert word.suffix == ".docx" and sheet.suffix == ".xlsx" and again != word   # no overwrite
    assert word.parent == tmp_path / "files"
    assert docx.Document(str(word)).paragraphs[0].text == "BÁO CÁO"
    assert sheet.read_bytes()[:2] == b"PK"
