"""The pure layer: periods, numbers, activity checks, successions, catalogue keys, layering."""
from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from bot.datafiles import DataFileError, load_catalog, load_directory
from handlers.statistics.activities import (CATEGORIES, ActivityError, ActivityInput, validate)
from handlers.statistics.labels import Labels
from handlers.statistics.narrative import EVENT_CATEGORIES, MATERIAL_CATEGORIES
from handlers.statistics.numbers import NumberStyle, parse_count
from handlers.statistics.period import (Period, PeriodError, custom, named, parse_date,
                                        parse_range)
from handlers.statistics.tree import Succession, UnitInfo, build_scope, successors

TODAY = date(2025, 7, 15)
VI = NumberStyle(".", ",")


def test_named_periods():
    assert named("this_month", TODAY) == Period(date(2025, 7, 1), date(2025, 7, 31), "this_month")
    assert named("last_month", date(2025, 1, 10)) == Period(date(2024, 12, 1),
                                                            date(2024, 12, 31), "last_month")
    assert named("this_year", TODAY).months()[-1] == (2025, 12)


def test_period_bounds_are_local_midnights_in_utc():
    start, end = Period(date(2025, 6, 1), date(2025, 6, 30)).bounds()
    assert (start.isoformat(), end.isoformat()) == ("2025-05-31T17:00:00+00:00",
                                                    "2025-06-30T17:00:00+00:00")
    edges = Period(date(2025, 1, 15), date(2025, 3, 2)).month_edges()
    assert [e.isoformat()[:13] for e in edges] == ["2025-01-14T17", "2025-01-31T17",
                                                   "2025-02-28T17", "2025-03-02T17"]


@pytest.mark.parametrize("text, expected", [
    ("2025-05-01", date(2025, 5, 1)), ("01/05/2025", date(2025, 5, 1)),
    ("1/5/25", date(2025, 5, 1)), ("1.5.2025", date(2025, 5, 1)), ("01/05", date(2025, 5, 1))])
def test_dates_as_people_type_them(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, key", [
    ("31/02/2025", "stats.error.bad_date"), ("hôm qua", "stats.error.bad_date"),
    ("", "stats.error.bad_date")])
def test_bad_dates(text, key):
    with pytest.raises(PeriodError) as error:
        parse_date(text, TODAY)
    assert error.value.key == key


def test_ranges_and_their_errors():
    assert parse_range("01/01/2025 - 31/03/2025", TODAY) == Period(date(2025, 1, 1),
                                                                    date(2025, 3, 31))
    assert parse_range("từ 1/1/2025 đến 31/3/2025", TODAY).end == date(2025, 3, 31)
    for text, key in (("31/03/2025 - 01/01/2025", "stats.error.end_before_start"),
                      ("01/01/2025", "stats.error.bad_range"),
                      ("01/01/1990 - 01/01/2025", "stats.error.too_long")):
        with pytest.raises(PeriodError) as error:
            parse_range(text, TODAY)
        assert error.value.key == key
    with pytest.raises(PeriodError):
        custom(date(2025, 2, 1), date(2025, 1, 1))


def test_vietnamese_numbers_and_shares():
    assert [VI.number(n) for n in (0, 7, 1234, 100000, 1234567, -2500)] == [
        "0", "7", "1.234", "100.000", "1.234.567", "-2.500"]
    assert VI.percent(805, 1000) == "80,5%" and VI.percent(4, 5) == "80%"
    assert VI.percent(1, 3) == "33,3%" and VI.percent(1, 0) is None
    assert NumberStyle(",", ".").percent(1, 3) == "33.3%"


@pytest.mark.parametrize("text, value", [("1.234", 1234), ("1 234", 1234), ("12", 12),
                                         ("-3", -3), ("+4", 4), ("1,500", 1500)])
def test_counts_as_typed(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["ba", "1,5", "12.5", "", "1.23", "2e3", "10 người"])
def test_not_counts(text):
    with pytest.raises(ValueError):
        parse_count(text)


def entry(category="conference", count=2, extra=None, day=date(2025, 7, 1), note=""):
    return ActivityInput(unit_id=1, day=day, category=category, count=count, extra=extra,
                         note=note)


@pytest.mark.parametrize("bad, key", [
    (entry(count=-1), "stats.act.error.negative"),
    (entry(count=0), "stats.act.error.count_range"),
    (entry(count=101), "stats.act.error.count_range"),
    (entry("leaflets", 600_000), "stats.act.error.count_range"),
    (entry(day=date(2025, 7, 16)), "stats.act.error.future"),
    (entry(day=date(2010, 1, 1)), "stats.act.error.too_old"),
    (entry(extra=100_000), "stats.act.error.extra_range"),
    (entry("loudspeaker", 10), "stats.act.error.aired_missing"),
    (entry("loudspeaker", 10, 5), "stats.act.error.aired_below_items"),
    (entry("mediation", 5, 6), "stats.act.error.succeeded_above_cases"),
    (entry("leaflets", 100, 3), "stats.act.error.no_extra"),
    (entry("parade"), "stats.act.error.category"),
    (entry(note="x" * 501), "stats.act.error.note_long")])
