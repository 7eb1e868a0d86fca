"""Offline outreach that officers record: the seed report's categories and what is plausible."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

MAX_AGE = timedelta(days=3700)      # a typo like 2014 for 2024 is refused, ten years are not
NOTE_LIMIT = 500


@dataclass(frozen=True)
class Category:
    """A kind of offline activity; `extra` is the second figure it needs, if any.

    `limit` and `extra_limit` bound one record: beyond them a number is a typo, not a report.
    """

    slug: str
    limit: int
    extra: str | None = None          # "attendance" (optional), "aired" or "succeeded"
    extra_limit: int = 0

    @property
    def extra_required(self) -> bool:
        return self.extra in ("aired", "succeeded", "valuable")

    @property
    def column(self) -> str | None:
        """Where the extra figure is kept: valuable tips share the `succeeded` column."""
        return "succeeded" if self.extra == "valuable" else self.extra


CATEGORIES = (
    Category("conference", 100, "attendance", 20_000),
    Category("listening_session", 100, "attendance", 20_000),
    Category("rally", 100, "attendance", 50_000),
    Category("legal_contest", 50, "attendance", 20_000),
    Category("leaflets", 500_000),
    Category("booklets", 100_000),
    Category("web_post", 1_000),
    Category("zalo_post", 1_000),
    Category("loudspeaker", 5_000, "aired", 500_000),
    Category("mediation", 1_000, "succeeded", 1_000),
    # Issue 12: figures of section III the bot had nowhere to keep. The first rally, contest and
    # listening categories above are the commune level; these are the district level.
    Category("fanpage_post", 1_000),
    Category("zalo_group_share", 100_000),
    Category("rally_district", 50, "attendance", 50_000),
    Category("legal_contest_district", 50, "attendance", 20_000),
    Category("listening_session_district", 50, "attendance", 20_000),
    Category("listening_session_integrated", 1_000, "attendance", 100_000),
    # Tips received outside the bot, and how many were valuable.
    Category("tip_phone", 1_000, "valuable", 1_000),
    Category("tip_in_person", 1_000, "valuable", 1_000),
    Category("tip_mttq", 1_000, "valuable", 1_000),
    # Standing figures of III.6, recorded on the day they were reviewed.
    Category("model", 1_000),
    Category("mass_organisation", 5_000),
)
TIP_CATEGORIES = ("tip_phone", "tip_in_person", "tip_mttq")
BY_SLUG = {c.slug: c for c in CATEGORIES}


class ActivityError(ValueError):
    """A record that cannot be kept; `key` is the catalogue message to show."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class ActivityInput:
    """What an officer entered, before it is stored."""

    unit_id: int
    day: date
    category: str
    count: int
    extra: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Activity:
    """One stored version of a record; corrections add versions, the last one counts."""

    record_id: int
    version: int
    unit_id: int
    day: date
    category: str
    count: int
    attendance: int | None
    aired: int | None
    succeeded: int | None
    note: str
    recorded_by: str
    recorded_at: datetime
    current: bool = True
    withdrawn: bool = False

    @property
    def extra(self) -> int | None:
        column = BY_SLUG[self.category].column if self.category in BY_SLUG else None
        return getattr(self, column) if column else None


def category(slug: str) -> Category:
    if slug not in BY_SLUG:
        raise ActivityError("stats.act.error.category", category=slug[:30])
    return BY_SLUG[slug]


def check_day(day: date, today: date) -> date:
    if day > today:
        raise ActivityError("stats.act.error.future")
    if today - day > MAX_AGE:
        raise ActivityError("stats.act.error.too_old")
    return day


def check_count(cat: Category, count: int) -> int:
    if count < 0:
        raise ActivityError("stats.act.error.negative")
    if count == 0 or count > cat.limit:
        raise ActivityError("stats.act.error.count_range", limit=cat.limit)
    return count


def check_extra(cat: Category, count: int, extra: int | None) -> int | None:
    """The second figure: attendance may be unknown; aired and succeeded must be sensible."""
    if extra is None:
        if cat.extra_required:
            raise ActivityError(f"stats.act.error.{cat.extra}_missing")
        return None
    if cat.extra is None:
        raise ActivityError("stats.act.error.no_extra")
    if extra < 0:
        raise ActivityError("stats.act.error.negative")
    if extra > cat.extra_limit or (cat.extra == "attendance" and extra == 0):
        raise ActivityError("stats.act.error.extra_range", limit=cat.extra_limit)
    if cat.extra == "aired" and extra < count:
        raise ActivityError("stats.act.error.aired_below_items")
    if cat.extra == "succeeded" and extra > count:
        raise ActivityError("stats.act.error.succeeded_above_cases")
    if cat.extra == "valuable" and extra > count:
        raise ActivityError("stats.act.error.valuable_above_tips")
    return extra


def validate(entry: ActivityInput, today: date) -> ActivityInput:
    """The entry if every figure is plausible; ActivityError naming the first problem otherwise."""
    cat = category(entry.category)
    check_day(entry.day, today)
    check_count(cat, entry.count)
    check_extra(cat, entry.count, entry.extra)
    if len(entry.note) > NOTE_LIMIT:
        raise ActivityError("stats.act.error.note_long", limit=NOTE_LIMIT)
    return entry


def extras(entry: ActivityInput) -> dict[str, int | None]:
    """The entry's extra figure under its column name (attendance, aired, succeeded)."""
    columns = {"attendance": None, "aired": None, "succeeded": None}
    column = BY_SLUG[entry.category].column
    if column:
        columns[column] = entry.extra
    return columns

