"""A tipster who types: /tracuu shows the choices a typed number selects, refusals keep what
was typed, and a half-written tip survives a restart. Dialogue, console and Telegram."""
from __future__ import annotations

from sqlalchemy import func, select

from handlers.domain import Role
from handlers.messages import Kind
from storage.tables.tips import TipMessageRow, TipRow
from tests.e2e.test_console import chat
from tests.e2e.test_tips_dialogue import member, receipt_code, tip_flow
from tests.fakes.resident import Resident


async def asked(app, question="Xe máy của họ màu gì?") -> str:
    """A resident sends a tip and an officer asks them a question; returns the receipt code."""
    r = Resident(app, "tipster")
    await tip_flow(r)
    code = receipt_code(r)
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    o = Resident(app, officer.user_id)
    async with app.uow() as uow:
        tip_id = await uow.session.scalar(select(TipRow.id))
    await o.send(Kind.BUTTON, payload=f"tip:ask:{tip_id}")
    await o.type(question)
    assert "Đã gửi câu hỏi" in o.texts()
    return code


async def thread(app) -> list[tuple[str, str]]:
    async with app.uow() as uow:
        rows = await uow.session.execute(select(TipMessageRow.direction, TipMessageRow.text)
                                         .order_by(TipMessageRow.id))
        return [tuple(row) for row in rows]


async def test_console_tipster_answers_the_police_from_a_lookup_by_typing(app, database_url,
                                                                          monkeypatch):
    monkeypatch.setenv("BOT_SECRET_KEY", app.settings.secret_key.get_secret_value()
                       if hasattr(app.settings.secret_key, "get_secret_value")
                       else app.settings.secret_key)       # the same key as the test's app
    code = await asked(app)
    out = await chat(database_url, [f"/tracuu {code}", "1", "Màu đỏ, biển số 98"], user="phone2")
    status = out.split("🔎 Tin báo #")[1]
    assert "Xe máy của họ màu gì?" in status
    assert "  1. ✍️ Trả lời" in status and "  2. 🔕 Kết thúc trao đổi" in status
    assert "Nhập câu trả lời của bạn" in out and "Đã gửi câu trả lời" in out
    assert ("from_tipster", "Màu đỏ, biển số 98") in await thread(app)


async def test_empty_lookup_asks_for_the_code_and_is_not_a_failed_guess(app):
    code = await asked(app)
    r = Resident(app, "forgetful")
    for _ in range(12):
        await r.command("tracuu")
        assert "Nhập mã tra cứu" in r.screen().text and "Không tìm thấy" not in r.texts()
    await r.type("AAAA-BBBB")                     # a wrong code: told so, still asked
    assert "Không tìm thấy" in r.texts() and "Nhập mã tra cứu" in r.screen().text
    await r.type(code)
    assert r.labels() == ["✍️ Trả lời", "🔕 Kết thúc trao đổi", "🏠 Menu chính"]
    await r.type("2")
    assert "Bạn có chắc muốn kết thúc" in r.screen().text


async def test_a_tip_text_over_the_limit_is_kept_and_can_be_split(app):
    r = Resident(app)
    await r.onboard()
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.press("Nơi tôi ở")
    long_text = ("Đoạn mô tả dài về một điểm bán ma túy ở cuối thôn. " * 70).strip()
    await r.type(long_text)
    shown_length = f"{len(long_text):,}".replace(",", ".")         # "3.569", as counts are written
    assert "Bot vẫn giữ nguyên nội dung" in r.screen().text
    assert f"dài {shown_length} ký tự" in r.screen().text
    assert r.labels()[:3] == ["✂️ Cắt bớt, giữ 3.000 ký tự đầu",
                              "➗ Chia thành 2 phần, gửi đủ cả", "✍️ Gõ lại ngắn hơn"]
    await r.type("2")
    assert "gửi kèm ảnh" in r.screen().text
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    assert "kèm 1 phần nội dung tiếp theo" in r.screen().text
    await r.press("Gửi tin báo")
    async with app.uow() as uow:
        first = await uow.session.scalar(select(TipRow.text))
    rest = [text for direction, text in await thread(app) if direction == "from_tipster"]
    assert len(first) <= 3000 and (first + " " + rest[0]).split() == long_text.split()


async def test_a_tip_text_over_the_limit_can_be_cut_at_a_word(app):
    r = Resident(app)
    await r.onboard()
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.press("Nơi tôi ở")
    await r.type("chữ " * 1000)
    await r.press("Cắt bớt")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")
    async with app.uow() as uow:
        text = await uow.session.scalar(select(TipRow.text))
    assert len(text) <= 3000 and set(text.split()) == {"chữ"}


async def test_console_half_written_tip_survives_a_restart(app, database_url):
    await chat(database_url, ["cao thuong", "xong", "/tobao", "1", "1", "1",
                              "Có người tụ tập đánh bạc ở nhà văn hóa"])
    async with app.uow() as uow:
        state = await uow.dialogues.get("console", "demo")
    assert state.step == "tip_media"             # stored in the database, not in the process
    out = await chat(database_url, ["1", "1", "1"])      # a new process: skip, anonymous, send
    assert "Có người tụ tập đánh bạc ở nhà văn hóa" in out and "Mã tra cứu của bạn" in out
    async with app.uow() as uow:
        assert await uow.session.scalar(select(TipRow.text)) == \
            "Có người tụ tập đánh bạc ở nhà văn hóa"


async def test_back_words_in_a_tip_go_one_step_back_and_keep_the_draft(app):
    """Typed 'quay lại' / 'trở lại' / 'trở về' step back through the tip; nothing is discarded."""
    r = Resident(app, channel="console")
    await r.onboard()
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.press("Nơi tôi ở")
    await r.type("Có người bán ma túy ở cuối thôn")
    assert "gửi kèm ảnh" in r.screen().text
    await r.type("quay lại")
    assert "Hãy mô tả sự việc" in r.screen().text          # the text step again
    await r.type("trở lại")
    assert "Việc này xảy ra ở đâu?" in r.screen().text
    await r.type("trở về")
    assert "liên quan đến việc gì" in r.screen().text
    assert "Đã hủy" not in " ".join(r.texts())
    await r.press("Ma túy")
    await r.press("Nơi tôi ở")
    await r.type("Có người bán ma túy ở cuối thôn")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")
    async with app.uow() as uow:
        assert await uow.session.scalar(select(TipRow.text)) == "Có người bán ma túy ở cuối thôn"
        assert await uow.session.scalar(select(func.count()).select_from(TipRow)) == 1