def test_absurd_activities_are_refused(bad, key):
    with pytest.raises(ActivityError) as error:
        validate(bad, TODAY)
    assert error.value.key == key


def test_plausible_activities_pass():
    for good in (entry(), entry(extra=150), entry("loudspeaker", 10, 40),
                 entry("mediation", 5, 0), entry("leaflets", 3000, day=TODAY)):
        assert validate(good, TODAY) == good


def test_successions_follow_chains_and_respect_the_effective_date():
    units = [UnitInfo(1, "a", "A", None), UnitInfo(2, "b", "B", None), UnitInfo(3, "c", "C", None),
             UnitInfo(4, "d", "D", None)]
    chain = [Succession("a", "b", date(2025, 1, 1)), Succession("b", "c", date(2025, 7, 1)),
             Succession("d", "zz", date(2025, 1, 1))]
    assert successors(units, chain, date(2025, 8, 1)) == {1: 3, 2: 3}
    assert successors(units, chain, date(2025, 3, 1)) == {1: 2}
    loop = [Succession("a", "b", date(2025, 1, 1)), Succession("b", "a", date(2025, 1, 1))]
    assert set(successors(units, loop, date(2025, 2, 1))) == {1, 2}     # no endless loop


def test_scope_maps_old_units_into_the_new_tree():
    units = [UnitInfo(1, "district", "D", None), UnitInfo(2, "old", "O", 1),
             UnitInfo(3, "province", "P", None), UnitInfo(4, "new", "N", 3)]
    scope = build_scope(units, {2: 4}, None)
    assert [(u.slug, depth) for u, depth in scope.nodes] == [("district", 0), ("province", 0),
                                                             ("new", 1)]
    assert scope.down[2] == (4, 3, 0) and scope.reach[1] == (1, 0)
    assert build_scope(units, {2: 4}, "new").raw_ids == [2, 4]


def test_directory_replaces_need_an_effective_date(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("directory: x\nunits:\n  - slug: a\n    kind: commune\n    name: A\n"
                    "    replaces: [b]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="effective"):
        load_directory(path)
    path.write_text("directory: x\nunits:\n  - slug: a\n    kind: commune\n    name: A\n"
                    "    replaces: [b, c]\n    effective: 2025-07-01\n", encoding="utf-8")
    spec = load_directory(path)[1][0]
    assert (spec.replaces, spec.effective) == (("b", "c"), date(2025, 7, 1))


def test_every_statistics_key_the_code_asks_for_exists_in_both_catalogues():
    catalog = load_catalog()
    wanted = {f"stats.act.category.{c.slug}" for c in CATEGORIES}
    wanted |= {f"stats.act.count_prompt.{c.slug}" for c in CATEGORIES}
    wanted |= {f"stats.act.{kind}.{c.extra}" for c in CATEGORIES if c.extra
               for kind in ("extra_prompt", "extra_line")}
    wanted |= {f"stats.act.error.{c.extra}_missing" for c in CATEGORIES if c.extra_required}
    # Events have a sentence with and without attendance; materials, loudspeakers and mediation
    # one; tips received outside the bot and models are written by the Word report (docx keys).
    wanted |= {f"stats.narrative.act.{slug}.{v}" for slug in EVENT_CATEGORIES
               for v in ("plain", "with_attendance")}
    wanted |= {f"stats.narrative.act.{slug}"
               for slug in (*MATERIAL_CATEGORIES, "loudspeaker", "mediation")}
    root = Path(__file__).resolve().parents[2]
    for path in (root / "handlers" / "statistics").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith("stats.") and "{" not in node.value \
                    and not node.value.endswith("."):
                wanted.add(node.value)
    for lang in ("vi", "en"):
        missing = sorted(k for k in wanted if k not in catalog._texts[lang])
        assert missing == [], lang
    labels = Labels(catalog, "vi")
    assert labels.category("public-order") == "Gây rối trật tự"      # the tip line's word
    assert labels.topic("fraud") == "Lừa đảo trên mạng" and labels.category(None) == "Chưa phân loại"
    assert labels.duration(8100) == "2 giờ 15 phút" and labels.duration(90061) == "1 ngày 1 giờ"


def test_the_pure_layer_imports_only_the_standard_library_and_handlers():
    root = Path(__file__).resolve().parents[2] / "handlers" / "statistics"
    allowed = {"__future__", "asyncio", "collections", "dataclasses", "datetime", "re",
               "typing", "handlers"}
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                assert all(n.split(".")[0] in allowed for n in names), (path.name, names)
