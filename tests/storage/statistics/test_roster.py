"""The teams' real roster imported from a CSV file through the command line (both databases):
every row checked, nothing imported when one is wrong, a re-import updates, and the report's
"Tổ an ninh tự quản" figures put the roster next to the teams in the bot."""
from __future__ import annotations

import io

from docx import Document
from sqlalchemy import func, select

from bot.report import render
from handlers.statistics.labels import Labels
from storage.tables.core import RosterMemberRow, TeamRow
from tests.storage.statistics.conftest import figures
from tests.storage.statistics.test_outputs import run_cli

ROSTER = """Xã,Tổ,Họ tên,Chức vụ,Số điện thoại
cao thuong,Tổ an ninh thôn Đồng,Nguyễn Văn An,Tổ trưởng,0912 345 678
Thị trấn Cao Thượng,Tổ an ninh thôn Đồng,Trần Thị Bình,Tổ phó,
CAO THƯỢNG,Tổ an ninh thôn Đồng,Lê Văn Cường,,+84 987.654.321
Xã Liên Sơn,Tổ an ninh thôn Hạ,Phạm Văn Dũng,tổ trưởng,0988111222
lien-son,Tổ an ninh thôn Hạ,Hoàng Thị Em,Thành viên,
"""


def write(tmp_path, text: str, name: str = "roster.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


async def roster_rows(app) -> tuple[int, int]:
    async with app.uow() as uow:
        teams = await uow.session.scalar(select(func.count()).select_from(TeamRow).where(
            TeamRow.on_roster))
        people = await uow.session.scalar(select(func.count()).select_from(RosterMemberRow))
    return teams, people


async def test_a_roster_is_imported_and_listed(app, database_url, tmp_path):
    out, _ = await run_cli(database_url, "teams", "import", write(tmp_path, ROSTER))
    assert out.strip() == ("Đã nhập danh sách Tổ an ninh tự quản: 2 tổ mới, 0 tổ đã có; "
                           "5 thành viên mới, 0 cập nhật, 0 bỏ khỏi danh sách.")
    assert await roster_rows(app) == (2, 5)
    out, _ = await run_cli(database_url, "teams", "list", "--unit", "cao-thuong")
    assert "Cao Thượng · Tổ an ninh thôn Đồng: 3 thành viên" in out
    assert "  - Nguyễn Văn An (Tổ trưởng) · 0912345678" in out
    assert "  - Lê Văn Cường (Thành viên) · 84987654321" in out
    assert "Liên Sơn" not in out


async def test_bad_rows_are_named_by_line_and_nothing_is_imported(app, database_url, tmp_path):
    bad = ROSTER + ("Xã Không Có,Tổ 9,Ngô Văn F,,\n"
                    "cao thuong,Tổ an ninh thôn Đồng,Đỗ Văn G,đội trưởng,\n"
                    "cao thuong,Tổ an ninh thôn Đồng,Vũ Văn H,,12345\n"
                    "cao thuong,,Bùi Văn I,,\n"
                    "cao thuong,tổ an ninh thôn đồng,Nguyễn Văn An,,\n")
    _, err = await run_cli(database_url, "teams", "import", write(tmp_path, bad), ok=False)
    lines = err.strip().splitlines()
    assert lines[0] == "Chưa nhập gì: 5 dòng cần sửa, sửa xong chạy lại lệnh."
    assert lines[1].startswith('Dòng 7: không có xã, thị trấn "Xã Không Có" trong danh mục')
    assert lines[2].startswith('Dòng 8: chức vụ "đội trưởng" chưa rõ')
    assert lines[3].startswith('Dòng 9: số điện thoại "12345" chưa đúng')
    assert lines[4] == "Dòng 10: chưa ghi tên tổ."
    assert lines[5] == 'Dòng 11: "Nguyễn Văn An" đã có trong tổ này ở dòng 2.'
    assert "Traceback" not in err
    assert await roster_rows(app) == (0, 0)
    _, err = await run_cli(database_url, "teams", "import",
                           write(tmp_path, "Tên,Ghi chú\nA,B\n", "columns.csv"), ok=False)
    assert "Dòng 1: thiếu cột xã, thị trấn (cột “Xã”)." in err
    _, err = await run_cli(database_url, "teams", "import",
                           write(tmp_path, ROSTER, "old.csv", "utf-16"), ok=False)
    assert 'không phải UTF-8' in err
    _, err = await run_cli(database_url, "teams", "import", str(tmp_path / "none.csv"), ok=False)
    assert "Không đọc được tệp" in err and "Traceback" not in err
    assert await roster_rows(app) == (0, 0)


async def test_a_re_import_updates_and_does_not_duplicate(app, database_url, tmp_path):
    path = write(tmp_path, ROSTER)
    await run_cli(database_url, "teams", "import", path)
    out, _ = await run_cli(database_url, "teams", "import", path)
    assert "0 tổ mới, 2 tổ đã có; 0 thành viên mới, 0 cập nhật, 0 bỏ khỏi" in out
    assert await roster_rows(app) == (2, 5)
    # Excel's own CSV: semicolons and a BOM; Bình gets a phone, Cường has left the team.
    changed = "\ufeff" + "\n".join(
        line.replace(",", ";") for line in ROSTER.splitlines()
        if "Cường" not in line).replace("Tổ phó;", "Tổ phó;0911000111") + "\n"
    out, _ = await run_cli(database_url, "teams", "import", write(tmp_path, changed, "excel.csv"))
    assert "0 tổ mới, 2 tổ đã có; 0 thành viên mới, 1 cập nhật, 1 bỏ khỏi" in out
    assert await roster_rows(app) == (2, 4)


async def test_a_team_created_by_an_invite_is_the_same_team_on_the_roster(app, database_url,
                                                                         tmp_path):
    async with app.uow() as uow:
        unit = await uow.units.by_slug("cao-thuong")
        invited = await uow.teams.ensure(unit.id, "Tổ An Ninh Thôn Đồng")
        await uow.commit()
    out, _ = await run_cli(database_url, "teams", "import", write(tmp_path, ROSTER))
    assert "1 tổ mới, 1 tổ đã có" in out
    async with app.uow() as uow:
        assert (await uow.session.get(TeamRow, invited)).on_roster


async def test_the_report_puts_the_roster_next_to_the_bots_teams(app, database_url, known_ledger,
                                                                tmp_path):
    await run_cli(database_url, "teams", "import", write(tmp_path, ROSTER))
    found = await figures(app)
    counts = found.total.counts
    # The known ledger's bot: 3 teams with 5 active members; the roster: 2 teams, 5 people.
    assert (counts.teams, counts.team_members) == (3, 5)
    assert (counts.roster_teams, counts.roster_members) == (2, 5)
    labels = Labels(app.catalog, "vi")
    doc = Document(io.BytesIO(render(found, "docx", labels)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert ("Theo danh sách Tổ an ninh tự quản các đơn vị nhập vào chatbot (đơn vị ghi nhận), "
            "hiện nay trên toàn địa bàn có 2 Tổ an ninh tự quản với 5 thành viên.") in text
    assert "Trên chatbot (chatbot thống kê) có 3 Tổ với 5 thành viên đã tham gia." in text
    table = next([[c.text for c in row.cells] for row in t.rows] for t in doc.tables
                 if t.rows[0].cells[1].text == "Theo danh sách (đơn vị ghi nhận)")
    assert table[1:] == [["Số Tổ an ninh tự quản", "2", "3"], ["Số thành viên", "5", "5"]]
    one = await figures(app, unit="lien-son")
    assert (one.total.counts.roster_teams, one.total.counts.roster_members) == (1, 2)
