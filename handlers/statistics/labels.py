"""Words and number formats of a report, all from the message catalogues."""
from __future__ import annotations

from datetime import date, datetime

from handlers.i18n import Catalog
from handlers.statistics.numbers import NumberStyle
from handlers.statistics.period import VIETNAM, Period

MINUTE, HOUR, DAY = 60, 3600, 86400


class Share(str):
    """A share as the report writes it ("80,5%") that still knows its ratio (0.805...)."""

    ratio: float

    def __new__(cls, shown: str, ratio: float) -> Share:
        made = super().__new__(cls, shown)
        made.ratio = ratio
        return made


class Labels:
    """`t` plus the report's formats (numbers, shares, dates, durations) in one language."""

    def __init__(self, catalog: Catalog, lang: str | None = None) -> None:
        self.catalog = catalog
        self.lang = lang or catalog.default
        self.style = NumberStyle(self.t("stats.format.thousands"), self.t("stats.format.decimal"))

    def t(self, key: str, **values: object) -> str:
        return self.catalog.t(self.lang, key, **values)

    def has(self, key: str) -> bool:
        return bool(self.catalog.all_labels(key))

    def n(self, value: int | float | None) -> str:
        return "—" if value is None else self.style.number(value)

    def pct(self, part: int, whole: int) -> str:
        return self.style.percent(part, whole) or "—"

    def share(self, part: int, whole: int) -> str:
        """pct, remembering the ratio: a spreadsheet writes it as a number in percent format."""
        shown = self.style.percent(part, whole)
        return Share(shown, part / whole) if shown else "—"

    def day(self, day: date) -> str:
        return self.t("stats.format.date", day=f"{day.day:02d}", month=f"{day.month:02d}",
                      year=day.year)

    def moment(self, when: datetime) -> str:
        local = when.astimezone(VIETNAM)
        return self.t("stats.format.moment", date=self.day(local.date()),
                      time=local.strftime("%H:%M"))

    def month(self, year: int, month: int) -> str:
        return self.t("stats.format.month", month=month, year=year)

    def duration(self, seconds: int | None) -> str:
        """"2 giờ 15 phút"; the two largest units are enough for a report."""
        if seconds is None:
            return "—"
        if seconds < MINUTE:
            return self.t("stats.duration.under_minute")
        days, rest = divmod(seconds, DAY)
        hours, rest = divmod(rest, HOUR)
        minutes = rest // MINUTE
        parts = [(days, "days"), (hours, "hours"), (minutes, "minutes")]
        shown = [(v, u) for v, u in parts if v][:2]
        return " ".join(self.t(f"stats.duration.{unit}", n=value) for value, unit in shown)

    def explain(self, error) -> str:
        """An ActivityError or PeriodError in words; limits written the report's way (20.000)."""
        values = {k: self.n(v) if k == "limit" and isinstance(v, int) else v
                  for k, v in error.values.items()}
        return self.t(error.key, **values)

    def within(self, seconds: int | None) -> str:
        """"trong vòng 3 giờ"; under a minute it is just "dưới 1 phút" (not "trong vòng dưới")."""
        if seconds is not None and seconds < MINUTE:
            return self.duration(seconds)
        return self.t("stats.duration.within", duration=self.duration(seconds))

    def period(self, period: Period) -> str:
        if period.kind in ("this_month", "last_month"):
            return self.t("stats.period.month", month=self.month(period.start.year,
                                                                  period.start.month))
        if period.kind == "this_year":
            return self.t("stats.period.year", year=period.start.year)
        return self.t("stats.period.range", start=self.day(period.start),
                      end=self.day(period.end))

    def scope(self, name: str | None) -> str:
        return name or self.t("stats.scope.all")

    def place(self, name: str | None) -> str:
        """A unit's area mid-sentence: "địa bàn thị trấn Cao Thượng" (not "Thị trấn …")."""
        if not name:
            return self.t("stats.scope.all")
        return self.t("stats.scope.place", name=name[:1].lower() + name[1:])

    def topic(self, slug: str | None) -> str:
        return self._named(slug, "topic.{}", "stats.topic.{}")

    def category(self, slug: str | None) -> str:
        """A tip category: the tip line's own word if the catalogue has it, else the topic's."""
        return self._named(slug, "stats.tip_category.{}", "tip.category.{}", "topic.{}")

    def activity(self, slug: str) -> str:
        return self._named(slug, "stats.act.category.{}")

    def channel(self, slug: str | None) -> str:
        """A bulletin published without a channel went out on every channel."""
        return self._named(slug, "stats.channel.{}") if slug else self.t("stats.channel.all")

    def _named(self, slug: str | None, *patterns: str) -> str:
        if not slug:
            return self.t("stats.unknown")
        for pattern in patterns:
            if self.has(pattern.format(slug)):
                return self.t(pattern.format(slug))
        return slug
