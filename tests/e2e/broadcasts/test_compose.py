"""Officers compose, preview, confirm and watch bulletins in the chat (the dialogue, real storage)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from broadcasts.recurrence import next_occurrence, to_vietnam_time
from handlers.domain import Role
from handlers.messages import Attachment, Kind
from storage.repositories.broadcast_lifecycle import BroadcastLifecycle
from storage.tables.broadcasts import BroadcastRow
from tests.e2e.broadcasts.people import broadcast_row, member, outbox_rows, resident
from tests.fakes.resident import Resident

CHANNEL = "test"


@pytest.fixture
async def chat(app):
    app.broadcasts.channels[:] = [CHANNEL]       # the test channel counts as a drained channel
    yield app
    app.broadcasts.channels[:] = []


async def officer(app, user_id="900", role=Role.OFFICER, slug="cao-thuong") -> Resident:
    person = Resident(app, user_id, channel=CHANNEL)
    await person.onboard()
    await member(app, user_id, role, slug=slug, channel=CHANNEL)
    return person


async def compose_until_preview(person: Resident, text="Cảnh báo: giả danh công an gọi điện",
                                when="Gửi ngay") -> None:
    await person.command("phatcanhbao")
    assert "Phát bản tin cảnh báo" in person.texts()
    await person.type(text)
    await person.press("Không kèm ảnh")
    await person.press("Lừa đảo")
    await person.press("Tiếp")
    await person.press("Tiếp")                          # an officer's own commune is chosen
    await person.press("Người dân đăng ký")
    if when == "Gửi ngay":
        await person.press(when)
    else:
        await person.type(when)
    await person.press("24 giờ")


async def broadcasts_stored(app) -> list:
    async with app.engine.connect() as conn:
        table = BroadcastRow.__table__
        return list(await conn.execute(select(table).where(table.c.status != "draft")))


async def test_officer_previews_exactly_what_residents_get_and_confirms_once(chat):
    for n in range(1, 4):
        await resident(chat, 100 + n, channel=CHANNEL)
    await resident(chat, 200, slug="viet-ngoc", channel=CHANNEL)
    person = await officer(chat)
    await compose_until_preview(person)
    texts = [m.text for m in person.last.messages]
    assert texts[0] == "Cảnh báo: giả danh công an gọi điện"   # no link on the test channel
    assert "Số người sẽ nhận: 4" in texts[-1]                # 3 residents and the officer
    assert "Thị trấn Cao Thượng" in texts[-1] and "Lừa đảo trên mạng" in texts[-1]
    send = next(b.payload for b in person.screen().numbered() if "Gửi bản tin" in b.label)
    await asyncio.gather(person.send(Kind.BUTTON, payload=send),
                         person.send(Kind.BUTTON, payload=send))   # confirm pressed twice
    stored = await broadcasts_stored(chat)
    assert len(stored) == 1 and stored[0].status == "scheduled"
    assert stored[0].sender.startswith("member:")
    steps = BroadcastLifecycle(chat.engine, next_occurrence)
    await steps.start_due(datetime.now(timezone.utc))
    await steps.fan_out([CHANNEL])
    assert sorted(r.chat_id for r in await outbox_rows(chat, stored[0].id)) == [
        "101", "102", "103", "900"]
    await person.send(Kind.BUTTON, payload=send)            # a third press, much later
    assert len(await broadcasts_stored(chat)) == 1


async def test_watch_pause_resume_cancel_and_a_finished_one_offers_nothing(chat):
    await resident(chat, 101, channel=CHANNEL)
    person = await officer(chat)
    await compose_until_preview(person)
    await person.press("Gửi bản tin")
    (stored,) = await broadcasts_stored(chat)
    assert "đã lên lịch" in person.texts()
    steps = BroadcastLifecycle(chat.engine, next_occurrence)
    await steps.start_due(datetime.now(timezone.utc))
    await person.press("Cập nhật")
    assert "đang gửi" in person.texts()
    await person.press("Tạm dừng")
    assert person.last.notice == "Đã tạm dừng." and "tạm dừng" in person.texts()
    await person.type("1")                                  # typed number: resume (Zalo way)
    assert (await broadcast_row(chat, stored.id)).status == "running"
    await person.press("Hủy gửi")
    assert (await broadcast_row(chat, stored.id)).status == "cancelled"
    assert person.labels() == ["🔄 Cập nhật", "◀️ Về menu"]   # nothing more to do to it
    forged = await person.send(Kind.BUTTON, payload="bc_watch:resume")
    assert forged.notice == "Nút này đã cũ. Mời bạn dùng tin nhắn mới nhất."
    assert (await broadcast_row(chat, stored.id)).status == "cancelled"


async def test_residents_and_team_members_are_politely_refused(chat):
    person = Resident(chat, "300", channel=CHANNEL)
    await person.onboard()
    await person.command("phatcanhbao")
    assert "chỉ cán bộ công an mới phát được" in person.texts()
    await member(chat, "300", Role.TEAM_MEMBER, channel=CHANNEL)
    await person.command("phatcanhbao")
    assert "chỉ cán bộ công an mới phát được" in person.texts()
    assert "Phát cảnh báo" not in str(person.screen().menu)


async def test_officer_cannot_target_communes_outside_their_unit(chat):
    person = await officer(chat)
    await person.command("phatcanhbao")
    await person.type("Cảnh báo cháy nổ")
    await person.press("Không kèm ảnh")
    await person.press("Lừa đảo")
    await person.press("Tiếp")
    assert person.labels()[0] == "✅ Cao Thượng" and "Toàn bộ địa bàn" not in person.labels()
    await person.type("viet ngoc")                          # typed: another commune
    assert "chỉ được phát bản tin tới xã, thị trấn thuộc đơn vị mình" in person.texts()
    forged = await person.send(Kind.BUTTON, payload="bc_units:all")
    assert forged.notice == "Nút này đã cũ. Mời bạn dùng tin nhắn mới nhất."
    async with chat.uow() as uow:                           # moved to another unit meanwhile
        me = await uow.members.get(CHANNEL, "900")
        me.unit_id = (await uow.units.by_slug("viet-ngoc")).id
        await uow.members.save(me)
        await uow.commit()
    await person.press("Tiếp")
    assert "chỉ được phát bản tin tới xã, thị trấn thuộc đơn vị mình" in person.texts()


async def test_command_sends_to_the_whole_area_from_the_library(chat):
    await resident(chat, 101, channel=CHANNEL)
    await resident(chat, 102, slug="viet-ngoc", channel=CHANNEL)
    person = await officer(chat, "901", role=Role.COMMAND, slug=None)
    await person.command("phatcanhbao")
    await person.press("thư viện")
    await person.press("Ma túy")
    first = person.labels()[0]
    await person.press(first)
    await person.press("Không kèm ảnh")
    assert person.labels()[2] == "✅ Ma túy"                 # the library bulletin's topic
    await person.press("Tiếp")
    await person.press("Toàn bộ địa bàn")
    await person.press("Tiếp")
    await person.press("Người dân đăng ký và thành viên Tổ an ninh tự quản")
    await person.press("Gửi ngay")
    await person.press("3 ngày")
    assert "Người nhận: Người dân đăng ký và thành viên Tổ an ninh tự quản" in person.texts()
    assert "Hết hạn: sau 3 ngày kể từ lúc gửi" in person.texts()   # the unit chosen, not 72 giờ
    assert first.rstrip("…") in person.last.messages[0].text
    assert "Toàn bộ địa bàn" in person.texts() and "Số người sẽ nhận: 3" in person.texts()
    await person.press("Gửi bản tin")
    (stored,) = await broadcasts_stored(chat)
    assert stored.all_units and stored.audience == "both" and stored.bulletin_id is not None
    assert stored.expires_at - stored.start_at == timedelta(days=3)


async def test_bad_schedules_are_explained_and_nothing_is_stored(chat):
    person = await officer(chat)
    await person.command("phatcanhbao")
    await person.type("   ")
    assert "Nội dung bản tin đang trống" in person.texts()
    await person.type("ồ" * 4001)
    assert "dài quá (4.000 ký tự trở xuống" in person.texts()   # a bulletin's own limit
    await person.send(Kind.MEDIA, media="photo", text="",
                      attachments=(Attachment("photo", "AgAC-file"),))
    assert "Phát bản tin cảnh báo" in person.texts()        # a photo needs its text
    await person.type("Cảnh báo trộm cắp")
    await person.type("ảnh đâu")
    assert "Ảnh chưa hợp lệ" in person.texts()
    await person.type("https://example.org/canh-bao.jpg")
    await person.press("Trộm cắp")
    await person.press("Tiếp")
    await person.press("Tiếp")
    await person.press("Người dân đăng ký")
    await person.type("01/01/2020 08:00")
    assert "Thời điểm 01/01/2020 08:00 đã qua" in person.texts()
    await person.type("weekly:xyz@8")
    assert 'Lịch lặp "weekly:xyz@8" chưa đúng mẫu' in person.texts()
    await person.type("thứ hai 08:00")           # once, or every Monday? asked, not guessed
    assert 'Lịch lặp "thứ hai 08:00" chưa đúng mẫu. Gõ như: thứ hai hằng tuần 08:00' \
        in person.texts()
    await person.type("ngày mai")
    assert "Chưa đọc được ngày giờ" in person.texts()
    start = to_vietnam_time(datetime.now(timezone.utc)) + timedelta(days=2)
    await person.type(start.strftime("%d/%m/%Y 08:00"))
    await person.type(start.strftime("%d/%m/%Y 07:00"))     # expiry before the start
    assert "không được trước hoặc trùng thời điểm bắt đầu gửi" in person.texts()
    await person.type("2 ngày")
    assert "Kèm ảnh: https://example.org/canh-bao.jpg" in person.texts()
    await person.press("Hủy")
    assert "Đã hủy soạn bản tin" in person.texts()
    assert await broadcasts_stored(chat) == []


@pytest.mark.parametrize("typed", ["weekly:mon,thu@08:00", "thứ 2 và thứ 5 hằng tuần 8h",
                                   "thu hai va thu nam hang tuan 08:00"])
async def test_a_recurring_bulletin_is_scheduled_from_a_typed_rule(chat, typed):
    person = await officer(chat)
    await compose_until_preview(person, when=typed)
    assert "Lặp lại: thứ hai và thứ năm hằng tuần, 08:00. Lần tới:" in person.texts()
    assert "weekly:" not in person.texts()
    await person.press("Gửi bản tin")
    (stored,) = await broadcasts_stored(chat)
    assert stored.recurrence == "weekly:mon,thu@08:00" and stored.valid_seconds == 86400
    assert to_vietnam_time(stored.start_at.replace(tzinfo=timezone.utc)).hour == 8
    async with chat.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(BroadcastRow)) == 1


async def test_a_photo_with_its_caption_is_the_bulletin_and_its_picture(chat):
    person = await officer(chat)
    await person.command("phatcanhbao")
    await person.send(Kind.MEDIA, media="photo", text="Cảnh báo: thủ đoạn lừa đảo mới",
                      attachments=(Attachment("photo", "AgAC-small"), ))
    assert person.texts().startswith("🔔 Bản tin thuộc chủ đề nào?")
    await person.command("phatcanhbao")
    await person.type("Cảnh báo cháy chợ")
    await person.send(Kind.MEDIA, media="photo", attachments=(Attachment("photo", "AgAC-2"),))
    await person.press("Phòng cháy")
    await person.press("Tiếp")
    await person.press("Tiếp")
    await person.press("Người dân đăng ký")
    await person.press("Gửi ngay")
    await person.press("6 giờ")
    assert person.last.messages[0].attachments == (Attachment("photo", "AgAC-2"),)
    await person.press("Gửi bản tin")
    (stored,) = await broadcasts_stored(chat)
    assert stored.photo_ref == "AgAC-2" and stored.text == "Cảnh báo cháy chợ"
    assert stored.expires_at - stored.start_at == timedelta(hours=6)
