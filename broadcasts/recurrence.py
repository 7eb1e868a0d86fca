"""Recurring bulletins: a small grammar and the next time one fires, in Vietnam time.

Grammar (case-insensitive; spaces are ignored)::

    daily@HH:MM
    weekly:DAY[,DAY...]@HH:MM      DAY is mon tue wed thu fri sat sun
    monthly:N[,N...]@HH:MM         N is 1..31 or "last"

Times are wall-clock times in Asia/Ho_Chi_Minh (UTC+7; no daylight saving since 1975, so a local
time never repeats or vanishes). A monthly day past the end of a shorter month means that month's
last day: "monthly:31@09:00" fires on 30 April and 28/29 February, once.

Examples: ``daily@07:30``, ``weekly:mon,thu@08:00``, ``monthly:1,15@09:00``, ``monthly:last@17:00``.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcasts.problems import MalformedRecurrence


def _vietnam_zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:  # a slim image without tzdata; the offset is fixed since 1975
        return timezone(timedelta(hours=7), "ICT")


VIETNAM_TZ = _vietnam_zone()
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LAST_DAY = 32  # stands for "last" among monthly days (sorts after 31)

_FORM = re.compile(r"^(daily|weekly|monthly)(?::([a-z0-9,]*))?@(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Recurrence:
    """A parsed recurrence; ``days`` are weekdays (0 = Monday) or month days (LAST_DAY = last)."""

    kind: str
    days: tuple[int, ...]
    at: time

    def __str__(self) -> str:
        clock = f"@{self.at.hour:02d}:{self.at.minute:02d}"
        if self.kind == "daily":
            return "daily" + clock
        names = [WEEKDAYS[d] if self.kind == "weekly" else _month_day_name(d) for d in self.days]
        return f"{self.kind}:{','.join(names)}{clock}"


def _month_day_name(day: int) -> str:
    return "last" if day == LAST_DAY else str(day)


def parse_recurrence(text: str) -> Recurrence:
    """Parse the grammar above; raises MalformedRecurrence saying what is wrong."""
    match = _FORM.match("".join(text.split()).lower())
    if match is None:
        raise MalformedRecurrence(
            text, "expected daily@HH:MM, weekly:DAYS@HH:MM or monthly:N@HH:MM")
    kind, day_list, hour, minute = match.groups()
    if int(hour) > 23 or int(minute) > 59:
        raise MalformedRecurrence(text, "time must be between 00:00 and 23:59")
    at = time(int(hour), int(minute))
    if kind == "daily":
        if day_list is not None:
            raise MalformedRecurrence(text, "daily takes no days")
        return Recurrence("daily", (), at)
    if not day_list:
        raise MalformedRecurrence(text, f"{kind} needs at least one day")
    parse_day = _weekday if kind == "weekly" else _month_day
    days = {parse_day(text, token) for token in day_list.split(",")}
    return Recurrence(kind, tuple(sorted(days)), at)


def _weekday(text: str, token: str) -> int:
    if token not in WEEKDAYS:
        raise MalformedRecurrence(text, f"unknown weekday {token!r}")
    return WEEKDAYS.index(token)


def _month_day(text: str, token: str) -> int:
    if token == "last":
        return LAST_DAY
    if not token.isdigit() or not 1 <= int(token) <= 31:
        raise MalformedRecurrence(text, f"month day {token!r} must be 1..31 or last")
    return int(token)


def to_vietnam_time(moment: datetime) -> datetime:
    """``moment`` in Vietnam time; a naive datetime is read as Vietnam wall-clock time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(VIETNAM_TZ)


def next_occurrence(recurrence: str | Recurrence, after: datetime) -> datetime:
    """The first firing strictly after ``after``, as an aware datetime in Vietnam time."""
    rule = parse_recurrence(recurrence) if isinstance(recurrence, str) else recurrence
    local = to_vietnam_time(after)
    for day in _candidate_days(rule, local.date()):
        moment = datetime.combine(day, rule.at, tzinfo=VIETNAM_TZ)
        if moment > local:
            return moment
    raise AssertionError("unreachable: every rule fires within 13 months")


def _candidate_days(rule: Recurrence, start: date) -> Iterator[date]:
    """Days on which ``rule`` fires, from ``start`` on, in order (enough to find the next one)."""
    if rule.kind == "daily":
        yield from (start + timedelta(days=n) for n in range(2))
    elif rule.kind == "weekly":
        for n in range(8):
            day = start + timedelta(days=n)
            if day.weekday() in rule.days:
                yield day
    else:
        year, month = start.year, start.month
        for _ in range(13):
            for day in _days_in_month(rule.days, year, month):
                if day >= start:
                    yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _days_in_month(days: tuple[int, ...], year: int, month: int) -> list[date]:
    """The month's firing dates; days past its end (and "last") fall on its last day, once."""
    last = calendar.monthrange(year, month)[1]
    return [date(year, month, d) for d in sorted({last if d == LAST_DAY else min(d, last)
                                                  for d in days})]
