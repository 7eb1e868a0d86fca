"""The tip line through the real dialogue and storage: bad input and attacks, one test each."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from handlers.domain import Member, Role
from handlers.messages import Attachment, Kind
from handlers.tips.jobs import apply_retention, escalate_unclaimed
from handlers.tips.domain import TipRules
from storage.tables.core import LedgerRow
from storage.tables.tips import NotificationRow, TipLinkRow, TipRow
from tests.fakes.resident import Resident


async def member(app, user_id: str, role: Role, unit: str | None, name="Cán bộ") -> Member:
    async with app.uow() as uow:
        unit_row = await uow.units.by_slug(unit) if unit else None
        saved = await uow.members.save(Member(channel="test", user_id=user_id, role=role,
                                              unit_id=unit_row.id if unit_row else None,
                                              name=name))
        await uow.commit()
    return saved


async def start_tip(r: Resident, category: str = "Ma túy", commune: str = "cao thuong"):
    """A resident opens the tip flow and gets as far as describing what happened."""
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press(category)
    await r.type(commune)


async def tip_flow(r: Resident, text="Có người buôn bán ma túy ở bãi sông", contact=None):
    await start_tip(r)
    await r.type(text)
    await r.press("Bỏ qua")
    if contact:
        await r.type(contact)
    else:
        await r.press("ẩn danh")
    return await r.press("Gửi tin báo")


def receipt_code(r: Resident) -> str:
    import re
    return re.search(r"Mã tra cứu của bạn: (\w{4}-\w{4})", r.texts()).group(1)


async def tips(app) -> list[TipRow]:
    async with app.uow() as uow:
        rows = list(await uow.session.scalars(select(TipRow).order_by(TipRow.id)))
        uow.session.expunge_all()       # keep them readable after the unit of work ends
        return rows


async def test_tip_is_routed_to_the_chosen_commune_and_officers_are_notified(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    await member(app, "o2", Role.OFFICER, "an-duong")
    r = Resident(app, "r1")
    await tip_flow(r)
    assert "Mã tra cứu của bạn" in r.texts()
    [tip] = await tips(app)
    async with app.uow() as uow:
        unit = await uow.units.by_id(tip.unit_id)
        rows = list(await uow.session.scalars(select(NotificationRow)))
        uow.session.expunge_all()
    assert unit.slug == "cao-thuong"
    assert [(n.chat_id, n.tip_id) for n in rows] == [(officer.user_id, None)]
    assert f"#{tip.label}" in rows[0].payload["text"]


async def test_unknown_place_goes_to_the_duty_desk(app):
    desk_officer = await member(app, "cmd", Role.COMMAND, "tan-yen")
    r = Resident(app, "r1")
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Trộm cắp")
    await r.press("Không rõ")
    await r.type("Mất trộm xe máy ở chợ")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")
    [tip] = await tips(app)
    async with app.uow() as uow:
        assert (await uow.units.by_id(tip.unit_id)).duty_desk
        [row] = list(await uow.session.scalars(select(NotificationRow)))
        uow.session.expunge_all()
    assert row.chat_id == desk_officer.user_id


async def test_a_sticker_only_gets_a_clear_answer(app):
    r = Resident(app, "r1")
    await start_tip(r)
    await r.send(Kind.MEDIA, media="sticker")
    assert "chỉ đọc được chữ" in r.texts()
    await r.type("Nội dung tin báo đầy đủ")
    await r.send(Kind.MEDIA, media="sticker")
    assert "không nhận loại nội dung này" in r.texts()
    assert await tips(app) == []


async def test_forty_photos_keep_ten_and_answer_once_per_album(app):
    r = Resident(app, "r1")
    await start_tip(r)
    await r.type("Ảnh chụp điểm mua bán")
    answered = 0
    for album in range(4):
        for n in range(10):
            item = Attachment("photo", f"file-{album}-{n}", 50_000, "image/jpeg", f"album{album}")
            reply = await r.send(Kind.MEDIA, media="photo", attachments=(item,))
            answered += bool(reply.messages)
    assert answered == 2      # "received" for the first album, "full" once after that
    await r.type("xong")
    await r.press("ẩn danh")
    assert "Tệp đính kèm: 10" in r.texts()
    await r.press("Gửi tin báo")
    [tip] = await tips(app)
    assert len(tip.attachments) == 10


async def test_an_oversized_file_is_refused_and_said_so(app):
    r = Resident(app, "r1")
    await start_tip(r)
    await r.type("Video dài")
    big = Attachment("video", "big", 60 * 1024 * 1024, "video/mp4")
    await r.send(Kind.MEDIA, media="video", attachments=(big,))
    assert "Tệp quá lớn" in r.texts()


async def test_a_draft_abandoned_for_a_day_is_discarded(app):
    r = Resident(app, "r1")
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    async with app.uow() as uow:
        state = await uow.dialogues.get("test", "r1")
        state.data["draft"]["started_at"] = (datetime.now(timezone.utc)
                                             - timedelta(hours=25)).isoformat()
        await uow.dialogues.put("test", "r1", state)
        await uow.commit()
    await r.press("Không rõ")
    assert "hơn một ngày trước đã được xóa" in r.texts()
    async with app.uow() as uow:
        assert (await uow.dialogues.get("test", "r1")).data == {}
        kinds = list(await uow.session.scalars(select(LedgerRow.kind)))
    assert "tip_abandoned" in kinds


async def test_receipt_code_with_wrong_case_and_spaces_works_and_guessing_is_limited(app):
    r = Resident(app, "r1")
    await tip_flow(r)
    code = receipt_code(r)
    other = Resident(app, "another-phone")
    await other.command("tracuu", f"  {code.lower().replace('-', ' ')} ")
    assert "đang chờ xử lý" in other.texts()
    guesser = Resident(app, "guesser")
    for attempt in range(10):
        await guesser.command("tracuu", f"AAAA-{attempt:04d}")
        assert "Không tìm thấy" in guesser.texts()
    await guesser.command("tracuu", code)
    assert "sai mã quá nhiều lần" in guesser.texts()


async def test_per_person_tip_limits(app):
    r = Resident(app, "r1")
    for n in range(3):
        await tip_flow(r, text=f"Tin báo số {n} về ma túy")
        assert "Mã tra cứu" in r.texts()
    await r.command("tobao")                    # refused before anything is written
    assert "nhiều tin báo trong giờ qua" in r.texts()
    assert "Trước khi gửi tin báo" not in r.texts()
    async with app.uow() as uow:
        assert (await uow.dialogues.get("test", "r1")).step == "main"
    await r.command("start", "tb_7")            # a bulletin's link is refused the same way
    assert "nhiều tin báo trong giờ qua" in r.texts()
    assert len(await tips(app)) == 3


async def test_repeated_text_is_flagged_not_dropped(app):
    await tip_flow(Resident(app, "r1"), text="Sới bạc ở nhà văn hóa thôn Đông")
    await tip_flow(Resident(app, "r2"), text="  sới bạc ở nhà văn hoá thôn đông ")
    first, second = await tips(app)
    assert not first.possible_duplicate and second.possible_duplicate


async def test_forged_action_on_another_units_tip_does_nothing(app):
    await member(app, "o-an-duong", Role.OFFICER, "an-duong")
    await tip_flow(Resident(app, "r1"))
    [tip] = await tips(app)
    outsider = Resident(app, "o-an-duong")
    for verb in ("take", "view", "close", "ask", f"outcome:{tip.id}:spam"):
        payload = f"tip:{verb}:{tip.id}" if ":" not in verb else f"tip:{verb}"
        await outsider.send(Kind.BUTTON, payload=payload)
        assert outsider.last.notice == "Đồng chí không có quyền với tin báo này."
    [after] = await tips(app)
    assert after.status == "new" and after.taken_by is None and after.outcome is None


async def test_a_payload_naming_no_action_is_refused_even_for_the_right_officer(app):
    await member(app, "o1", Role.OFFICER, "cao-thuong")
    await tip_flow(Resident(app, "r1"))
    [tip] = await tips(app)
    officer = Resident(app, "o1")
    for verb in ("prompt", "taken_by_other", "line", "actions", "inbox_command"):
        await officer.send(Kind.BUTTON, payload=f"tip:{verb}:{tip.id}:ask")
        assert officer.last.notice == "Lựa chọn không hợp lệ."
    [after] = await tips(app)
    assert after.status == "new" and after.taken_by is None


async def test_a_removed_officer_cannot_use_old_buttons(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    await tip_flow(Resident(app, "r1"))
    [tip] = await tips(app)
    async with app.uow() as uow:
        officer.active = False
        await uow.members.save(officer)
        await uow.commit()
    old = Resident(app, "o1")
    await old.send(Kind.BUTTON, payload=f"tip:take:{tip.id}")
    assert old.last.notice == "Đồng chí không có quyền với tin báo này."
    assert (await tips(app))[0].taken_by is None


async def test_two_officers_take_the_same_tip_one_wins(app):
    import asyncio
    await member(app, "o1", Role.OFFICER, "cao-thuong", "Đồng chí A")
    await member(app, "o2", Role.OFFICER, "cao-thuong", "Đồng chí B")
    await tip_flow(Resident(app, "r1"))
    [tip] = await tips(app)
    a, b = Resident(app, "o1"), Resident(app, "o2")
    replies = await asyncio.gather(a.send(Kind.BUTTON, payload=f"tip:take:{tip.id}"),
                                   b.send(Kind.BUTTON, payload=f"tip:take:{tip.id}"),
                                   return_exceptions=True)
    notices = [getattr(reply, "notice", "") for reply in replies]
    winners = [n for n in notices if n.startswith("✋")]
    losers = [n for n in notices if "đã được đồng chí" in n]
    busy = [reply for reply in replies if isinstance(reply, Exception)]
    assert len(winners) == 1 and len(losers) + len(busy) == 1
    if losers:
        assert "Đồng chí A" in losers[0] or "Đồng chí B" in losers[0]
    [after] = await tips(app)
    assert after.taken_by is not None


async def test_group_registration_and_strangers_pressing_buttons(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    group = dict(in_group=True, chat_id="-100777")
    stranger = Resident(app, "passer-by")
    await stranger.send(Kind.COMMAND, command="dangkynhom", **group)
    assert "Chỉ cán bộ công an" in stranger.texts()
    o = Resident(app, officer.user_id)
    await o.send(Kind.COMMAND, command="dangkynhom", **group)
    assert "Nhóm này sẽ nhận tin báo của Công an thị trấn Cao Thượng" in o.texts()
    await tip_flow(Resident(app, "r1"))
    [tip] = await tips(app)
    async with app.uow() as uow:
        chats = set(await uow.session.scalars(select(NotificationRow.chat_id)))
        strangers = await uow.subscribers.get("test", "passer-by")
    assert chats == {"o1", "-100777"} and strangers is None
    await stranger.send(Kind.BUTTON, payload=f"tip:take:{tip.id}", **group)
    assert stranger.last.notice == "Đồng chí không có quyền với tin báo này."
    await stranger.send(Kind.TEXT, text="chào cả nhà", **group)
    assert stranger.last.messages == []


async def test_database_failure_while_submitting_keeps_the_draft(app, monkeypatch):
    from handlers.ports import StorageUnavailable
    r = Resident(app, "r1")
    await start_tip(r)
    await r.type("Nội dung tin báo quan trọng")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    confirm = r.last
    from storage.repositories.tips import SqlTips
    original = SqlTips.add

    async def broken(self, *args, **kwargs):
        raise StorageUnavailable("database went away")
    monkeypatch.setattr(SqlTips, "add", broken)
    with pytest.raises(StorageUnavailable):
        await r.press("Gửi tin báo")
    monkeypatch.setattr(SqlTips, "add", original)
    assert await tips(app) == []
    async with app.uow() as uow:
        state = await uow.dialogues.get("test", "r1")
    assert state.step == "tip_confirm" and state.data["draft"]["text"] == "Nội dung tin báo quan trọng"
    r.last = confirm
    await r.press("Gửi tin báo")                # sent once the database is back
    assert "Mã tra cứu" in r.texts() and len(await tips(app)) == 1


async def test_ending_the_conversation_erases_the_link(app):
    r = Resident(app, "r1")
    await tip_flow(r)
    code = receipt_code(r)
    await r.command("ketthuc", code)
    assert "Bạn có chắc muốn kết thúc trao đổi" in r.screen().text     # asked first, like /huy
    async with app.uow() as uow:
        assert list(await uow.session.scalars(select(TipLinkRow))) != []
    await r.press("Không, giữ liên lạc")
    assert "Vẫn giữ liên lạc" in r.texts()
    await r.command("ketthuc")                     # no code: it asks for one
    assert "Nhập mã tra cứu của tin báo muốn kết thúc" in r.screen().text
    await r.type(code)
    await r.press("Có, kết thúc")
    assert "Đã kết thúc trao đổi" in r.texts()
    async with app.uow() as uow:
        assert list(await uow.session.scalars(select(TipLinkRow))) == []
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    [tip] = await tips(app)
    o = Resident(app, officer.user_id)
    await o.send(Kind.BUTTON, payload=f"tip:ask:{tip.id}")
    assert "Không thể liên lạc với người báo" in o.texts()


async def test_escalation_to_the_duty_desk_once(app):
    desk = await member(app, "cmd", Role.COMMAND, "tan-yen")
    await tip_flow(Resident(app, "r1"))
    async with app.uow() as uow:
        await uow.session.execute(update(TipRow).values(
            created_at=datetime.now(timezone.utc) - timedelta(hours=3)))
        await uow.session.execute(NotificationRow.__table__.delete())
        await uow.commit()
    rules = TipRules(escalation_minutes=120)
    assert await escalate_unclaimed(app.uow, app.catalog, rules) == 1
    assert await escalate_unclaimed(app.uow, app.catalog, rules) == 0
    async with app.uow() as uow:
        rows = list(await uow.session.scalars(select(NotificationRow)))
        kinds = list(await uow.session.scalars(select(LedgerRow.kind)))
        uow.session.expunge_all()
    assert [r.chat_id for r in rows] == [desk.user_id]
    assert "chưa có ai nhận sau 120 phút" in rows[0].payload["text"]
    assert kinds.count("tip_escalated") == 1


async def test_retention_erases_links_and_contents_but_keeps_counts(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    await tip_flow(Resident(app, "r1"), contact="0912 345 678")
    [tip] = await tips(app)
    o = Resident(app, officer.user_id)
    await o.send(Kind.BUTTON, payload=f"tip:close:{tip.id}")
    async with app.uow() as uow:
        await uow.session.execute(update(TipRow).values(
            closed_at=datetime.now(timezone.utc) - timedelta(days=800)))
        await uow.session.execute(update(TipLinkRow).values(
            erase_after=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await uow.commit()
    result = await apply_retention(app.uow, TipRules(content_retention_days=730))
    assert result["links"] == 1 and result["contents"] == 1
    [after] = await tips(app)
    assert after.text == "" and after.contact == "" and after.erased_at is not None
    assert after.category == "drugs" and after.status == "closed"
    async with app.uow() as uow:
        kinds = list(await uow.session.scalars(select(LedgerRow.kind)))
    assert kinds.count("tip_submitted") == 1 and kinds.count("tip_closed") == 1


async def test_invites_in_chat_respect_roles(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    o = Resident(app, officer.user_id)
    await o.command("moi", "canbo cao-thuong")
    assert "không có quyền" in o.texts()
    await o.command("moi", "to an-duong Tổ 1")
    assert "không có quyền" in o.texts()
    await o.command("moi", "to cao-thuong Tổ an ninh thôn 3")
    import re
    code = re.search(r"Mã mời: (\w{5}-\w{5})", o.texts()).group(1)
    newcomer = Resident(app, "new-member")
    await newcomer.command("thamgia", code)
    await newcomer.type("Lê Văn Tư")
    assert "Bạn đã tham gia Tổ an ninh thôn 3 (Công an" in newcomer.texts()   # its own team
    again = Resident(app, "someone-else")
    await again.command("thamgia", code)
    assert "đã được sử dụng" in again.texts()
    resident = Resident(app, "r9")
    await resident.onboard()
    await resident.command("moi", "quantri")
    assert "không có quyền" in resident.texts()


async def test_inbox_shows_own_unit_and_the_command_sees_all(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    command = await member(app, "cmd", Role.COMMAND, "tan-yen")
    for n in range(6):
        await tip_flow(Resident(app, f"r{n}"), text=f"Tin báo số {n} ở Cao Thượng")
    r = Resident(app, "other")
    await start_tip(r, "Cờ bạc", "an duong")
    await r.type("Sới bạc ở An Dương")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")
    o = Resident(app, officer.user_id)
    await o.command("tinbao")
    assert "Có 6 tin báo đang mở" in o.texts()
    new = [label for label in o.labels() if label.startswith("🆕 #")]
    assert len(new) == 5 and "Trang sau ▶️" in o.labels()
    await o.press("Trang sau")
    assert len([label for label in o.labels() if label.startswith("🆕 #")]) == 1
    c = Resident(app, command.user_id)
    await c.command("tinbao")
    assert "Có 7 tin báo đang mở" in c.texts()
    resident = Resident(app, "r0")
    await resident.command("tinbao")
    assert "dành cho cán bộ công an" in resident.texts()


async def test_move_note_and_duplicate(app):
    officer = await member(app, "o1", Role.OFFICER, "cao-thuong")
    receiver = await member(app, "o2", Role.OFFICER, "viet-lap")
    await tip_flow(Resident(app, "r1"), text="Tin báo đầu tiên về ma túy")
    await tip_flow(Resident(app, "r2"), text="Tin báo thứ hai cùng vụ ma túy")
    first, second = await tips(app)
    o = Resident(app, officer.user_id)
    await o.send(Kind.BUTTON, payload=f"tip:note:{first.id}")
    await o.type("Đã cử tổ công tác xác minh")
    assert "Đã lưu ghi chú" in o.texts()
    await o.send(Kind.BUTTON, payload=f"tip:outcome:{second.id}:duplicate")
    await o.type(f"#{first.label}")
    assert "Trùng tin khác" in o.texts()
    await o.send(Kind.BUTTON, payload=f"tip:move:{first.id}")
    await o.type("viet lap")
    await o.type("Địa điểm thuộc xã Việt Lập")
    assert "Đã chuyển tin báo" in o.texts() and "Xã Việt Lập" in o.texts()
    moved, dup = await tips(app)
    assert dup.outcome == "duplicate" and dup.duplicate_of == first.id
    async with app.uow() as uow:
        unit = await uow.units.by_id(moved.unit_id)
        notified = list(await uow.session.scalars(select(NotificationRow).where(
            NotificationRow.chat_id == receiver.user_id)))
        thread = await uow.tips.thread(first.id)
        kinds = list(await uow.session.scalars(select(LedgerRow.kind)))
        uow.session.expunge_all()
    assert unit.slug == "viet-lap" and moved.taken_by is None and moved.status == "new"
    assert len(notified) == 1 and "Địa điểm thuộc xã Việt Lập" in notified[0].payload["text"]
    assert [m.direction for m in thread] == ["note"]
    assert "tip_moved" in kinds
    back = Resident(app, officer.user_id)
    await back.send(Kind.BUTTON, payload=f"tip:take:{first.id}")   # no longer his unit
    assert back.last.notice == "Đồng chí không có quyền với tin báo này."


async def test_a_shared_location_is_routed_by_imported_boundaries(app):
    square = {"type": "Polygon", "coordinates": [[[106.0, 21.3], [106.2, 21.3], [106.2, 21.5],
                                                  [106.0, 21.5], [106.0, 21.3]]]}
    async with app.uow() as uow:
        assert await uow.units.set_boundary("phuc-hoa", square)
        await uow.commit()
    r = Resident(app, "r1")
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.send(Kind.LOCATION, location=(21.4, 106.1))
    assert "thuộc Xã Phúc Hòa" in r.texts()
    r2 = Resident(app, "r2")
    await r2.command("tobao")
    await r2.press("tiếp tục")
    await r2.press("Ma túy")
    await r2.send(Kind.LOCATION, location=(10.0, 100.0))
    assert "Vui lòng chọn thêm xã" in r2.texts()
