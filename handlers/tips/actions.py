"""What an officer does to a tip, as use cases: each a command and a function of it and the unit
of work. The officer's screens (handlers/tips/officer.py) check the member may act for the tip's
unit, call these, then say so and tell whoever must hear; none of these commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from handlers.domain import EventKind, Member, Unit
from handlers.ports import UnitOfWork
from handlers.tips.domain import Outcome, ThreadMessage, Tip, TipStatus


def actor_of(member: Member | None) -> str:
    """How the audit trail names who acted."""
    return f"member:{member.id}" if member else "unknown"


@dataclass(frozen=True)
class TakeTip:
    """Any first action takes the tip (the given one is updated when it does)."""

    tip: Tip
    member: Member
    now: datetime


@dataclass(frozen=True)
class JudgeTip:
    tip: Tip
    member: Member
    outcome: Outcome
    duplicate_of: Tip | None = None


@dataclass(frozen=True)
class CloseTip:
    tip: Tip
    member: Member
    now: datetime
    link_retention: timedelta        # the tipster's sealed address is kept this long after


@dataclass(frozen=True)
class MoveTip:
    tip: Tip
    member: Member
    unit: Unit
    reason: str


@dataclass(frozen=True)
class NoteOnTip:
    """A note only officers read, or (asked=True) the question sent to the tipster."""

    tip: Tip
    member: Member
    text: str
    now: datetime
    attachments: tuple[dict[str, Any], ...] = ()
    asked: bool = False


async def take_tip(command: TakeTip, uow: UnitOfWork) -> bool:
    """True if the member holds the tip now; False if another officer already has it (the
    command and administrators act on a taken tip all the same)."""
    tip, member, now = command.tip, command.member, command.now
    if tip.taken_by == member.id:
        return True
    if tip.taken_by is None and member.id and await uow.tips.take(tip.id, member.id, now):
        tip.taken_by, tip.status = member.id, TipStatus.TAKEN
        created = await uow.tips.first_action(tip.id, now)
        seconds = int((now - aware(created)).total_seconds()) if created else None
        uow.ledger.record(EventKind.TIP_TAKEN, unit_id=tip.unit_id, topic=tip.category,
                          ref=str(tip.id), data={"seconds": seconds})
        uow.audit.record(actor_of(member), "taken", "tip", str(tip.id))
        return True
    return member.role.sees_every_unit and tip.taken_by is not None


async def judge_tip(command: JudgeTip, uow: UnitOfWork) -> None:
    """Record the outcome (valuable, not valuable, duplicate of another, spam)."""
    tip, outcome = command.tip, command.outcome
    tip.outcome = outcome
    tip.duplicate_of = command.duplicate_of.id if command.duplicate_of else None
    await uow.tips.save(tip)
    uow.ledger.record(EventKind.TIP_OUTCOME, unit_id=tip.unit_id, topic=tip.category,
                      ref=str(tip.id), data={"outcome": outcome.value})
    uow.audit.record(actor_of(command.member), "outcome", "tip", str(tip.id),
                     {"outcome": outcome.value, "duplicate_of": tip.duplicate_of})


async def close_tip(command: CloseTip, uow: UnitOfWork) -> None:
    """Close the tip; the link to the tipster is erased after the retention period."""
    tip, now = command.tip, command.now
    tip.status, tip.closed_at = TipStatus.CLOSED, now
    await uow.tips.save(tip)
    seconds = int((now - aware(tip.created_at)).total_seconds())
    uow.ledger.record(EventKind.TIP_CLOSED, unit_id=tip.unit_id, topic=tip.category,
                      ref=str(tip.id), data={"seconds": seconds,
                                             "outcome": tip.outcome.value if tip.outcome
                                             else None})
    uow.audit.record(actor_of(command.member), "closed", "tip", str(tip.id))
    await uow.tips.schedule_link_erasure(tip.id, now + command.link_retention)


async def move_tip(command: MoveTip, uow: UnitOfWork) -> None:
    """The tip goes to another unit, new again, for its officers to take."""
    tip, unit = command.tip, command.unit
    before = tip.unit_id
    tip.unit_id, tip.status = unit.id, TipStatus.NEW
    await uow.tips.save(tip)
    await uow.tips.release(tip.id)
    tip.taken_by = None
    uow.ledger.record(EventKind.TIP_MOVED, unit_id=unit.id, topic=tip.category,
                      ref=str(tip.id), data={"from_unit": before, "to_unit": unit.id})
    uow.audit.record(actor_of(command.member), "moved", "tip", str(tip.id),
                     {"from": before, "to": unit.id, "reason": command.reason})


async def note_on_tip(command: NoteOnTip, uow: UnitOfWork) -> None:
    """Add the note or the question to the tip's thread."""
    tip = command.tip
    direction = "to_tipster" if command.asked else "note"
    await uow.tips.add_message(tip.id, ThreadMessage(direction, command.text, command.now,
                                                     attachments=command.attachments),
                               command.member.id)
    if command.asked:
        uow.ledger.record(EventKind.FOLLOWUP_SENT, unit_id=tip.unit_id, topic=tip.category,
                          ref=str(tip.id))
    uow.audit.record(actor_of(command.member), "asked" if command.asked else "noted", "tip",
                     str(tip.id))


def aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
