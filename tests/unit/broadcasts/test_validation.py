"""validate_bulletin and validate_schedule reject each bad input with a typed problem."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from broadcasts.problems import (BulletinTooLong, EmptyBulletin, ExpiryBeforeStart,
                                 MalformedRecurrence, ScheduleInPast)
from broadcasts.recurrence import VIETNAM_TZ
from broadcasts.splitting import TELEGRAM_TEXT, ZALO_TEXT
from broadcasts.validation import validate_bulletin, validate_schedule

NOW = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam


def kinds(problems) -> list[type]:
    return [type(p) for p in problems]


def test_a_good_bulletin_has_no_problems():
    assert validate_bulletin("⚠️ Cảnh báo lừa đảo qua điện thoại", max_len=TELEGRAM_TEXT) == []


def test_empty_and_blank_bulletins_are_rejected():
    for text in ("", "   ", "\n\t \n"):
        assert kinds(validate_bulletin(text, max_len=100)) == [EmptyBulletin]


def test_over_long_bulletins_are_rejected_as_their_channel_counts():
    emoji = "🚨" * 1500  # 1,500 characters, 3,000 UTF-16 units
    assert validate_bulletin(emoji, max_len=ZALO_TEXT) == []
    (problem,) = validate_bulletin(emoji + "🚨" * 600, max_len=TELEGRAM_TEXT)
    assert isinstance(problem, BulletinTooLong)
    assert (problem.length, problem.max_len) == (4200, 4096)
    assert kinds(validate_bulletin("x" * 2001, max_len=ZALO_TEXT)) == [BulletinTooLong]
    assert kinds(validate_bulletin("x" * 11, max_len=10)) == [BulletinTooLong]


def test_a_good_schedule_has_no_problems():
    assert validate_schedule(None, None, NOW, None) == []
    assert validate_schedule(NOW + timedelta(days=1), NOW + timedelta(days=2), NOW,
                             "weekly:mon@08:00") == []


def test_a_start_more_than_a_minute_ago_is_in_the_past():
    assert validate_schedule(NOW - timedelta(seconds=59), None, NOW, None) == []
    (problem,) = validate_schedule(NOW - timedelta(seconds=61), None, NOW, None)
    assert isinstance(problem, ScheduleInPast)
    assert kinds(validate_schedule(NOW - timedelta(days=3), None, NOW, None)) == [ScheduleInPast]


def test_expiry_must_come_after_the_start():
    start = NOW + timedelta(hours=2)
    assert kinds(validate_schedule(start, start, NOW, None)) == [ExpiryBeforeStart]
    assert kinds(validate_schedule(start, start - timedelta(minutes=1), NOW, None)) == [
        ExpiryBeforeStart]
    assert kinds(validate_schedule(None, NOW - timedelta(minutes=1), NOW, None)) == [
        ExpiryBeforeStart]  # "send now" that expired already


def test_a_malformed_recurrence_is_reported():
    (problem,) = validate_schedule(None, None, NOW, "weekly:funday@08:00")
    assert isinstance(problem, MalformedRecurrence) and "funday" in problem.reason
    assert kinds(validate_schedule(None, None, NOW, "")) == [MalformedRecurrence]


def test_every_problem_is_reported_at_once():
    problems = validate_schedule(NOW - timedelta(hours=1), NOW - timedelta(hours=2), NOW, "x")
    assert kinds(problems) == [ScheduleInPast, ExpiryBeforeStart, MalformedRecurrence]
    assert len({p.key for p in problems}) == 3


def test_naive_times_are_vietnam_wall_clock_time():
    # An officer types 07:30 at 08:00 Vietnam time: that is half an hour ago.
    assert kinds(validate_schedule(datetime(2025, 3, 3, 7, 30), None, NOW, None)) == [
        ScheduleInPast]
    assert validate_schedule(datetime(2025, 3, 3, 8, 30), None, NOW, None) == []
    local_now = NOW.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    assert validate_schedule(None, datetime(2025, 3, 3, 9, 0), local_now, None) == []
