"""The resident conversation through the real dialogue and storage (no channel)."""
from __future__ import annotations

from sqlalchemy import select

from handlers.domain import SubscriberStatus
from handlers.library_items import headline
from handlers.messages import Kind
from handlers.screens import build_dialogue
from storage.tables.core import LedgerRow, SubscriberRow, SubscriberTopicRow
from tests.fakes.resident import Resident


async def subscriber(app, user_id="1001", channel="test"):
    async with app.uow() as uow:
        return await uow.subscribers.get(channel, user_id)


async def ledger_kinds(app) -> list[str]:
    async with app.uow() as uow:
        return list(await uow.session.scalars(select(LedgerRow.kind).order_by(LedgerRow.id)))


async def test_start_welcomes_warns_not_emergency_and_explains_privacy(app):
    r = Resident(app)
    await r.command("start")
    text = r.texts()
    assert "KHÔNG phải đường dây khẩn cấp" in text
    for number in ("113", "114", "115"):
        assert number in text
    assert "Cao Thượng" in r.labels() and "Trang sau ▶️" in r.labels()
    lines = sum(len(m.text.splitlines()) + len(m.numbered()) for m in r.last.messages)
    assert lines <= 16, lines                       # the first screen fits a phone
    await r.type(str(r.labels().index("🔒 Dữ liệu bot lưu về bạn") + 1))
    assert "Không lưu họ tên, số điện thoại" in r.texts()
    assert "Bạn đang sống ở xã" in r.screen().text          # and back on the same choice


async def test_commune_names_match_with_or_without_accents(app):
    for typed in ("cao thuong", "Cao Thượng", "TT Cao Thuong", "thị trấn cao thượng", "CAO THUONG"):
        r = Resident(app, user_id=f"u-{typed}")
        await r.command("start")
        await r.type(typed)
        assert "Đã chọn Thị trấn Cao Thượng" in r.texts(), typed
    r = Resident(app, user_id="ambiguous")
    await r.command("start")
    await r.type("ngoc")
    assert r.labels()[:4] == ["Ngọc Châu", "Ngọc Lý", "Ngọc Thiện", "Ngọc Vân"]
    await r.type("2")
    assert "Đã chọn Xã Ngọc Lý" in r.texts()


async def test_unknown_commune_gets_a_clear_answer(app):
    r = Resident(app)
    await r.command("start")
    await r.type("Hà Nội")
    assert 'Không tìm thấy xã, thị trấn nào tên "Hà Nội"' in r.texts()
    assert (await subscriber(app)).unit_id is None


async def test_deep_link_payload_picks_the_commune(app):
    r = Resident(app)
    await r.command("start", "nha-nam")
    assert "Đã chọn Thị trấn Nhã Nam" in r.texts()
    assert "Bạn muốn nhận cảnh báo về chủ đề nào" in r.screen().text
    r2 = Resident(app, user_id="2")
    await r2.command("start", "no-such-place")
    assert "Bạn đang sống ở xã, thị trấn nào" in r2.screen().text


async def test_onboarding_with_typed_numbers_only(app):
    """The Zalo Bot Platform has no buttons: every step works by typing numbers."""
    r = Resident(app)
    await r.command("start")
    await r.type("9")                     # next page
    assert "Trang 2/3" in r.screen().text
    await r.type("1")                     # first commune of page 2
    await r.type("3")                     # toggle drugs off
    await r.type("xong")
    sub = await subscriber(app)
    assert sub.status is SubscriberStatus.ACTIVE
    assert "drugs" not in sub.topics and "fraud" in sub.topics
    assert (await ledger_kinds(app)) == ["subscribed"]


async def test_no_topic_chosen_is_refused(app):
    r = Resident(app)
    await r.command("start")
    await r.type("an duong")
    await r.press("Bỏ chọn tất cả")
    await r.press("Xong")
    assert "chọn ít nhất một chủ đề" in r.texts()
    assert (await subscriber(app)).status is SubscriberStatus.ONBOARDING


async def test_library_lists_newest_first_and_records_views(app):
    r = Resident(app)
    await r.onboard()
    await r.type("📚 Thư viện bản tin")
    assert r.labels()[0].startswith("Lừa đảo trên mạng (")
    await r.press("Lừa đảo")
    async with app.uow() as uow:
        newest = await uow.bulletins.page("fraud", 0, 5)
    assert [b.published for b in newest] == sorted((b.published for b in newest), reverse=True)
    assert r.labels()[:5] == [headline(b.title) for b in newest]
    await r.type("1")
    assert r.screen().text.startswith("📌 ")
    assert "Lừa đảo trên mạng" in r.screen().text
    assert (await ledger_kinds(app))[-1] == "bulletin_viewed"


async def test_latest_warnings_follow_the_residents_topics(app):
    r = Resident(app)
    await r.command("start")
    await r.type("lam cot")
    await r.press("Bỏ chọn tất cả")
    await r.press("Ma túy")
    await r.press("Xong")
    await r.command("canhbao")
    await r.type("1")
    assert "Ma túy" in r.screen().text.split("\n")[1]


