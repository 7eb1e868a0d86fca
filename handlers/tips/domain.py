"""Tips, receipt codes and the rules that protect the tipster."""
from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.messages import Attachment

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand stays unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8                 # 40 bits: guessing is hopeless under the lookup rate limit
LABEL_LENGTH = 4                # the public reference officers see, e.g. #7K3M
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})

CATEGORIES = ("drugs", "gambling", "theft", "fraud", "loan-sharking", "fire-hazard", "traffic",
              "public-order", "other")
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024     # what a Telegram bot can download at most
MAX_TEXT = 3000
MAX_CONTACT = 200


class TipKind(str, enum.Enum):
    TIP = "tip"                   # anonymous, from a resident
    TEAM_REPORT = "team_report"   # under the team member's own name


class TipStatus(str, enum.Enum):
    NEW = "new"
    TAKEN = "taken"
    CLOSED = "closed"


class Outcome(str, enum.Enum):
    VALUABLE = "valuable"
    NOT_VALUABLE = "not_valuable"
    DUPLICATE = "duplicate"
    SPAM = "spam"


def new_code(length: int = CODE_LENGTH) -> str:
    """A fresh code in groups of four or five: receipt XXXX-XXXX, invite XXXXX-XXXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    half = length // 2
    return f"{raw[:half]}-{raw[half:]}"


def new_label() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LABEL_LENGTH))


def normalise_code(typed: str, length: int = CODE_LENGTH) -> str | None:
    """'7k3m q9xd', '7K3M-Q9XD', '7k3mq9xd ' -> '7K3MQ9XD'; None if it cannot be a code."""
    compact = re.sub(r"[\s\-_.]", "", typed.upper()).translate(_CONFUSABLE)
    if len(compact) != length or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


@dataclass
class TipDraft:
    """A tip being written; lives in the dialogue state until it is sent, then is deleted."""

    kind: TipKind = TipKind.TIP
    category: str = ""
    unit_slug: str = ""            # the chosen commune; "" = not chosen, "?" = I don't know
    place: str = ""                # free text of the place (team reports), optional
    location: tuple[float, float] | None = None
    text: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    contact: str = ""
    happened_at: str = ""          # team reports: ISO time, default now
    started_at: str = ""
    prompted_by: str = ""          # a broadcast's deep link that led here
    more: list[str] = field(default_factory=list)   # a long text split: parts after the first


@dataclass
class Tip:
    id: int
    label: str
    kind: TipKind
    category: str
    unit_id: int
    status: TipStatus
    text: str
    created_at: datetime
    place: str = ""
    location: tuple[float, float] | None = None
    contact: str = ""
    outcome: Outcome | None = None
    taken_by: int | None = None
    reporter_member_id: int | None = None
    possible_duplicate: bool = False
    conversation_ended: bool = False
    erased: bool = False
    attachments: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: int | None = None
    closed_at: datetime | None = None
    first_unit_id: int | None = None
    prompted_by: str | None = None
    happened_at: datetime | None = None     # team reports: when the member says it happened

    @property
    def is_open(self) -> bool:
        return self.status is not TipStatus.CLOSED


@dataclass(frozen=True)
class ThreadMessage:
    """One follow-up message: from the police to the tipster, back, or an internal note."""

    direction: str             # "to_tipster", "from_tipster", "note"
    text: str
    at: datetime
    author: str = ""           # the officer's name for notes and questions
    attachments: tuple[dict[str, Any], ...] = ()


def stored_files(attachments: Iterable[Attachment]) -> tuple[dict[str, Any], ...]:
    """Attachments as the tip line stores them (JSON-friendly)."""
    return tuple({"kind": a.kind, "ref": a.ref, "mime": a.mime} for a in attachments)


def as_attachments(files: Iterable[dict[str, Any]]) -> tuple[Attachment, ...]:
    """Stored files back as attachments to relay."""
    return tuple(Attachment(kind=f["kind"], ref=f["ref"], mime=f.get("mime", "")) for f in files)


@dataclass(frozen=True)
class TipRules:
    """Deployment settings the tip line obeys."""

    tips_per_hour: int = 3
    tips_per_day: int = 10
    lookups_per_hour: int = 10
    link_retention_days: int = 30
    content_retention_days: int = 730
    escalation_minutes: int = 120
    cards_per_minute: int = 6      # a unit's tip cards a minute before one digest message
    invite_days: int = 7
