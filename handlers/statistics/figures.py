"""The report's figures: what storage computes and every output (chat, md, xlsx, png, json)
shows."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

from handlers.statistics.period import Period

TOTAL = 0                 # node id of the whole scope in per-node results
OUTCOMES = ("valuable", "not_valuable", "duplicate", "spam")
DELIVERY_KINDS = ("delivered", "delivery_failed", "delivery_blocked", "delivery_expired",
                  "delivery_out_of_reach")


@dataclass
class ActivityTotals:
    """Offline activities of one category: records, their counts and the extras that apply."""

    records: int = 0
    count: int = 0
    attendance: int = 0
    aired: int = 0
    succeeded: int = 0

    def add(self, other: ActivityTotals) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Counts:
    """Additive figures of one unit (or the whole scope); they roll up the unit tree by sum."""

    delivered: int = 0
    delivery_failed: int = 0
    delivery_blocked: int = 0
    delivery_expired: int = 0
    delivery_out_of_reach: int = 0
    subscribers_end: int = 0
    new_subscribers: int = 0
    returned_subscribers: int = 0
    unsubscribed: int = 0
    blocked_bot: int = 0
    views: int = 0
    zalo_reads: int = 0       # bulletins seen on Zalo (read receipts; no other channel has them)
    tips: int = 0
    tips_residents: int = 0
    tips_team: int = 0
    valuable: int = 0
    not_valuable: int = 0
    duplicate: int = 0
    spam: int = 0
    tips_moved: int = 0
    tips_escalated: int = 0
    tips_credited: int = 0
    team_reports: int = 0
    teams: int = 0            # teams with a member in the bot, and those members (counted)
    team_members: int = 0
    roster_teams: int = 0     # teams and people on the imported roster (recorded)
    roster_members: int = 0
    activities: dict[str, ActivityTotals] = field(default_factory=dict)

    @property
    def attempted(self) -> int:
        """Deliveries the platform was asked for (expired and out-of-reach never were)."""
        return self.delivered + self.delivery_failed + self.delivery_blocked

    @property
    def left(self) -> int:
        return self.unsubscribed + self.blocked_bot

    @property
    def judged(self) -> int:
        return self.valuable + self.not_valuable + self.duplicate + self.spam

    @property
    def pending(self) -> int:
        return self.tips - self.judged

    def add(self, other: Counts) -> None:
        for f in fields(self):
            if f.name != "activities":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        for category, totals in other.activities.items():
            self.activities.setdefault(category, ActivityTotals()).add(totals)

    def activity(self, category: str) -> ActivityTotals:
        return self.activities.get(category) or ActivityTotals()

    @property
    def has_activity(self) -> bool:
        """Anything happened in the period (standing figures such as teams do not count)."""
        standing = {"subscribers_end", "teams", "team_members", "roster_teams",
                    "roster_members", "activities"}
        flows = any(getattr(self, f.name) for f in fields(self) if f.name not in standing)
        return flows or any(t.records for t in self.activities.values())


@dataclass
class Durations:
    """Seconds from submission to first officer action and to closure (nearest-rank)."""

    first_action_n: int = 0
    first_action_median: int | None = None
    first_action_p90: int | None = None
    closure_n: int = 0
    closure_median: int | None = None
    closure_p90: int | None = None


@dataclass
class UnitFigures:
    """One row of the per-unit table; `bulletins` and `durations` are counted per node."""

    unit_id: int
    slug: str
    name: str
    depth: int
    counts: Counts = field(default_factory=Counts)
    bulletins: int = 0
    durations: Durations = field(default_factory=Durations)


@dataclass
class TopicFigures:
    topic: str | None           # None: the ledger rows carry no topic
    bulletins: int = 0
    delivered: int = 0
    attempted: int = 0


@dataclass
class ChannelFigures:
    """Bulletins and deliveries of one channel (telegram, zalo_oa, zalo_bot)."""

    channel: str
    bulletins: int = 0
    delivered: int = 0
    attempted: int = 0


@dataclass
class CategoryFigures:
    """Tips of one category (the tip line's categories) and what became of them."""

    category: str | None        # None: the ledger rows carry no topic
    tips: int = 0
    residents: int = 0
    team: int = 0
    valuable: int = 0
    not_valuable: int = 0
    duplicate: int = 0
    spam: int = 0

    @property
    def pending(self) -> int:
        return self.tips - self.valuable - self.not_valuable - self.duplicate - self.spam


@dataclass
class MonthFigures:
    year: int
    month: int
    delivered: int = 0
    undelivered: int = 0      # failed, blocked, expired or out of reach
    tips: int = 0
    valuable: int = 0


@dataclass
class Figures:
    """Everything one report shows, for one period and one scope (a unit subtree, or all)."""

    period: Period
    scope_slug: str | None
    scope_name: str | None
    total: UnitFigures
    units: list[UnitFigures]
    topics: list[TopicFigures]
    channels: list[ChannelFigures]
    categories: list[CategoryFigures]
    months: list[MonthFigures]
    generated_at: datetime
    issuer: str | None = None           # the police unit reporting, from the directory
    area_name: str | None = None        # the directory's top unit, for a report on everything

    @property
    def empty(self) -> bool:
        return not (self.total.bulletins or self.total.counts.has_activity)

    def as_dict(self) -> dict:
        """Plain data for JSON: dates as ISO strings, derived figures spelled out."""
        data = asdict(self)
        data["period"] = {"start": self.period.start.isoformat(),
                          "end": self.period.end.isoformat(), "kind": self.period.kind}
        data["generated_at"] = self.generated_at.isoformat()
        data["empty"] = self.empty
        for row, source in [(data["total"], self.total), *zip(data["units"], self.units)]:
            counts = source.counts
            row["counts"].update(attempted=counts.attempted, left=counts.left,
                                 judged=counts.judged, pending=counts.pending)
        for row, source in zip(data["categories"], self.categories):
            row["pending"] = source.pending
        return data