async def test_settings_change_commune_topics_language(app):
    r = Resident(app)
    await r.onboard()
    await r.command("caidat")
    assert "Thị trấn Cao Thượng" in r.screen().text
    await r.press("Đổi xã")
    await r.type("viet lap")
    assert "Xã Việt Lập" in r.screen().text          # back on the settings summary
    await r.press("Đổi chủ đề")
    await r.press("Cờ bạc")
    await r.press("Xong")
    await r.press("Ngôn ngữ")
    await r.press("English")
    assert "Switched to English" in r.texts()
    assert r.screen().menu[0][0] == "⚠️ Latest warnings"
    sub = await subscriber(app)
    assert sub.language == "en" and "gambling" not in sub.topics
    assert (await ledger_kinds(app)).count("settings_changed") == 3


async def test_unsubscribe_and_subscribe_again(app):
    r = Resident(app)
    await r.onboard()
    await r.command("huy")
    await r.press("Có, hủy")
    assert "Đã hủy" in r.texts()
    assert (await subscriber(app)).status is SubscriberStatus.UNSUBSCRIBED
    await r.command("huy")
    assert "hiện không nhận bản tin" in r.texts()
    await r.command("dangky")
    assert (await subscriber(app)).status is SubscriberStatus.ACTIVE
    assert (await ledger_kinds(app)) == ["subscribed", "unsubscribed", "resubscribed"]


async def test_bad_input_gets_a_clear_answer_and_state_is_kept(app):
    r = Resident(app)
    await r.command("start")
    await r.send(Kind.MEDIA, media="sticker")
    assert "chỉ đọc được chữ" in r.texts()
    await r.type("x" * 5000)
    assert "dài quá" in r.texts()
    await r.send(Kind.EDITED)
    assert "tin nhắn đã sửa" in r.texts()
    await r.command("khongcolenhnay")
    assert "không có lệnh này" in r.texts()
    await r.send(Kind.BUTTON, payload="commune:u.cao-thuong' OR 1=1 --")
    assert r.last.notice == "Nút này đã cũ. Mời bạn dùng tin nhắn mới nhất."
    await r.send(Kind.BUTTON, payload="💥" * 40)
    assert r.last.notice == "Lựa chọn không hợp lệ."
    sub = await subscriber(app)
    assert sub.status is SubscriberStatus.ONBOARDING and sub.unit_id is None
    await r.type("cao thuong")                     # the flow goes on where it was
    assert "Đã chọn Thị trấn Cao Thượng" in r.texts()


async def test_button_from_an_old_message_is_recognised(app):
    r = Resident(app)
    await r.command("start")
    old_page_button = r.screen().numbered()[0].payload          # commune:u.cao-thuong
    await r.type("cao thuong")
    await r.send(Kind.BUTTON, payload=old_page_button)
    assert r.last.notice == "Nút này đã cũ. Mời bạn dùng tin nhắn mới nhất."
    assert "chủ đề" in r.screen().text


async def test_forged_button_for_an_option_not_on_screen_does_nothing(app):
    r = Resident(app)
    await r.onboard()
    await r.command("ngonngu")
    await r.send(Kind.BUTTON, payload="language:xx")     # right screen, option never offered
    assert r.last.notice == "Nút này đã cũ. Mời bạn dùng tin nhắn mới nhất."
    assert "Chọn ngôn ngữ" in r.screen().text
    assert (await subscriber(app)).language == "vi"


async def test_conversation_survives_a_restart(app):
    r = Resident(app)
    await r.command("start")
    await r.type("phuc son")
    restarted = build_dialogue(app.uow, app.catalog)       # a new process, same database
    app.dialogue = restarted
    await r.type("xong")
    sub = await subscriber(app)
    assert sub.status is SubscriberStatus.ACTIVE
    async with app.uow() as uow:
        unit = await uow.units.by_id(sub.unit_id)
    assert unit.slug == "phuc-son"


async def test_stored_subscriber_holds_only_what_is_needed(app):
    r = Resident(app)
    await r.onboard()
    async with app.uow() as uow:
        row = (await uow.session.scalars(select(SubscriberRow))).one()
        user_id = row.user_id
        topics = list(await uow.session.scalars(select(SubscriberTopicRow.topic)))
    assert set(SubscriberRow.__table__.columns.keys()) == {
        "id", "channel", "user_id", "language", "unit_id", "status", "created_at", "updated_at"}
    assert user_id == "1001" and len(topics) == 7


async def test_database_down_raises_storage_unavailable(app, database_url):
    import pytest
    from bot.app import build_app
    from handlers.ports import StorageUnavailable
    from tests.conftest import make_settings
    if database_url.startswith("sqlite"):
        bad = "sqlite+aiosqlite:////nonexistent-dir/x/y.db"
    else:
        bad = "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"
    broken = build_app(make_settings(database_url))
    from storage import db
    broken.engine = db.make_engine(bad) if not bad.startswith("sqlite") else broken.engine
    if bad.startswith("sqlite"):
        from sqlalchemy.ext.asyncio import create_async_engine
        broken.engine = create_async_engine(bad)
    from storage.uow import SqlUnitOfWorkFactory
    broken.uow = SqlUnitOfWorkFactory(broken.engine)
    broken.dialogue = build_dialogue(broken.uow, broken.catalog)
    with pytest.raises(StorageUnavailable):
        await Resident(broken).command("start")
    await broken.close()
