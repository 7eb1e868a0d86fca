"""The report's tables as plain rows, shared by the Markdown and spreadsheet outputs."""
from __future__ import annotations

from dataclasses import dataclass

from handlers.statistics.activities import CATEGORIES
from handlers.statistics.figures import Figures, UnitFigures
from handlers.statistics.labels import Labels

Cell = int | str


@dataclass(frozen=True)
class Table:
    key: str                  # summary, units, topics, channels, categories, activities, months
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    indents: tuple[int, ...] = ()     # depth of each row's first cell (the unit tree)


def report_tables(figures: Figures, labels: Labels) -> list[Table]:
    return [summary_table(figures, labels), units_table(figures, labels),
            topics_table(figures, labels), channels_table(figures, labels),
            categories_table(figures, labels), activities_table(figures, labels),
            months_table(figures, labels)]


def _headers(labels: Labels, columns: str) -> list[str]:
    return [labels.t(f"stats.col.{name}") for name in columns.split()]


def summary_table(figures: Figures, labels: Labels) -> Table:
    total, c, d = figures.total, figures.total.counts, figures.total.durations
    values: list[tuple[str, Cell]] = [
        ("bulletins", total.bulletins), ("attempted", c.attempted), ("delivered", c.delivered),
        ("delivery_share", labels.share(c.delivered, c.attempted)),
        ("delivery_failed", c.delivery_failed), ("delivery_blocked", c.delivery_blocked),
        ("delivery_expired", c.delivery_expired),
        ("delivery_out_of_reach", c.delivery_out_of_reach),
        ("subscribers_end", c.subscribers_end), ("new_subscribers", c.new_subscribers),
        ("returned_subscribers", c.returned_subscribers), ("left", c.left), ("views", c.views),
        ("tips", c.tips), ("tips_residents", c.tips_residents), ("tips_team", c.tips_team),
        ("valuable", c.valuable), ("valuable_share", labels.share(c.valuable, c.tips)),
        ("not_valuable", c.not_valuable), ("duplicate", c.duplicate), ("spam", c.spam),
        ("pending", c.pending), ("tips_moved", c.tips_moved),
        ("tips_escalated", c.tips_escalated), ("tips_credited", c.tips_credited),
        ("first_action_median", labels.duration(d.first_action_median)),
        ("first_action_p90", labels.duration(d.first_action_p90)),
        ("closure_median", labels.duration(d.closure_median)),
        ("closure_p90", labels.duration(d.closure_p90)),
        ("team_reports", c.team_reports), ("teams", c.teams), ("team_members", c.team_members),
        ("roster_teams", c.roster_teams), ("roster_members", c.roster_members)]
    rows = [[labels.t(f"stats.fig.{key}"), value] for key, value in values]
    return Table("summary", labels.t("stats.table.summary"),
                 _headers(labels, "figure value"), rows)


def _unit_row(row: UnitFigures) -> list[Cell]:
    c = row.counts
    return [row.name, row.bulletins, c.attempted, c.delivered, c.delivery_failed,
            c.delivery_blocked, c.subscribers_end, c.new_subscribers, c.left, c.views, c.tips,
            c.valuable, c.tips_moved, c.team_reports, c.teams, c.team_members,
            sum(a.records for a in c.activities.values())]


def units_table(figures: Figures, labels: Labels) -> Table:
    columns = ("unit bulletins attempted delivered delivery_failed delivery_blocked "
               "subscribers_end new_subscribers left views tips valuable tips_moved "
               "team_reports teams team_members activities")
    return Table("units", labels.t("stats.table.units"), _headers(labels, columns),
                 [_unit_row(row) for row in figures.units],
                 tuple(row.depth for row in figures.units))


def topics_table(figures: Figures, labels: Labels) -> Table:
    rows = [[labels.topic(t.topic), t.bulletins, t.attempted, t.delivered]
            for t in figures.topics]
    return Table("topics", labels.t("stats.table.topics"),
                 _headers(labels, "topic bulletins attempted delivered"), rows)


def channels_table(figures: Figures, labels: Labels) -> Table:
    rows = [[labels.channel(c.channel), c.bulletins, c.attempted, c.delivered,
             labels.share(c.delivered, c.attempted)] for c in figures.channels]
    return Table("channels", labels.t("stats.table.channels"),
                 _headers(labels, "channel bulletins attempted delivered delivery_share"), rows)


def categories_table(figures: Figures, labels: Labels) -> Table:
    rows = [[labels.category(c.category), c.tips, c.residents, c.team, c.valuable,
             c.not_valuable, c.duplicate, c.spam, c.pending] for c in figures.categories]
    columns = "category tips tips_residents tips_team valuable not_valuable duplicate spam pending"
    return Table("categories", labels.t("stats.table.categories"),
                 _headers(labels, columns), rows)


def activities_table(figures: Figures, labels: Labels) -> Table:
    c = figures.total.counts
    rows = []
    for cat in CATEGORIES:
        a = c.activity(cat.slug)
        rows.append([labels.activity(cat.slug), a.records, a.count,
                     a.attendance if cat.extra == "attendance" else "",
                     a.aired if cat.extra == "aired" else "",
                     a.succeeded if cat.extra == "succeeded" else ""])
    return Table("activities", labels.t("stats.table.activities"),
                 _headers(labels, "activity records count attendance aired "
                                                 "succeeded"), rows)


def months_table(figures: Figures, labels: Labels) -> Table:
    rows = [[labels.month(m.year, m.month), m.delivered, m.undelivered, m.tips, m.valuable]
            for m in figures.months]
    return Table("months", labels.t("stats.table.months"),
                 _headers(labels, "month delivered undelivered tips valuable"), rows)
