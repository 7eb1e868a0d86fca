"""Repeat rules as officers type and read them ("thứ hai hằng tuần, 08:00"), in both languages."""
from __future__ import annotations

from datetime import time
from functools import partial

import pytest

from bot.datafiles import load_catalog
from broadcasts.problems import MalformedRecurrence
from broadcasts.recurrence import LAST_DAY, Recurrence, parse_recurrence
from broadcasts.recurrence_words import RecurrenceWords, describe_recurrence, read_typed_recurrence

CATALOG = load_catalog()
VI = partial(CATALOG.t, "vi")
EN = partial(CATALOG.t, "en")


@pytest.mark.parametrize(("typed", "rule"), [
    ("thứ hai hằng tuần, 08:00", "weekly:mon@08:00"),
    ("Thứ Hai hằng tuần 8h", "weekly:mon@08:00"),
    ("thu hai hang tuan 8:00", "weekly:mon@08:00"),
    ("8 giờ sáng thứ 2 hàng tuần", "weekly:mon@08:00"),
    ("thứ 2 và thứ 5 hằng tuần lúc 8h30", "weekly:mon,thu@08:30"),
    ("thứ 2, 4, 6 hằng tuần 07:15", "weekly:mon,wed,fri@07:15"),
    ("t7 va cn hang tuan 19h", "weekly:sat,sun@19:00"),
    ("mỗi chủ nhật 7 giờ tối", "weekly:sun@19:00"),
    ("hằng ngày 07:30", "daily@07:30"),
    ("mỗi ngày lúc 7 giờ 30", "daily@07:30"),
    ("ngày 1 hằng tháng 09:00", "monthly:1@09:00"),
    ("ngày 1 và 15 hàng tháng 9h", "monthly:1,15@09:00"),
    ("mùng 5 hằng tháng 08:00", "monthly:5@08:00"),
    ("cuối tháng 17:00", "monthly:last@17:00"),
    ("ngày cuối tháng, 17h", "monthly:last@17:00"),
])
def test_vietnamese_typed_rules_read_as_the_stored_grammar(typed, rule):
    assert str(read_typed_recurrence(typed, RecurrenceWords.of(VI))) == rule


@pytest.mark.parametrize(("typed", "rule"), [
    ("every Monday 08:00", "weekly:mon@08:00"),
    ("Mondays and Thursdays every week 8:00", "weekly:mon,thu@08:00"),
    ("every day 07:30", "daily@07:30"),
    ("day 1 and 15 every month 09:00", "monthly:1,15@09:00"),
    ("end of month 17:00", "monthly:last@17:00"),
])
def test_english_typed_rules(typed, rule):
    assert str(read_typed_recurrence(typed, RecurrenceWords.of(EN))) == rule


@pytest.mark.parametrize("typed", ["25/12/2026 08:00", "08:00", "ngày mai", "2 ngày", "gửi ngay"])
def test_what_is_not_a_rule_is_left_to_the_date_reader(typed):
    assert read_typed_recurrence(typed, RecurrenceWords.of(VI)) is None


@pytest.mark.parametrize("typed", [
    "thứ hai 08:00",                 # once or every week? asked, not guessed
    "hằng tuần 08:00",               # which day?
    "thứ hai hằng tuần",             # what time?
    "ngày 32 hằng tháng 09:00",
    "hằng ngày 25:00",
    "hằng tháng 09:00",
])
def test_half_a_rule_is_refused_with_the_reason(typed):
    with pytest.raises(MalformedRecurrence):
        read_typed_recurrence(typed, RecurrenceWords.of(VI))


@pytest.mark.parametrize(("rule", "vi", "en"), [
    ("weekly:mon@08:00", "thứ hai hằng tuần, 08:00", "every Monday at 08:00"),
    ("weekly:mon,thu@08:00", "thứ hai và thứ năm hằng tuần, 08:00",
     "every Monday and Thursday at 08:00"),
    ("weekly:mon,wed,fri@07:05", "thứ hai, thứ tư và thứ sáu hằng tuần, 07:05",
     "every Monday, Wednesday and Friday at 07:05"),
    ("daily@07:30", "hằng ngày, 07:30", "every day at 07:30"),
    ("monthly:1,15@09:00", "ngày 1 và ngày 15 hằng tháng, 09:00",
     "day 1 and day 15 of every month at 09:00"),
    ("monthly:last@17:00", "ngày cuối tháng hằng tháng, 17:00",
     "the last day of every month at 17:00"),
])
def test_stored_rules_are_shown_in_words(rule, vi, en):
    assert describe_recurrence(rule, VI) == vi
    assert describe_recurrence(rule, EN) == en


def test_what_is_shown_reads_back_as_the_same_rule():
    for rule in ("weekly:mon,thu@08:00", "daily@06:00", "monthly:1,15,last@09:05",
                 "weekly:sat,sun@19:00"):
        shown = describe_recurrence(rule, VI)
        assert read_typed_recurrence(shown, RecurrenceWords.of(VI)) == parse_recurrence(rule)


def test_parsed_days_are_weekday_and_month_day_numbers():
    words = RecurrenceWords.of(VI)
    assert read_typed_recurrence("chủ nhật hằng tuần 06:00", words) == \
        Recurrence("weekly", (6,), time(6, 0))
    assert read_typed_recurrence("ngày 31 và cuối tháng 06:00", words) == \
        Recurrence("monthly", (31, LAST_DAY), time(6, 0))
