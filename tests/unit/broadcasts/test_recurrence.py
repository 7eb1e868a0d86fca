"""The recurrence grammar and next_occurrence, in Vietnam time (UTC+7, no daylight saving)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from broadcasts.problems import MalformedRecurrence
from broadcasts.recurrence import (LAST_DAY, VIETNAM_TZ, Recurrence, next_occurrence,
                                   parse_recurrence)

VN = VIETNAM_TZ
PLUS7 = timedelta(hours=7)


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.mark.parametrize("text,expected", [
    ("daily@07:30", Recurrence("daily", (), time(7, 30))),
    ("weekly:mon,thu@08:00", Recurrence("weekly", (0, 3), time(8, 0))),
    ("Weekly: THU, mon, thu @ 8:00", Recurrence("weekly", (0, 3), time(8, 0))),
    ("monthly:1@09:00", Recurrence("monthly", (1,), time(9, 0))),
    ("monthly:31,last,15@23:59", Recurrence("monthly", (15, 31, LAST_DAY), time(23, 59))),
])
def test_parse_each_form(text, expected):
    assert parse_recurrence(text) == expected


def test_canonical_text_parses_back_to_the_same_rule():
    for text in ("daily@07:30", "weekly:mon,thu@08:00", "monthly:1,15,last@09:05"):
        rule = parse_recurrence(text)
        assert str(rule) == text and parse_recurrence(str(rule)) == rule


@pytest.mark.parametrize("text", [
    "", "daily", "daily@", "daily@7", "daily@24:00", "daily@07:60", "daily:mon@07:00",
    "weekly@08:00", "weekly:@08:00", "weekly:monday@08:00", "weekly:mon,,thu@08:00",
    "monthly:0@09:00", "monthly:32@09:00", "monthly:-1@09:00", "monthly:first@09:00",
    "yearly:1@09:00", "every monday 8am", "weekly:mon@08:00:00", "daily@07:30+07",
])
def test_malformed_recurrences_are_rejected(text):
    with pytest.raises(MalformedRecurrence) as caught:
        parse_recurrence(text)
    assert caught.value.reason and caught.value.key == "broadcast.problem.bad_recurrence"


def test_daily():
    assert next_occurrence("daily@07:30", vn(2025, 3, 3, 7, 0)) == vn(2025, 3, 3, 7, 30)
    assert next_occurrence("daily@07:30", vn(2025, 3, 3, 7, 30)) == vn(2025, 3, 4, 7, 30)
    assert next_occurrence("daily@07:30", vn(2025, 12, 31, 8, 0)) == vn(2026, 1, 1, 7, 30)


def test_weekly():
    rule = "weekly:mon,thu@08:00"  # 2025-03-03 is a Monday
    assert next_occurrence(rule, vn(2025, 3, 3, 7, 59)) == vn(2025, 3, 3, 8, 0)
    assert next_occurrence(rule, vn(2025, 3, 3, 8, 0)) == vn(2025, 3, 6, 8, 0)
    assert next_occurrence(rule, vn(2025, 3, 6, 9, 0)) == vn(2025, 3, 10, 8, 0)
    assert next_occurrence("weekly:sun@20:00", vn(2025, 3, 9, 20, 1)) == vn(2025, 3, 16, 20, 0)


def test_monthly_including_month_ends():
    assert next_occurrence("monthly:1@09:00", vn(2025, 3, 3)) == vn(2025, 4, 1, 9, 0)
    assert next_occurrence("monthly:31@09:00", vn(2025, 4, 1)) == vn(2025, 4, 30, 9, 0)
    assert next_occurrence("monthly:31@09:00", vn(2025, 2, 1)) == vn(2025, 2, 28, 9, 0)
    assert next_occurrence("monthly:30@09:00", vn(2024, 2, 1)) == vn(2024, 2, 29, 9, 0)
    assert next_occurrence("monthly:last@17:00", vn(2024, 2, 29, 17, 0)) == vn(2024, 3, 31, 17, 0)
    assert next_occurrence("monthly:15@09:00", vn(2025, 12, 20)) == vn(2026, 1, 15, 9, 0)


def test_monthly_days_that_fall_together_fire_once():
    rule = "monthly:29,30,31@09:00"
    assert next_occurrence(rule, vn(2025, 2, 28, 9, 0)) == vn(2025, 3, 29, 9, 0)
    assert next_occurrence(rule, vn(2025, 2, 27)) == vn(2025, 2, 28, 9, 0)


def test_input_in_other_zones_is_read_as_the_instant_it_is():
    # 2025-03-02 18:30 UTC is already Monday 01:30 in Vietnam.
    after = datetime(2025, 3, 2, 18, 30, tzinfo=timezone.utc)
    assert next_occurrence("weekly:mon@08:00", after) == vn(2025, 3, 3, 8, 0)
    assert next_occurrence("daily@20:00", after) == vn(2025, 3, 3, 20, 0)  # not 2 March


def test_naive_input_is_vietnam_wall_clock_time():
    assert next_occurrence("daily@07:30", datetime(2025, 3, 3, 7, 0)) == vn(2025, 3, 3, 7, 30)


def test_vietnam_time_has_no_daylight_saving():
    moment = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for _ in range(400):
        fired = next_occurrence("daily@08:00", moment)
        assert fired.utcoffset() == PLUS7 and fired.astimezone(timezone.utc).hour == 1
        moment = fired
    assert moment.year == 2026  # 400 consecutive days, all 01:00 UTC
