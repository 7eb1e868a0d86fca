"""A broadcast's nouns and rules: audiences, statuses, what may be done to it, who may send it."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from broadcasts.problems import (AlreadyFinished, BulletinProblem, NoTopics, NoUnits,
                                 NotAllowed, OutsideUnit, WrongState)
from broadcasts.splitting import TextLimit, utf16_len
from broadcasts.validation import validate_bulletin, validate_schedule
from delivery.states import BroadcastStatus
from handlers.domain import Member, Unit

# One Telegram message (4096 UTF-16 units) holds the bulletin and its "report this" link line.
MAX_BULLETIN = TextLimit(4000, utf16_len)
DEFAULT_VALIDITY = timedelta(hours=24)
Status = BroadcastStatus   # a broadcast's life cycle lives with its deliveries' (delivery.states)
TIP_LINK_PREFIX = "tb_"   # /start tb_<id>: a tip prompted by bulletin <id> (the tip flow reads it)


class Audience(str, enum.Enum):
    RESIDENTS = "residents"   # subscribers of the topics in the chosen communes
    TEAM = "team"             # self-management team members of the chosen communes
    BOTH = "both"


class Action(str, enum.Enum):
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"


# The status an action needs, and the status it leads to.
_TRANSITIONS = {
    Action.PAUSE: ({Status.RUNNING}, Status.PAUSED),
    Action.RESUME: ({Status.PAUSED}, Status.RUNNING),
    Action.CANCEL: ({Status.SCHEDULED, Status.RUNNING, Status.PAUSED}, Status.CANCELLED),
}


def transition(current: Status, action: Action) -> Status:
    """The status after ``action``; raises AlreadyFinished or WrongState when it cannot apply."""
    allowed, target = _TRANSITIONS[action]
    if current in allowed:
        return target
    if current.is_final:
        raise AlreadyFinished(current.value)
    raise WrongState(current.value, action.value)


def allowed_from(action: Action) -> set[Status]:
    """Statuses from which ``action`` may be taken (storage guards its UPDATE with them)."""
    return set(_TRANSITIONS[action][0])


@dataclass
class Draft:
    """A bulletin being composed, before it is stored; ``start`` None means now."""

    text: str
    topics: list[str]
    unit_ids: list[int] = field(default_factory=list)
    all_units: bool = False
    audience: Audience = Audience.RESIDENTS
    start: datetime | None = None
    expires: datetime | None = None
    recurrence: str | None = None
    photo: str | None = None
    bulletin_id: int | None = None
    allow_paid: bool = False


def check_draft(draft: Draft, now: datetime, *,
                known_topics: Iterable[str]) -> list[BulletinProblem]:
    """Every problem with a draft's text, topics, target and schedule (empty: it may be sent)."""
    problems = validate_bulletin(draft.text, max_len=MAX_BULLETIN)
    known = set(known_topics)
    if not draft.topics or not set(draft.topics) <= known:
        problems.append(NoTopics())
    if not draft.all_units and not draft.unit_ids:
        problems.append(NoUnits())
    problems += validate_schedule(draft.start, draft.expires, now, draft.recurrence)
    return problems


def leaves_under(unit_id: int, units: Iterable[Unit]) -> list[Unit]:
    """The communes (leaf units) in ``unit_id``'s subtree, the unit itself if it is a leaf."""
    units = list(units)
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    found, stack = [], [u for u in units if u.id == unit_id]
    while stack:
        unit = stack.pop()
        kids = children.get(unit.id, [])
        found.extend([] if kids else [unit])
        stack.extend(kids)
    return sorted(found, key=lambda u: u.id)


def check_scope(member: Member | None, unit_ids: Iterable[int], all_units: bool,
                units: Iterable[Unit]) -> None:
    """Raise unless ``member`` may send to these communes: officers only within their unit."""
    if member is None or not member.active or not member.role.is_staff:
        raise NotAllowed()
    if member.role.sees_every_unit:
        return
    if all_units or member.unit_id is None:
        raise OutsideUnit()
    mine = {u.id for u in leaves_under(member.unit_id, units)}
    if not set(unit_ids) <= mine:
        raise OutsideUnit()


def sender_of(member: Member | None) -> str:
    """How a broadcast records who sent it."""
    return f"member:{member.id}" if member is not None and member.id else "cli"


def stored_fields(draft: Draft, now: datetime, *, sender: str, member_id: int | None,
                  status: Status) -> dict[str, Any]:
    """The columns a broadcast is stored with (storage knows no Draft)."""
    start = draft.start or now
    expires = draft.expires or start + DEFAULT_VALIDITY
    return dict(text=draft.text, photo_ref=draft.photo, bulletin_id=draft.bulletin_id,
                topics=list(draft.topics), unit_ids=[] if draft.all_units else list(draft.unit_ids),
                all_units=draft.all_units, audience=draft.audience.value, sender=sender,
                sender_member_id=member_id, status=status.value, start_at=start,
                expires_at=expires, valid_seconds=int((expires - start).total_seconds()),
                recurrence=draft.recurrence, allow_paid=draft.allow_paid, created_at=now)
