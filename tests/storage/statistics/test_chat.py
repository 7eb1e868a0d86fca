"""/thongke and /ghinhan through the real dialogue and storage, as people would use them."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import select

from bot.report import chart, report_file
from handlers.domain import Member, Role
from handlers.screens import build_dialogue
from handlers.statistics.feature import statistics_feature
from storage.tables.statistics import ActivityRow
from tests.fakes.resident import Resident

NOW = datetime(2025, 7, 15, 3, tzinfo=timezone.utc)       # 10:00 on 15 July 2025 in Vietnam


@pytest.fixture
def talk(app):
    """People talking to a dialogue whose "today" is 15 July 2025."""
    dialogue = build_dialogue(app.uow, app.catalog,
                              extra=[statistics_feature(chart=chart, clock=lambda: NOW,
                                                         report_file=report_file)])
    stage = SimpleNamespace(dialogue=dialogue)
    return lambda user_id: Resident(stage, user_id=user_id)


async def member(app, user_id: str, role: Role, unit: str | None, team: str | None = None):
    async with app.uow() as uow:
        unit_id = (await uow.units.by_slug(unit)).id if unit else None
        team_id = await uow.teams.ensure(unit_id, team) if team else None
        await uow.members.save(Member(channel="test", user_id=user_id, role=role,
                                      unit_id=unit_id, team_id=team_id, name=f"{role.value}"))
        await uow.commit()


async def start(person) -> None:
    await person.command("start")


async def test_residents_and_team_members_are_politely_refused(app, talk):
    resident = talk("1001")
    await resident.onboard()
    await resident.command("thongke")
    assert "chỉ dành cho cán bộ Công an" in resident.texts()
    await resident.command("ghinhan")
    assert "ghi nhận hoạt động chỉ dành cho cán bộ" in resident.texts()
    assert "📊 Thống kê" not in str(resident.screen().menu)
    assert resident.screen().text.startswith("Bạn cần gì?")
    await member(app, "2001", Role.TEAM_MEMBER, "cao-thuong", "Tổ 1")
    team = talk("2001")
    await start(team)
    await team.command("thongke")
    assert "chỉ dành cho cán bộ Công an" in team.texts()


async def test_an_officer_gets_their_units_summary_and_a_chart(app, talk, known_ledger):
    await member(app, "3001", Role.OFFICER, "cao-thuong")
    officer = talk("3001")
    await start(officer)
    await officer.command("thongke")
    assert "Thống kê Thị trấn Cao Thượng" in officer.screen().text
    assert officer.labels()[:4] == ["Tháng này", "Tháng trước", "Năm nay",
                                   "🗓 Chọn khoảng thời gian"]
    await officer.type("2")                                   # last month: June 2025
    summary = next(m for m in officer.last.messages if m.image)
    assert summary.text.splitlines()[0] == "📊 Thống kê Thị trấn Cao Thượng · tháng 6/2025"
    assert "📣 Bản tin: 2 · lượt người nhận: 10 (thành công 90,9%)" in summary.text
    assert "📥 Tin báo: 1, có giá trị 1 (100%)" in summary.text
    assert "⏱ Tiếp nhận xử lý: trung vị 10 phút, 90% trong vòng 10 phút" in summary.text
    image = Image.open(io.BytesIO(summary.image))
    assert image.format == "PNG" and image.size == (1200, 800)
    assert officer.labels() == ["📄 Tải báo cáo (Word)", "📊 Excel", "📑 Tải báo cáo (PDF)",
                                "✔️ Xong"]
    # A channel without files (console, Zalo) says how to get the file instead.
    await officer.type("1")
    assert "Kênh này chưa gửi được tệp" in officer.texts()
    assert ("python -m bot report --from 2025-06-01 --to 2025-06-30 --unit cao-thuong "
            "--format docx") in officer.texts()
    assert not any(m.document for m in officer.last.messages)
    await officer.type("3")
    assert "--format pdf" in officer.texts()
    await officer.type("4")
    assert officer.screen().menu and "📊 Thống kê" in str(officer.screen().menu)
    # Greeted "Chào đồng chí", an officer is not asked "Bạn cần gì?".
    assert officer.screen().text.startswith("Đồng chí cần gì?")


async def test_an_officer_cannot_see_another_unit(app, talk, known_ledger):
    await member(app, "3002", Role.OFFICER, "cao-thuong")
    officer = talk("3002")
    await start(officer)
    await officer.command("thongke", "nha-nam")
    assert "chỉ xem được số liệu của đơn vị mình" in officer.texts()
    await officer.command("thongke", "tan-yen")                 # not even the district
    assert "chỉ xem được số liệu của đơn vị mình" in officer.texts()


async def test_the_command_picks_any_unit_or_all_and_a_custom_range(app, talk, known_ledger):
    await member(app, "4001", Role.COMMAND, "tan-yen")
    command = talk("4001")
    await start(command)
    await command.command("thongke")
    assert command.labels()[0] == "🌐 Toàn địa bàn"
    await command.type("1")
    await command.type("4")
    assert "01/01/2025 - 31/03/2025" in command.screen().text
    await command.type("31/07/2025 - 01/06/2025")
    assert "Ngày kết thúc đang trước ngày bắt đầu" in command.texts()
    await command.type("ngày mai")
    assert "Cần hai ngày" in command.texts()
    await command.type("01/06/2025 - 31/07/2025")
    text = command.texts()
    assert "📊 Thống kê toàn địa bàn · từ ngày 01/06/2025 đến ngày 31/07/2025" in text
    assert "📥 Tin báo: 7, có giá trị 3 (42,9%) · chuyển đơn vị 1 · chuyển trực ban 1" in text
    assert "🛡 Tổ an ninh tự quản: 3 tổ, 5 thành viên · báo cáo vụ việc: 1" in text
    await command.command("thongke")
    await command.type("nha nam")                              # a unit typed by name
    await command.type("1")                                    # this month: July 2025
    assert "📊 Thống kê Thị trấn Nhã Nam · tháng 7/2025" in command.texts()
    assert "📥 Tin báo: 1, có giá trị 0 (0%)" in command.texts()


async def test_an_empty_period_says_so_without_a_chart(app, talk):
    await member(app, "4002", Role.ADMIN, None)
    admin = talk("4002")
    await start(admin)
    await admin.command("thongke", "cao-thuong")
    await admin.press("Năm nay")
    assert "chưa ghi nhận hoạt động tuyên truyền, tin báo nào" in admin.texts()
    assert not any(m.image for m in admin.last.messages)


async def stored_activities(app) -> list[ActivityRow]:
    async with app.uow() as uow:
        rows = list(await uow.session.scalars(select(ActivityRow).order_by(ActivityRow.id)))
        return [(r.category, r.day.isoformat(), r.count, r.attendance, r.note, r.recorded_by)
                for r in rows]


async def test_recording_an_activity_by_typing_numbers_only(app, talk):
    """The Zalo Bot Platform has no buttons: every step works by typing."""
    await member(app, "3003", Role.OFFICER, "cao-thuong")
    officer = talk("3003")
    await start(officer)
    await officer.command("ghinhan")
    assert "Ghi nhận hoạt động của Thị trấn Cao Thượng" in officer.screen().text
    await officer.type("1")                                   # conference
    await officer.type("16/07/2025")
    assert "Ngày này chưa tới" in officer.texts()
    await officer.type("14/07/2025")
    for typed, answer in (("-3", "không thể là số âm"), ("ba", 'Chưa đọc được số "ba"'),
                          ("100000", "từ 1 đến 100"), ("0", "từ 1 đến 100")):
        await officer.type(typed)
        assert answer in officer.texts(), typed
    await officer.type("2")
    assert "bao nhiêu lượt người tham dự" in officer.screen().text
    await officer.type("1.200")
    await officer.type("Hội nghị ở thôn Đông")
    confirm = officer.screen().text
    assert "🗓 Ngày: 14/07/2025" in confirm and "👥 Người tham dự: 1.200" in confirm
    await officer.type("1")                                   # save
    assert "✅ Đã ghi nhận hoạt động #" in officer.texts()
    member_id = await _member_id(app, "3003")
    assert await stored_activities(app) == [("conference", "2025-07-14", 2, 1200,
                                             "Hội nghị ở thôn Đông", f"member:{member_id}")]


async def _member_id(app, user_id: str) -> int:
    async with app.uow() as uow:
        return (await uow.members.get("test", user_id)).id


async def test_recording_with_buttons_and_the_audit_log(app, talk):
    await member(app, "3004", Role.OFFICER, "nha-nam")
    officer = talk("3004")
    await start(officer)
    await officer.command("ghinhan")
    await officer.press("Phát thanh")
    await officer.press("Hôm nay")
    await officer.type("10")
    await officer.type("5")
    assert "không thể ít hơn số tin bài" in officer.texts()
    await officer.type("40")
    await officer.press("Bỏ qua")
    await officer.press("Lưu")
    saved = officer.texts()
    record = saved.split("#")[1].split(".")[0]
    async with app.uow() as uow:
        audit = [(a.action, a.actor) for a in await uow.audit.of("activity", record)]
        stored = await uow.activities.get(int(record))
    assert audit == [("activity.recorded", f"member:{await _member_id(app, '3004')}")]
    assert (stored.category, stored.count, stored.aired, str(stored.day)) == (
        "loudspeaker", 10, 40, "2025-07-15")


async def test_recording_for_another_unit_is_refused_and_cancel_saves_nothing(app, talk):
    await member(app, "3005", Role.OFFICER, "cao-thuong")
    officer = talk("3005")
    await start(officer)
    await officer.command("ghinhan", "nha-nam")
    assert "chỉ ghi nhận được hoạt động của đơn vị mình" in officer.texts()
    await officer.command("ghinhan")
    await officer.press("Hòa giải")
    await officer.press("Hôm qua")
    await officer.type("5")
    await officer.type("6")
    assert "không thể nhiều hơn số vụ đã hòa giải" in officer.texts()
    await officer.type("4")
    await officer.type("Hòa giải tranh chấp đất")
    await officer.press("Hủy")
    assert "Đã hủy, chưa lưu gì" in officer.texts()
    assert await stored_activities(app) == []


async def test_the_command_records_for_a_chosen_unit(app, talk):
    await member(app, "4003", Role.COMMAND, "tan-yen")
    command = talk("4003")
    await start(command)
    await command.command("ghinhan")
    assert "🌐 Toàn địa bàn" not in command.labels()            # an activity needs a unit
    await command.type("lan gioi")
    await command.press("Tin bài trên Trang Zalo")
    await command.type("2/7/2025")
    await command.type("3")
    await command.press("Bỏ qua")
    assert "🏢 Đơn vị: Xã Lan Giới" in command.screen().text
    await command.press("Lưu")
    assert [r[:3] for r in await stored_activities(app)] == [("zalo_post", "2025-07-02", 3)]
