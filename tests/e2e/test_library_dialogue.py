"""The library through the real dialogue and storage: search by a word, read, report, go back."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables.tips import TipRow
from tests.fakes.resident import Resident


async def test_search_is_accent_insensitive_and_finds_the_new_scams(app):
    r = Resident(app)
    await r.onboard()
    await r.command("thuvien")
    await r.press("Tìm bản tin")
    assert "Gõ một từ cần tìm" in r.screen().text
    await r.type("bat coc online")
    assert "Có 1 bản tin chứa \"bat coc online\"" in r.screen().text
    assert r.labels()[0].startswith("Bắt cóc online")
    await r.type("1")
    assert "🏛 Nguồn: Bộ Công an" in r.screen().text
    await r.command("thuvien")
    await r.type("sinh trắc học")                # typed on the topics screen: a search
    assert any("sinh trắc học" in label for label in r.labels())
    await r.type("xyzzy")                        # a list takes a new word too
    assert "Không có bản tin nào chứa \"xyzzy\"" in r.screen().text
    assert r.labels() == ["📚 Chủ đề khác", "🏠 Menu chính"]
    await r.type("2")
    assert r.screen().menu                        # back at the main menu


async def test_a_library_bulletin_screen_leads_back_elsewhere_and_to_a_credited_tip(app):
    r = Resident(app)
    await r.onboard()
    await r.command("thuvien")
    await r.press("Lừa đảo")
    listing = r.labels()
    await r.type("1")
    assert r.labels() == ["◀️ Quay lại danh sách", "📚 Chủ đề khác", "🚨 Báo tin về việc này",
                          "🏠 Menu chính"]
    await r.press("Quay lại danh sách")
    assert r.labels() == listing                  # the same list, the same page
    await r.type("1")
    await r.press("Chủ đề khác")
    assert "Chọn một chủ đề" in r.screen().text
    await r.press("Lừa đảo")
    await r.type("1")
    async with app.uow() as uow:
        first = (await uow.bulletins.page("fraud", 0, 1))[0]
    await r.press("Báo tin về việc này")
    assert "Trước khi gửi tin báo" in r.screen().text
    await r.press("tiếp tục")
    await r.press("Lừa đảo")
    await r.press("Nơi tôi ở")
    await r.type("Có người gọi điện như bản tin này mô tả")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")
    assert "Mã tra cứu của bạn" in r.texts()
    async with app.uow() as uow:
        prompted = await uow.session.scalar(select(TipRow.prompted_by))
    assert prompted == f"lib:{first.id}"


async def test_main_menu_from_a_bulletin(app):
    r = Resident(app)
    await r.onboard()
    await r.command("canhbao")
    await r.type("1")
    await r.press("Menu chính")
    assert r.screen().menu and "Chọn một mục trong menu" in r.screen().text
