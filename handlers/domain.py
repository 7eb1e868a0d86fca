"""The product's nouns: subscribers, units, bulletins, ledger events."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class SubscriberStatus(str, enum.Enum):
    ONBOARDING = "onboarding"     # started, has not finished choosing commune and topics
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BLOCKED = "blocked"           # blocked the bot or deactivated their account


class EventKind(str, enum.Enum):
    """Ledger events that the statistics read; names are stable, they are stored.

    Conventions: `unit_id` is the unit the event counts for (a subscriber's commune, a tip's
    responsible unit at that moment, a delivery's recipient commune); `topic` is a bulletin topic
    or a tip category; `ref` identifies the thing (broadcast id, tip id as text, bulletin slug);
    `data` holds small facts (e.g. {"seconds": 812} on tip_taken and tip_closed, {"outcome":
    "valuable"} on tip_outcome, {"from_unit": 3, "to_unit": 5} on tip_moved, {"source":
    "resident"|"team"} and {"prompted_by": broadcast id} on tip_submitted). One row per event
    (count=1) except where a row stands for several identical events.
    """

    # residents and subscriptions
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    RESUBSCRIBED = "resubscribed"
    SETTINGS_CHANGED = "settings_changed"
    BULLETIN_VIEWED = "bulletin_viewed"
    BLOCKED = "blocked"
    # a reorganisation moved a commune's subscribers (one row per side, `count` of them), so a
    # report on a period before it still finds them in the commune they lived in then
    SUBSCRIBERS_MOVED_OUT = "subscribers_moved_out"
    SUBSCRIBERS_MOVED_IN = "subscribers_moved_in"
    # broadcasts (one delivery_* row per recipient and outcome)
    BULLETIN_PUBLISHED = "bulletin_published"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    DELIVERY_BLOCKED = "delivery_blocked"
    DELIVERY_EXPIRED = "delivery_expired"
    DELIVERY_OUT_OF_REACH = "delivery_out_of_reach"    # e.g. outside Zalo's reply window
    BULLETIN_READ = "bulletin_read"                    # Zalo read receipts
    # tip line
    TIP_STARTED = "tip_started"
    TIP_SUBMITTED = "tip_submitted"
    TIP_ABANDONED = "tip_abandoned"
    TIP_ROUTED = "tip_routed"
    TIP_MOVED = "tip_moved"
    TIP_TAKEN = "tip_taken"
    TIP_ANSWERED = "tip_answered"
    TIP_OUTCOME = "tip_outcome"
    TIP_CLOSED = "tip_closed"
    TIP_ESCALATED = "tip_escalated"
    FOLLOWUP_SENT = "followup_sent"          # officer -> tipster
    FOLLOWUP_ANSWERED = "followup_answered"  # tipster -> officer
    TEAM_REPORT_SUBMITTED = "team_report_submitted"


class Role(str, enum.Enum):
    """What a member of staff or a team may do; residents have no role."""

    TEAM_MEMBER = "team_member"     # a self-management team member, reports under their name
    OFFICER = "officer"             # commune police: one unit
    COMMAND = "command"             # district/province command and duty desk: every unit
    ADMIN = "admin"                 # manages units, members, invites, retention

    @property
    def is_staff(self) -> bool:
        return self in (Role.OFFICER, Role.COMMAND, Role.ADMIN)

    @property
    def sees_every_unit(self) -> bool:
        return self in (Role.COMMAND, Role.ADMIN)


@dataclass
class Member:
    """A person with a role, bound to a channel account; residents are not members."""

    channel: str
    user_id: str
    role: Role
    unit_id: int | None
    name: str = ""
    team_id: int | None = None
    active: bool = True
    id: int | None = None

    def may_act_for(self, unit_id: int | None) -> bool:
        """Every action on a unit's tips re-checks this on the server."""
        if not self.active or not self.role.is_staff:
            return False
        return self.role.sees_every_unit or (unit_id is not None and unit_id == self.unit_id)


@dataclass
class Subscriber:
    channel: str
    user_id: str
    language: str
    status: SubscriberStatus = SubscriberStatus.ONBOARDING
    unit_id: int | None = None
    topics: set[str] = field(default_factory=set)
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is SubscriberStatus.ACTIVE


@dataclass(frozen=True)
class Unit:
    id: int
    slug: str
    name: str
    short: str
    police: str
    kind: str
    parent_id: int | None
    aliases: tuple[str, ...] = ()
    duty_desk: bool = False
    boundary: dict[str, Any] | None = field(default=None, compare=False, hash=False)  # GeoJSON
    phone: str = ""
    address: str = ""
    successor_id: int | None = None     # set when the unit was merged away (history)

    @property
    def is_history(self) -> bool:
        return self.successor_id is not None


@dataclass(frozen=True)
class UnitSpec:
    """A unit as read from a directory file, before it has an id."""

    slug: str
    name: str
    short: str
    police: str
    kind: str
    parent_slug: str | None
    aliases: tuple[str, ...] = ()
    duty_desk: bool = False
    replaces: tuple[str, ...] = ()      # slugs of units merged into this one (reorganisation)
    effective: date | None = None       # from when `replaces` holds
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Bulletin:
    id: int
    slug: str
    topic: str
    title: str
    body: str
    published: date
    issuer: str = ""            # who issued it: the ministry, a newspaper, the commune police
    source: str = ""            # where it can be checked (a link)


@dataclass(frozen=True)
class SentBulletin:
    """A bulletin an officer or the command actually sent (or is sending) to residents."""

    id: int                     # the broadcast's id (what /start tb_<id> credits)
    topics: tuple[str, ...]
    text: str
    sent_at: datetime
    title: str = ""             # the library title when it was sent from the library


@dataclass(frozen=True)
class BulletinSpec:
    slug: str
    topic: str
    title: str
    body: str
    published: date
    issuer: str = ""
    source: str = ""


@dataclass(frozen=True)
class DialogueState:
    """Where a person is in a conversation; stored per (channel, user)."""

    step: str = "main"
    data: dict[str, Any] = field(default_factory=dict)
