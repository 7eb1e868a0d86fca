"""A self-management team member reports an incident at the console, typing only: the report
speaks as a report under the member's name ("Báo cáo", no anonymity wording, no "bấm") and says
when it happened the way Vietnamese documents do ("lúc 07:05 ngày 03/12/2026")."""
from __future__ import annotations

import re

from sqlalchemy import select

from handlers.domain import Member, Role
from storage.tables.tips import TipRow
from tests.e2e.test_console import chat

MEMBER = "team-member"


async def test_a_team_member_reports_by_typing_at_the_console(app, database_url):
    async with app.uow() as uow:
        unit = await uow.units.by_slug("cao-thuong")
        team = await uow.teams.ensure(unit.id, "Tổ an ninh khu 2")
        await uow.members.save(Member(channel="console", user_id=MEMBER, role=Role.TEAM_MEMBER,
                                      unit_id=unit.id, name="Lê Văn Bình", team_id=team))
        await uow.commit()
    out = await chat(database_url, ["tt cao thuong", "xong", "/baocao", "gay roi",
                                    "Chợ Cao Thượng", "07:05 01/12", "Hai người to tiếng, "
                                    "xô xát trước cổng chợ, Tổ đã can ngăn", "bo qua"], MEMBER)
    report = out[out.index("Vụ việc thuộc loại nào"):]
    assert "Hủy báo cáo" in report and "Không ghi tên" not in report
    assert "Báo cáo của Lê Văn Bình (Tổ an ninh khu 2)" in report
    assert re.search(r"Thời gian xảy ra: 07:05 ngày 01/12/20\d\d", report)
    assert "ẩn danh" not in report and "bấm" not in report.lower()
    assert "Gửi báo cáo" in report
    async with app.uow() as uow:
        assert list(await uow.session.scalars(select(TipRow))) == []   # not sent yet
