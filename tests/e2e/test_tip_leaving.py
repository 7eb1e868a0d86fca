"""Leaving a half-written tip by typing (issue 10): "menu", "thoát", "0" ask "Bỏ tin báo đang
viết?" (keep / discard) before anything is thrown away, from every step that holds work
(the commune list and the long-text choice too); keeping it returns to the step as it was;
"quay lại" / "trở về" go one step back and show what was chosen or written there; the question
is dialogue state, so it survives a restart. Dialogue (console channel), `python -m bot chat`
and Telegram."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.messages import Kind
from handlers.tips.followup import answer_token
from storage.tables.core import LedgerRow
from storage.tables.tips import TipRow
from tests.e2e.harness import button, running_bot
from tests.e2e.test_console import chat
from tests.e2e.test_telegram import onboard
from tests.e2e.test_tipster_typing import asked
from tests.e2e.tips_helpers import has
from tests.fakes.botapi.server import FakeBotApi
from tests.fakes.resident import Resident

ASK = "Bỏ tin báo đang viết?"
TEXT = "Có người bán ma túy ở cuối thôn"
TELEGRAM_USER = 7_300_400_500


async def tips(app) -> int:
    async with app.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(TipRow))


async def ledger(app) -> list[str]:
    async with app.uow() as uow:
        return list(await uow.session.scalars(select(LedgerRow.kind).order_by(LedgerRow.id)))


async def to_text_step(app) -> Resident:
    r = Resident(app, channel="console")
    await r.onboard()
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.press("Nơi tôi ở")
    return r


async def test_leave_words_ask_before_a_written_tip_is_discarded(app):
    r = await to_text_step(app)
    await r.type(TEXT)
    for word in ("menu", "thoat", "Thoát", "0", "MENU CHINH"):
        await r.type(word)
        assert ASK in r.screen().text, word
        assert r.labels() == ["✍️ Không, viết tiếp", "🗑 Có, bỏ tin báo"]
        await r.type("1" if word != "Thoát" else "khong")      # keep writing
        assert "gửi kèm ảnh" in r.screen().text and "Đã hủy" not in r.texts()
    await r.type("menu")
    await r.type("quay lại")                     # at the question: keep writing, too
    assert "gửi kèm ảnh" in r.screen().text
    await r.type("thoát")
    await r.type("co")                           # "Có, bỏ tin báo"
    assert "Đã hủy tin báo" in r.texts() and "Chọn một mục trong menu" in r.screen().text
    async with app.uow() as uow:
        assert (await uow.dialogues.get("console", r.user_id)).step == "main"
    assert await tips(app) == 0 and (await ledger(app))[-1] == "tip_abandoned"


async def test_nothing_written_yet_leaves_without_a_question(app):
    r = Resident(app, channel="console")
    await r.onboard()
    await r.command("tobao")
    await r.type("menu")                         # at the safety advice: nothing to lose
    assert ASK not in r.texts() and "Chọn một mục trong menu" in r.screen().text


async def test_the_commune_list_and_a_long_text_keep_their_place(app):
    r = Resident(app, channel="console")
    await r.onboard()
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.press("khác")                        # "🏘 Xã, thị trấn khác": the commune list
    assert "Việc xảy ra ở" in r.screen().text
    await r.type("0")
    assert ASK in r.screen().text
    await r.type("1")
    assert "Việc xảy ra ở" in r.screen().text and "✖️ Hủy" in r.labels()   # still the tip's
    await r.type("quay lại")                     # was: the tip cancelled
    assert "Việc này xảy ra ở đâu?" in r.screen().text and "Đã hủy" not in r.texts()
    await r.type("ngoc chua")
    long_text = "Đoạn mô tả dài về một điểm bán ma túy. " * 100
    await r.type(long_text)
    assert "Bot vẫn giữ nguyên nội dung" in r.screen().text
    await r.type("menu")
    await r.type("1")
    assert "Bot vẫn giữ nguyên nội dung" in r.screen().text      # the text is still held
    await r.press("Cắt bớt")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    assert "Xã Ngọc Châu" in r.screen().text
    await r.press("Gửi tin báo")
    async with app.uow() as uow:
        assert (await uow.session.scalar(select(TipRow.text))).startswith("Đoạn mô tả dài")


async def test_a_step_back_shows_what_was_chosen_and_written(app):
    r = await to_text_step(app)
    await r.type(TEXT)
    await r.type("quay lại")
    screen = r.screen()
    assert "Hãy mô tả sự việc" in screen.text and f"«{TEXT}»" in screen.text
    assert r.labels()[0] == "✔️ Giữ nội dung đã viết"
    await r.type("trở về")
    assert "(Trước đó bạn đã chọn: Thị trấn Cao Thượng)" in r.screen().text
    await r.type("tro lai")
    assert "(Trước đó bạn đã chọn: Ma túy)" in r.screen().text
    await r.press("Ma túy")
    await r.press("Nơi tôi ở")
    await r.type("1")                            # keep the text written before
    await r.press("Bỏ qua")
    await r.type("0912 345 678")
    await r.type("quay lại")
    assert "(Trước đó bạn đã chọn: 0912 345 678)" in r.screen().text
    await r.type("0912 345 678")
    await r.press("Gửi tin báo")
    async with app.uow() as uow:
        stored = (await uow.session.execute(select(TipRow.text, TipRow.contact))).one()
    assert tuple(stored) == (TEXT, "0912 345 678")


async def test_console_the_question_and_the_draft_survive_a_restart(app, database_url):
    out = await chat(database_url, ["cao thuong", "xong", "/tobao", "1", "1", "1", TEXT,
                                    "thoát"])
    assert ASK in out and "Gõ 1 để viết tiếp" in out and "Đã hủy" not in out
    out = await chat(database_url, ["1", "1", "1", "1"])   # a new process: keep, skip, anon, send
    assert "gửi kèm ảnh" in out and "Mã tra cứu của bạn" in out
    async with app.uow() as uow:
        assert await uow.session.scalar(select(TipRow.text)) == TEXT
    out = await chat(database_url, ["/tobao", "1", "1", "menu", "2"])
    assert ASK in out and "Đã hủy tin báo" in out and await tips(app) == 1


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def test_telegram_typed_menu_asks_before_discarding_a_tip(app, database_url, api):
    user = TELEGRAM_USER
    async with running_bot(database_url, api):
        await onboard(api, user)
        api.user_sends(user, "/tobao")
        safety = await api.wait_for(user, has("Trước khi gửi tin báo"))
        api.user_presses(user, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(user, has("liên quan đến việc gì"))
        api.user_presses(user, category.message_id, button(category, "Ma túy"))
        place = await api.wait_for(user, has("xảy ra ở đâu"))
        api.user_presses(user, place.message_id, button(place, "Nơi tôi ở"))
        await api.wait_for(user, has("mô tả sự việc"))
        api.user_sends(user, TEXT)
        await api.wait_for(user, has("gửi kèm ảnh"))
        mark = api.mark()
        api.user_sends(user, "menu")
        asked = await api.wait_for(user, has(ASK), since=mark)
        assert "Gõ 1" not in asked.text
        mark = api.mark()
        api.user_presses(user, asked.message_id, button(asked, "viết tiếp"))
        await api.wait_for(user, has("gửi kèm ảnh"), since=mark)
        mark = api.mark()
        api.user_sends(user, "quay lại")
        back = await api.wait_for(user, has("mô tả sự việc"), since=mark)
        assert f"«{TEXT}»" in back.text and button(back, "Giữ nội dung")
        mark = api.mark()
        api.user_sends(user, "thoát")
        asked = await api.wait_for(user, has(ASK), since=mark)
        mark = api.mark()
        api.user_presses(user, asked.message_id, button(asked, "bỏ tin báo"))
        await api.wait_for(user, has("Đã hủy tin báo"), since=mark)
        await api.wait_idle()
    async with app.uow() as uow:
        assert (await uow.dialogues.get("telegram", str(user))).step == "main"
    assert await tips(app) == 0


@pytest.mark.parametrize(("how", "what", "then"), [
    ("command", "thuvien", "Thư viện bản tin. Chọn một chủ đề"),
    ("command", "canhbao", "Cảnh báo mới nhất"),
    ("command", "caidat", "Cài đặt của bạn"),
    ("command", "huy", "Bạn có chắc muốn hủy nhận bản tin"),
    ("command", "tobao", "Trước khi gửi tin báo"),
    ("command", "tracuu", "Nhập mã tra cứu"),
    ("typed", "📚 Thư viện bản tin", "Thư viện bản tin. Chọn một chủ đề"),
    ("typed", "⚠️ cảnh báo mới", "Cảnh báo mới nhất"),
])
async def test_commands_and_menu_items_ask_before_a_written_tip_is_left(app, how, what, then):
    r = await to_text_step(app)
    await r.type(TEXT)
    act = (lambda: r.command(what)) if how == "command" else (lambda: r.type(what))
    await act()
    assert ASK in r.screen().text and then not in r.texts()      # was: the draft dropped
    await r.type("1")
    assert "gửi kèm ảnh" in r.screen().text
    await act()
    await r.type("2")                                # give it up: what was asked for is done
    assert "Đã hủy tin báo" in r.texts() and then in r.texts()
    async with app.uow() as uow:
        state = await uow.dialogues.get("console", r.user_id)
    assert state.step not in ("tip_leave", "tip_media")
    assert "draft" not in state.data or not state.data["draft"].get("text")


async def test_start_resumes_and_a_police_question_asks_before_leaving_a_tip(app):
    code = await asked(app)                   # the tipster's first tip, with a question
    r = Resident(app, "tipster", channel="test")
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Cờ bạc")
    await r.command("start")                  # /start only resumes: nothing is asked
    assert "viết dở vẫn còn" in r.texts() and ASK not in r.texts()
    tip = await tip_id(app)
    token = answer_token(app.sealer, tip, "test", "tipster")
    await r.send(Kind.BUTTON, payload=f"tipr:{tip}:{token}")   # "Trả lời" under the question
    assert ASK in r.screen().text
    await r.press("bỏ tin báo")
    assert "Nhập câu trả lời" in r.texts() and code


async def tip_id(app) -> int:
    async with app.uow() as uow:
        return await uow.session.scalar(select(TipRow.id))


async def test_console_a_command_mid_tip_asks_then_does_it(app, database_url):
    out = await chat(database_url, ["cao thuong", "xong", "/tobao", "1", "1", "1", TEXT,
                                    "/thuvien", "1", "/thuvien", "2"])
    assert out.count(ASK) == 2 and "Đã hủy tin báo" in out
    assert out.index("Đã hủy tin báo") < out.rindex("Thư viện bản tin. Chọn một chủ đề")
    assert out.count("gửi kèm ảnh") >= 2              # kept once, then given up


async def test_telegram_a_menu_key_mid_tip_asks_then_opens_it(app, database_url, api):
    user = TELEGRAM_USER + 1
    async with running_bot(database_url, api):
        await onboard(api, user)
        api.user_sends(user, "/tobao")
        safety = await api.wait_for(user, has("Trước khi gửi tin báo"))
        api.user_presses(user, safety.message_id, button(safety, "tiếp tục"))
        category = await api.wait_for(user, has("liên quan đến việc gì"))
        api.user_presses(user, category.message_id, button(category, "Ma túy"))
        await api.wait_for(user, has("xảy ra ở đâu"))
        mark = api.mark()
        api.user_sends(user, "⚠️ Cảnh báo mới")             # the keyboard's key, pressed
        asked = await api.wait_for(user, has(ASK), since=mark)
        mark = api.mark()
        api.user_presses(user, asked.message_id, button(asked, "bỏ tin báo"))
        await api.wait_for(user, has("Cảnh báo mới nhất"), since=mark)
        await api.wait_idle()
    async with app.uow() as uow:
        assert (await uow.dialogues.get("telegram", str(user))).step == "lib_list"
