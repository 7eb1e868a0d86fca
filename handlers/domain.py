"""The product's nouns: subscribers, units, bulletins, ledger events."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class SubscriberStatus(str, enum.Enum):
    ONBOARDING = "onboarding"     # started, has not finished choosing commune and topics
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BLOCKED = "blocked"           # blocked the bot or deactivated their account


class EventKind(str, enum.Enum):
    """Ledger events that the statistics read; names are stable, they are stored."""

    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    RESUBSCRIBED = "resubscribed"
    SETTINGS_CHANGED = "settings_changed"
    BULLETIN_VIEWED = "bulletin_viewed"
    BLOCKED = "blocked"


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


@dataclass(frozen=True)
class Bulletin:
    id: int
    slug: str
    topic: str
    title: str
    body: str
    published: date


@dataclass(frozen=True)
class BulletinSpec:
    slug: str
    topic: str
    title: str
    body: str
    published: date


@dataclass(frozen=True)
class DialogueState:
    """Where a person is in a conversation; stored per (channel, user)."""

    step: str = "main"
    data: dict = field(default_factory=dict)
