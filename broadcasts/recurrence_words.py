"""Recurrences the way officers say them, read and shown in their language.

"thứ hai hằng tuần, 08:00", "thu 2 va thu 5 hang tuan 8h", "hằng ngày 7 giờ 30", "ngày 1 và 15
hằng tháng 09:00", "cuối tháng 17h" are read into the same :class:`Recurrence` as the stored
grammar (``weekly:mon@08:00``), which stays what the database keeps and the CLI takes. Every word
comes from the catalogue (``recurrence.*``), so the reading follows the officer's language.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from broadcasts.problems import MalformedRecurrence
from broadcasts.recurrence import LAST_DAY, Recurrence, parse_recurrence
from handlers.text import fold, unmarked

Translate = Callable[..., str]

# A clock time in text already stripped of diacritics: "08:00", "8h", "8h30", "8 gio 30", "8g".
# The unit letter must not start a word ("1 hang thang" is a day, not 1 o'clock).
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s*(?::|h(?![a-z])|gio\b|g(?![a-z]))\s*(\d{2})?(?!\d)")
_NUMBERS = r"(\d{1,2}(?:\s*(?:,|\s)\s*(?:{and}\s+)?\d{1,2})*)"


def _words(t: Translate, key: str) -> tuple[str, ...]:
    return tuple(w for w in (fold(part) for part in t(key).split(",")) if w)


@dataclass(frozen=True)
class RecurrenceWords:
    """The typed forms of one language, folded (no diacritics, lower case)."""

    days: tuple[tuple[str, ...], ...]     # Monday first
    daily: tuple[str, ...]
    weekly: tuple[str, ...]
    monthly: tuple[str, ...]
    last: tuple[str, ...]
    day_prefix: tuple[str, ...]           # "ngay", "mung": before a day of the month
    weekday_prefix: tuple[str, ...]       # "thu": "thu 2 4 6" are Monday, Wednesday, Friday
    evening: tuple[str, ...]              # "chieu", "toi": 8 gio toi is 20:00
    conjunction: str                      # "va"

    @classmethod
    def of(cls, t: Translate) -> RecurrenceWords:
        return cls(days=tuple(_words(t, f"recurrence.day.{n}.words") for n in range(7)),
                   daily=_words(t, "recurrence.words.daily"),
                   weekly=_words(t, "recurrence.words.weekly"),
                   monthly=_words(t, "recurrence.words.monthly"),
                   last=_words(t, "recurrence.words.last"),
                   day_prefix=_words(t, "recurrence.words.day_prefix"),
                   weekday_prefix=_words(t, "recurrence.words.weekday_prefix"),
                   evening=_words(t, "recurrence.words.evening"),
                   conjunction=fold(t("recurrence.words.and")))


def _has(folded: str, forms: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", folded) for form in forms)


def read_typed_recurrence(text: str, words: RecurrenceWords) -> Recurrence | None:
    """The recurrence ``text`` says, None if it says none; MalformedRecurrence if half of one."""
    plain = unmarked(text)
    clock = _CLOCK.search(plain)
    rest = fold(plain[:clock.start()] + " " + plain[clock.end():]) if clock else fold(plain)
    kind = _kind(rest, words)
    if kind is None:
        if _weekdays(rest, words):
            raise MalformedRecurrence(text, "a weekday without 'every week'")
        return None
    if clock is None:
        raise MalformedRecurrence(text, "no time of day")
    at = _time(clock, rest, words, text)
    if kind == "daily":
        return Recurrence("daily", (), at)
    days = _weekdays(rest, words) if kind == "weekly" else _month_days(rest, words, text)
    if not days:
        raise MalformedRecurrence(text, f"{kind} needs at least one day")
    return Recurrence(kind, tuple(sorted(days)), at)


def _kind(folded: str, words: RecurrenceWords) -> str | None:
    if _has(folded, words.daily):
        return "daily"
    if _has(folded, words.monthly) or _has(folded, words.last):
        return "monthly"
    if _has(folded, words.weekly):
        return "weekly"
    return None


def _time(clock: re.Match[str], rest: str, words: RecurrenceWords, text: str) -> time:
    hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
    if hour < 12 and _has(rest, words.evening):
        hour += 12
    if hour > 23 or minute > 59:
        raise MalformedRecurrence(text, "time must be between 00:00 and 23:59")
    return time(hour, minute)


def _weekdays(folded: str, words: RecurrenceWords) -> set[int]:
    days = {n for n, forms in enumerate(words.days) if _has(folded, forms)}
    numbers = _NUMBERS.replace("{and}", re.escape(words.conjunction or "and"))
    for prefix in words.weekday_prefix:       # "thu 2 4 va 6": the Vietnamese day numbers
        for match in re.finditer(rf"(?<!\w){re.escape(prefix)}\s+{numbers}", folded):
            days |= {int(n) - 2 for n in re.findall(r"\d+", match.group(1)) if 2 <= int(n) <= 7}
    return days


def _month_days(folded: str, words: RecurrenceWords, text: str) -> set[int]:
    days = {LAST_DAY} if _has(folded, words.last) else set()
    numbers = _NUMBERS.replace("{and}", re.escape(words.conjunction or "and"))
    for prefix in words.day_prefix:
        for match in re.finditer(rf"(?<!\w){re.escape(prefix)}\s+{numbers}", folded):
            for number in (int(n) for n in re.findall(r"\d+", match.group(1))):
                if not 1 <= number <= 31:
                    raise MalformedRecurrence(text, f"month day {number} must be 1..31")
                days.add(number)
    return days


def describe_recurrence(rule: str | Recurrence, t: Translate) -> str:
    """The rule as an officer reads it: "thứ hai và thứ năm hằng tuần, 08:00"."""
    try:
        parsed = parse_recurrence(rule) if isinstance(rule, str) else rule
    except MalformedRecurrence:
        return str(rule)                    # a stored rule is always valid; never hide one
    at = f"{parsed.at.hour:02d}:{parsed.at.minute:02d}"
    if parsed.kind == "daily":
        return t("recurrence.show.daily", time=at)
    if parsed.kind == "weekly":
        names = [t(f"recurrence.day.{d}") for d in parsed.days]
        return t("recurrence.show.weekly", days=_joined(names, t), time=at)
    names = [t("recurrence.last_day") if d == LAST_DAY else t("recurrence.month_day", day=d)
             for d in parsed.days]
    return t("recurrence.show.monthly", days=_joined(names, t), time=at)


def _joined(names: list[str], t: Translate) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + t("recurrence.and") + names[-1]
