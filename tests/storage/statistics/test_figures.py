"""Every figure of the known ledger (tests/statistics/ledger.py), checked exactly."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from bot.app import import_units
from handlers.statistics.figures import ActivityTotals
from handlers.statistics.period import Period
from storage.tables.core import Base
from storage.tables.statistics import ActivityRow, SuccessionRow
from tests.storage.statistics import ledger as known
from tests.storage.statistics.conftest import figures, row


def counts_of(unit_figures) -> dict:
    c = unit_figures.counts
    return dict(delivered=c.delivered, failed=c.delivery_failed, blocked=c.delivery_blocked,
                expired=c.delivery_expired, out_of_reach=c.delivery_out_of_reach,
                attempted=c.attempted, subscribers_end=c.subscribers_end,
                new=c.new_subscribers, returned=c.returned_subscribers, left=c.left,
                views=c.views, tips=c.tips, residents=c.tips_residents, team=c.tips_team,
                valuable=c.valuable, not_valuable=c.not_valuable, duplicate=c.duplicate,
                spam=c.spam, pending=c.pending, moved=c.tips_moved,
                escalated=c.tips_escalated, credited=c.tips_credited,
                team_reports=c.team_reports, teams=c.teams, members=c.team_members)


TOTAL = dict(delivered=20, failed=1, blocked=1, expired=2, out_of_reach=1, attempted=22,
             subscribers_end=5, new=2, returned=1, left=2, views=5, tips=7, residents=6, team=1,
             valuable=3, not_valuable=0, duplicate=1, spam=1, pending=2, moved=1, escalated=1,
             credited=1, team_reports=1, teams=3, members=5)


async def test_totals_of_the_whole_area(app, known_ledger):
    f = await figures(app)
    assert f.scope_slug is None and not f.empty
    assert f.total.bulletins == 4                       # b2 on two channels counts once
    assert counts_of(f.total) == TOTAL
    d = f.total.durations
    assert (d.first_action_n, d.first_action_median, d.first_action_p90) == (5, 1200, 10800)
    assert (d.closure_n, d.closure_median, d.closure_p90) == (4, 3600, 86400)


async def test_offline_activities_count_current_versions_only(app, known_ledger):
    activities = (await figures(app)).total.counts.activities
    assert activities == {
        "conference": ActivityTotals(records=1, count=2, attendance=150),
        "leaflets": ActivityTotals(records=1, count=2500),           # corrected from 3.000
        "loudspeaker": ActivityTotals(records=1, count=10, aired=40),
        "mediation": ActivityTotals(records=1, count=5, succeeded=4),
        "zalo_post": ActivityTotals(records=1, count=6)}              # rally withdrawn


async def test_per_unit_rolls_up_the_tree_and_maps_merged_communes(app, known_ledger):
    f = await figures(app)
    slugs = [u.slug for u in f.units]
    assert "phuc-hoa" not in slugs and "lien-son" not in slugs       # merged on 1 July
    assert slugs.index("bac-ninh") + 1 == slugs.index("tan-phuc")
    ct, nn = row(f, "cao-thuong"), row(f, "nha-nam")
    assert ct.bulletins == 3 and nn.bulletins == 2          # own, the district's, the area's
    assert counts_of(ct) == dict(
        TOTAL, delivered=10, failed=1, blocked=1, expired=0, out_of_reach=0, attempted=12,
        subscribers_end=2, new=2, returned=0, left=1, views=4, tips=2, residents=2, team=0,
        valuable=1, duplicate=0, spam=0, pending=1, moved=0, escalated=0, credited=1,
        team_reports=0, teams=2, members=3)
    assert (nn.counts.tips, nn.counts.tips_moved, nn.counts.valuable, nn.counts.spam) == (3, 1, 1, 1)
    district = row(f, "tan-yen")
    assert district.bulletins == 3 and district.depth == 0 and ct.depth == 1
    assert (district.counts.delivered, district.counts.tips, district.counts.teams) == (15, 5, 2)
    merged = row(f, "tan-phuc")
    assert merged.bulletins == 2                            # Phúc Hòa's b3 and the area's b4
    assert (merged.counts.delivered, merged.counts.delivery_out_of_reach) == (5, 1)
    assert (merged.counts.tips, merged.counts.valuable, merged.counts.duplicate) == (2, 1, 1)
    assert (merged.counts.team_reports, merged.counts.teams, merged.counts.team_members) == (1, 1, 2)
    assert merged.counts.subscribers_end == 2 and merged.counts.tips_escalated == 1
    assert set(merged.counts.activities) == {"mediation", "zalo_post"}
    assert row(f, "bac-ninh").counts.tips == 2
    assert ct.durations.first_action_median == 600 and ct.durations.first_action_n == 1


async def test_topics_channels_categories_and_months(app, known_ledger):
    f = await figures(app)
    assert [(t.topic, t.bulletins, t.attempted, t.delivered) for t in f.topics] == [
        ("fraud", 2, 14, 13), ("drugs", 1, 5, 5), ("fire-safety", 1, 3, 2)]
    assert [(c.channel, c.bulletins) for c in f.channels] == [("telegram", 4), ("zalo", 1)]
    assert [(c.category, c.tips, c.residents, c.team, c.valuable, c.not_valuable, c.duplicate,
             c.spam, c.pending) for c in f.categories] == [
        ("fraud", 3, 3, 0, 1, 0, 0, 0, 2), ("drugs", 1, 1, 0, 1, 0, 0, 0, 0),
        ("gambling", 1, 1, 0, 0, 0, 0, 1, 0), ("public-order", 1, 0, 1, 1, 0, 0, 0, 0),
        ("theft", 1, 1, 0, 0, 0, 1, 0, 0)]
    assert [(m.year, m.month, m.delivered, m.undelivered, m.tips, m.valuable)
            for m in f.months] == [(2025, 6, 13, 4, 4, 2), (2025, 7, 7, 1, 3, 1)]


async def test_an_officers_unit_sees_its_own_subtree(app, known_ledger):
    f = await figures(app, unit="cao-thuong")
    assert f.scope_name == "Thị trấn Cao Thượng" and [u.slug for u in f.units] == ["cao-thuong"]
    assert f.total.bulletins == 3                            # b1, the district's b2, the area's b4
    assert counts_of(f.total) == counts_of(row(f, "cao-thuong"))
    assert [(c.category, c.tips) for c in f.categories] == [("fraud", 2)]
    assert [(t.topic, t.bulletins) for t in f.topics][:1] == [("fraud", 1)]
    assert f.total.durations.first_action_median == 600


async def test_the_new_unit_includes_its_predecessors_history(app, known_ledger):
    f = await figures(app, unit="tan-phuc")
    assert (f.total.counts.tips, f.total.counts.delivered, f.total.bulletins) == (2, 5, 2)
    assert f.total.counts.activity("mediation").succeeded == 4


async def test_before_the_merger_old_communes_stand_alone(app, known_ledger):
    f = await figures(app, period=known.JUNE)
    slugs = [u.slug for u in f.units]
    assert "phuc-hoa" in slugs and "tan-phuc" not in slugs
    ph = row(f, "phuc-hoa")
    assert (ph.counts.tips, ph.counts.delivered, ph.counts.tips_escalated) == (1, 3, 1)
    assert f.total.counts.tips == 4 and row(f, "tan-yen").counts.tips == 4
    old = await figures(app, unit="phuc-hoa")        # asking for the old unit: its own history
    assert old.total.counts.tips == 1 and old.total.counts.activity("mediation").count == 5


async def test_figures_survive_erasure_of_tip_contents(app, known_ledger):
    before = (await figures(app)).as_dict()
    async with app.engine.begin() as conn:      # retention erases tips; the ledger stays
        for table in reversed(Base.metadata.sorted_tables):
            if table.name.startswith("tip"):
                await conn.execute(delete(table))
    after = (await figures(app)).as_dict()
    before.pop("generated_at"), after.pop("generated_at")
    assert after == before


async def test_corrections_keep_history_in_the_table_and_the_audit_log(app, known_ledger):
    record = known_ledger["records"]["A2"]
    async with app.uow() as uow:
        history = await uow.activities.history(record)
        audit = [(a.action, a.actor, a.data) for a in await uow.audit.of("activity", str(record))]
        versions = await uow.session.scalar(select(func.count()).select_from(ActivityRow))
        withdrawn = [a.action for a in await uow.audit.of(
            "activity", str(known_ledger["records"]["A5"]))]
    assert [(a.version, a.count, a.current) for a in history] == [(1, 3000, False),
                                                                  (2, 2500, True)]
    assert [action for action, _, _ in audit] == ["activity.recorded", "activity.corrected"]
    _, actor, data = audit[1]
    assert actor == "member:9" and data["reason"] == "typo: 2.500 leaflets"
    assert data["before"]["count"] == 3000 and data["after"]["count"] == 2500
    assert versions == 9                                  # 7 records, 2 corrections
    assert withdrawn == ["activity.recorded", "activity.withdrawn"]


async def test_an_empty_period_is_empty_not_an_error(app, known_ledger):
    f = await figures(app, period=Period(date(2024, 1, 1), date(2024, 1, 31)))
    assert f.empty and f.total.bulletins == 0 and f.total.counts.tips == 0
    assert f.total.counts.teams == 3                  # the roster stands, but is not activity
    assert [(m.year, m.month, m.delivered) for m in f.months] == [(2024, 1, 0)]


async def test_directory_replaces_are_idempotent(app, known_ledger, tmp_path):
    path = tmp_path / "again.yaml"
    path.write_text(known.MERGER, encoding="utf-8")
    assert await import_units(app, path) == ("bac-ninh-2025", 0, 0)
    path.write_text(known.MERGER.replace("[phuc-hoa, lien-son]", "[phuc-hoa]"), encoding="utf-8")
    assert await import_units(app, path) == ("bac-ninh-2025", 0, 1)
    async with app.uow() as uow:
        rows = list(await uow.session.execute(select(
            SuccessionRow.old_slug, SuccessionRow.new_slug, SuccessionRow.effective)))
    assert rows == [("phuc-hoa", "tan-phuc", date(2025, 7, 1))]


async def test_a_broadcast_to_several_communes_counts_once(app):
    """The broadcast engine writes one bulletin_published per target commune, no channel."""
    ids = await known.unit_ids(app)
    async with app.uow() as uow:
        ledger = known.Ledger(uow.session, ids)
        for unit in ("cao-thuong", "nha-nam", "an-duong"):
            ledger.event("bulletin_published", known.local(6, 3), unit, topic="fraud", ref="17",
                         channel="")
        await uow.commit()
    f = await figures(app)
    assert f.total.bulletins == 1 and row(f, "tan-yen").bulletins == 1
    assert row(f, "nha-nam").bulletins == 1 and "cao-xa" not in [u.slug for u in f.units]
    assert [(c.channel, c.bulletins) for c in f.channels] == [("", 1)]
    from handlers.statistics.labels import Labels
    assert Labels(app.catalog).channel("") == "Mọi kênh"
