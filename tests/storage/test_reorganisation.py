"""`units reorganise`: the seed-era Tân Yên installation moved onto the 2025 directory.

Every person and tip moves, nothing is lost or doubled, reports before, across and after the
merger count right, the dry run prints the same plan and changes nothing, a second run changes
nothing, a split is refused. Runs on the suite's database (SQLite or PostgreSQL).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.cli.units import reorganise_command
from handlers.statistics.period import Period
from storage.tables.broadcasts import BroadcastRow
from storage.tables.core import InviteRow, MemberRow, SubscriberRow, TeamRow
from storage.tables.tips import NotificationRow, TipRow, UnitGroupRow
from tests.storage import reorganisation_data as data

BEFORE = Period(date(2025, 1, 1), date(2025, 3, 31))
ACROSS = Period(date(2025, 6, 1), date(2025, 7, 31))
AFTER = Period(date(2025, 8, 1), date(2025, 12, 31))
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


async def run(app, capsys, *, dry_run=False, path=data.NEW_DIRECTORY) -> list[str]:
    await reorganise_command(app, path, dry_run)
    return capsys.readouterr().out.splitlines()


async def figures(app, period, unit=None):
    async with app.uow() as uow:
        return await uow.statistics.figures(period, unit)


async def where(app, table, column, value, attribute="unit_id") -> list:
    async with app.uow() as uow:
        rows = await uow.session.scalars(select(table).where(column == value).order_by(table.id))
        return [getattr(row, attribute) for row in rows]


async def test_everything_moves_once_and_nothing_is_lost(app, capsys):
    await data.build(app)
    lines = await run(app, capsys)
    assert lines[0] == "bac-ninh-2025: 100 units added, 0 updated"
    assert any(line.startswith("cao-thuong (Thị trấn Cao Thượng) -> xa-tan-yen (Xã Tân Yên) "
                               "from 2025-07-01: 4 subscribers, 1 open tips, 1 members, 1 teams,"
                               " 1 groups, 0 unused invites, 1 bulletins not finished; "
                               "3 residents told") for line in lines), lines
    async with app.uow() as uow:
        ids = await data.unit_ids(uow)
        place = {(s.channel, s.user_id): s.unit_id
                 for s in await uow.session.scalars(select(SubscriberRow))}
        tips = {t.label: t.unit_id for t in await uow.session.scalars(select(TipRow))}
        members = {m.user_id: m.unit_id for m in await uow.session.scalars(select(MemberRow))}
        teams = {(t.unit_id, t.name) for t in await uow.session.scalars(select(TeamRow))}
        units = {u.slug: u for u in await uow.units.selectable()}
        cao_thuong = await uow.units.by_id(ids["cao-thuong"])
        resolved = await uow.units.resolve("cao-thuong")
    expected = {"cao-thuong": "xa-tan-yen", "viet-lap": "xa-tan-yen", "nha-nam": "xa-nha-nam",
                "lan-gioi": "xa-quang-trung"}
    assert place == {(c, u): ids[expected[commune]] for c, u, _, _, commune in data.RESIDENTS}
    assert tips == {"OPN1": ids["xa-tan-yen"], "OPN2": ids["xa-tan-yen"],
                    "CLS1": ids["cao-thuong"], "DSK1": ids["bac-ninh"]}     # closed: history
    assert members == {"201": ids["xa-tan-yen"], "202": ids["bac-ninh"],
                       "203": ids["xa-tan-yen"], "204": ids["xa-nha-nam"]}
    assert teams == {(ids["xa-tan-yen"], "Tổ 1"), (ids["xa-tan-yen"], "Tổ 1 (Cao Xá)")}
    assert await where(app, UnitGroupRow, UnitGroupRow.channel, "telegram") == [
        ids["xa-tan-yen"]]
    assert await where(app, InviteRow, InviteRow.role, "officer") == [ids["xa-tan-yen"]]
    scheduled, finished = await where(app, BroadcastRow, BroadcastRow.sender, "cli", "unit_ids")
    assert scheduled == [ids["xa-tan-yen"], ids["xa-nha-nam"]]
    assert finished == [ids["cao-thuong"]]
    # history: not choosable, still named in old tips, an old slug leads to the successor
    assert "cao-thuong" not in units and len(units) == 99
    assert cao_thuong.name == "Thị trấn Cao Thượng" and cao_thuong.is_history
    assert resolved.slug == "xa-tan-yen"


async def test_residents_are_told_once_in_their_language(app, capsys):
    await data.build(app)
    await run(app, capsys)
    await run(app, capsys)
    async with app.uow() as uow:
        rows = list(await uow.session.execute(select(
            NotificationRow.channel, NotificationRow.chat_id, NotificationRow.payload,
            NotificationRow.state, NotificationRow.tip_id).order_by(NotificationRow.id)))
    assert len(rows) == data.TOLD                      # not the unsubscribed one, not twice
    by_chat = {(r.channel, r.chat_id): r.payload["text"] for r in rows}
    assert "Thị trấn Cao Thượng đã được sáp nhập vào Xã Tân Yên" in by_chat[("telegram", "101")]
    assert "Công an xã Tân Yên" in by_chat[("telegram", "101")]
    assert "was merged into Xã Tân Yên" in by_chat[("telegram", "102")]
    assert ("zalo_bot", "z103") in by_chat and ("telegram", "104") not in by_chat
    assert all(r.state == "pending" and r.tip_id is None for r in rows)   # drained at pace


async def test_dry_run_prints_the_same_plan_and_changes_nothing(app, capsys):
    await data.build(app)
    before = await data.snapshot(app)
    planned = await run(app, capsys, dry_run=True)
    assert planned[-1] == "dry run: nothing was changed"
    assert await data.snapshot(app) == before
    applied = await run(app, capsys)
    assert applied == planned[:-1]
    after = await data.snapshot(app)
    assert after != before
    again = await run(app, capsys)
    assert again[0] == "bac-ninh-2025: 0 units added, 0 updated"
    assert "cao-thuong -> xa-tan-yen: already merged" in again
    assert again[-1] == "nothing to change"
    assert await data.snapshot(app) == after


async def test_reports_before_across_and_after_the_merger(app, capsys):
    await data.build(app)
    year_before = await figures(app, YEAR)
    await run(app, capsys)
    before = await figures(app, BEFORE, "cao-thuong")
    assert before.total.counts.delivered == 30                 # as it was, under its old name
    assert before.total.counts.subscribers_end == 3            # residents lived there then
    assert before.scope_name == "Thị trấn Cao Thượng"
    assert before.issuer == "Công an thị trấn Cao Thượng"     # the heading, from the directory
    across = await figures(app, ACROSS, "xa-tan-yen")
    assert across.total.counts.delivered == 2 * 10 + 2 * 1     # Cao Thượng + Cao Xá
    assert across.total.counts.subscribers_end == 5            # 3 + 2 from Việt Lập
    after = await figures(app, AFTER, "xa-tan-yen")
    assert after.total.counts.delivered == 5 * 11
    assert after.total.counts.tips == 5                        # Việt Lập's, now Tân Yên's
    year = await figures(app, YEAR)
    assert (year_before.issuer, year.issuer) == ("Công an huyện Tân Yên", "Công an tỉnh Bắc Ninh")
    assert year.total.counts.delivered == year_before.total.counts.delivered == 132
    assert year.total.counts.tips == year_before.total.counts.tips == 12
    assert year.total.counts.subscribers_end == year_before.total.counts.subscribers_end == 7


async def test_a_split_is_refused_naming_the_unit(app, capsys, tmp_path):
    await data.build(app)
    split = tmp_path / "split.yaml"
    split.write_text(
        "directory: split\neffective: 2025-07-01\nunits:\n"
        "  - {slug: p, kind: province, name: Tỉnh P, children: [\n"
        "      {slug: xa-a, kind: commune, name: Xã A, replaces: [cao-thuong, cao-xa]},\n"
        "      {slug: xa-b, kind: commune, name: Xã B, replaces: [cao-thuong]}]}\n",
        encoding="utf-8")
    before = await data.snapshot(app)
    with pytest.raises(SystemExit) as refused:
        await run(app, capsys, path=split)
    assert "cao-thuong -> xa-a, xa-b" in str(refused.value)
    assert "cao-xa" not in str(refused.value)
    assert await data.snapshot(app) == before


async def test_an_old_directory_imported_again_does_not_revive_history(app, capsys):
    from bot.app import import_units
    from tests.conftest import SEED_DIRECTORY
    await data.build(app)
    await run(app, capsys)
    await import_units(app, SEED_DIRECTORY)
    async with app.uow() as uow:
        slugs = {u.slug for u in await uow.units.selectable()}
        assert await uow.units.by_slug("cao-thuong") is None
    assert "xa-tan-yen" in slugs and "cao-thuong" not in slugs


async def test_the_command_still_reports_on_a_merged_commune_in_chat(app, capsys):
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from bot.report import chart
    from handlers.domain import Member, Role
    from handlers.screens import build_dialogue
    from handlers.statistics.feature import statistics_feature
    from tests.fakes.resident import Resident
    await data.build(app)
    await run(app, capsys)
    async with app.uow() as uow:
        desk = await uow.units.by_slug("bac-ninh")
        await uow.members.save(Member(channel="test", user_id="c1", role=Role.COMMAND,
                                      unit_id=desk.id, name="trực ban"))
        await uow.commit()
    now = datetime(2025, 12, 20, 3, tzinfo=timezone.utc)
    dialogue = build_dialogue(app.uow, app.catalog,
                              extra=[statistics_feature(chart=chart, clock=lambda: now)])
    command = Resident(SimpleNamespace(dialogue=dialogue), user_id="c1")
    await command.command("start")
    await command.command("thongke", "cao-thuong")
    assert "Thống kê Thị trấn Cao Thượng" in command.screen().text
