"""Report periods, in Vietnam's local time: this month, last month, this year, a custom range."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

# Vietnam has kept UTC+7 without daylight saving since 1975: a fixed offset needs no tzdata.
VIETNAM = timezone(timedelta(hours=7))
MAX_DAYS = 3700          # about ten years: the seed report covers ten
EARLIEST = date(2000, 1, 1)
KINDS = ("this_month", "last_month", "this_year", "custom")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?")


class PeriodError(ValueError):
    """Input that names no usable period; `key` is the catalogue message to show."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: date
    end: date
    kind: str = "custom"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware UTC datetimes (the ledger stores UTC)."""
        return local_midnight(self.start), local_midnight(self.end + timedelta(days=1))

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every calendar month the period touches, in order."""
        year, month, found = self.start.year, self.start.month, []
        while (year, month) <= (self.end.year, self.end.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def month_edges(self) -> list[datetime]:
        """UTC edges of the monthly buckets: the start, each month's first day, the end."""
        start, end = self.bounds()
        inner = [local_midnight(date(y, m, 1)) for y, m in self.months()[1:]]
        return [start, *inner, end]

    def today_in(self, today: date) -> bool:
        return self.start <= today <= self.end


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), VIETNAM).astimezone(timezone.utc)


def local_today(now: datetime | None = None) -> date:
    return (now or datetime.now(timezone.utc)).astimezone(VIETNAM).date()


def month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def named(kind: str, today: date) -> Period:
    """This month, last month or this year, as of `today` (local)."""
    if kind == "this_month":
        return Period(today.replace(day=1), month_end(today.year, today.month), kind)
    if kind == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last, kind)
    if kind == "this_year":
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), kind)
    raise PeriodError("stats.error.bad_period")


def custom(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError("stats.error.end_before_start")
    if start < EARLIEST or (end - start).days > MAX_DAYS:
        raise PeriodError("stats.error.too_long")
    return Period(start, end, "custom")


def parse_date(text: str, today: date) -> date:
    """2024-05-01, 01/05/2024, 1/5/24, 1.5.2024 or 01/05 (this year) as a date."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise PeriodError("stats.error.bad_date", text=text.strip()[:30])
    return _date_of(match, today, text)


def _date_of(match: re.Match, today: date, text: str) -> date:
    iso_y, iso_m, iso_d, day, month, year = match.groups()
    if iso_y:
        values = int(iso_y), int(iso_m), int(iso_d)
    else:
        full = today.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
        values = full, int(month), int(day)
    try:
        return date(*values)
    except ValueError:
        raise PeriodError("stats.error.bad_date", text=text.strip()[:30]) from None


def parse_range(text: str, today: date) -> Period:
    """Two dates in one line ("01/01/2024 - 31/03/2024") as a custom period."""
    tokens = [m.group(0) for m in _DATE.finditer(text)]
    if len(tokens) != 2:
        raise PeriodError("stats.error.bad_range")
    return custom(parse_date(tokens[0], today), parse_date(tokens[1], today))
