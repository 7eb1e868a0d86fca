"""The broadcast use cases: each a command and a function of it and the unit of work.

The composing screens, `python -m bot broadcast` and the tests call the same functions; none
commits (the caller's unit of work does) and none knows who typed what.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from broadcasts.model import (Action, Draft, Status, allowed_from, check_draft, check_scope,
                              leaves_under, sender_of, stored_fields, transition)
from broadcasts.problems import BulletinProblem, NotAllowed, UnknownBroadcast
from broadcasts.recurrence import next_occurrence
from broadcasts.validation import validate_schedule
from handlers.domain import Member, Unit
from handlers.ports import BroadcastView, UnitOfWork


class DraftRefused(Exception):
    """The draft cannot be stored or sent as it is; ``problems`` says every reason."""

    def __init__(self, problems: list[BulletinProblem]) -> None:
        super().__init__(", ".join(type(p).__name__ for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class StatusMessage:
    """Where the sender watches the broadcast's live status (a chat, in its language)."""

    channel: str
    chat_id: str
    language: str


@dataclass(frozen=True)
class ComposeBroadcast:
    """Keep a composed bulletin as a draft, to preview and confirm (the chat)."""

    draft: Draft
    sender: Member | None
    now: datetime
    status_message: StatusMessage | None = None


@dataclass(frozen=True)
class ConfirmBroadcast:
    """Confirm a stored draft: checked again, then scheduled (the chat's "send")."""

    broadcast_id: int
    draft: Draft
    sender: Member | None
    now: datetime


@dataclass(frozen=True)
class ScheduleBroadcast:
    """Check a bulletin and schedule it at once, with no draft (the command line)."""

    draft: Draft
    now: datetime
    sender: Member | None = None       # None: the operator at the command line (any commune)


@dataclass(frozen=True)
class ChangeBroadcast:
    """Pause, resume or cancel a broadcast."""

    broadcast_id: int
    action: Action
    now: datetime
    actor: Member | None = None        # None: the operator at the command line


@dataclass(frozen=True)
class Scheduled:
    broadcast_id: int
    start: datetime
    expires: datetime | None


async def compose_broadcast(command: ComposeBroadcast, uow: UnitOfWork) -> int:
    """Store the draft (its schedule checked) and return its id."""
    draft = command.draft
    problems = validate_schedule(draft.start, draft.expires, command.now, draft.recurrence)
    if problems:
        raise DraftRefused(problems)
    fields = stored_fields(draft, command.now, sender=sender_of(command.sender),
                           member_id=command.sender.id if command.sender else None,
                           status=Status.DRAFT)
    if command.status_message is not None:
        where = command.status_message
        fields.update(status_channel=where.channel, status_chat=where.chat_id,
                      status_lang=where.language)
    return await uow.broadcasts.create(fields)


async def confirm_broadcast(command: ConfirmBroadcast, uow: UnitOfWork) -> Scheduled | None:
    """Schedule the draft; None if it was confirmed already (pressed twice, or elsewhere)."""
    view = await uow.broadcasts.get(command.broadcast_id)
    if view is None or view.status != Status.DRAFT.value:
        return None
    now, draft = command.now, dataclasses.replace(command.draft)
    if draft.start is None:
        draft.expires = None   # "now": the validity counts from the confirmation
    await _check(uow, draft, now)
    await _check_scope(uow, draft, command.sender)
    start = draft.start or now
    expires = view.expires_at if draft.start else now + _validity(view)
    if not await uow.broadcasts.confirm(command.broadcast_id, start, expires):
        return None
    uow.audit.record(sender_of(command.sender), "broadcast_confirmed", "broadcast",
                     str(command.broadcast_id))
    return Scheduled(command.broadcast_id, start, expires)


def _validity(view: BroadcastView) -> timedelta:
    assert view.expires_at is not None     # a draft is always stored with its expiry
    return view.expires_at - view.start_at


async def schedule_broadcast(command: ScheduleBroadcast, uow: UnitOfWork) -> Scheduled:
    """Check the bulletin, then store it scheduled (a recurrence from its next occurrence)."""
    draft, now = dataclasses.replace(command.draft), command.now
    await _check(uow, draft, now)
    if command.sender is not None:
        await _check_scope(uow, draft, command.sender)
    if draft.recurrence and draft.start is None:
        draft.start = next_occurrence(draft.recurrence, now)
    fields = stored_fields(draft, now, sender=sender_of(command.sender),
                           member_id=command.sender.id if command.sender else None,
                           status=Status.SCHEDULED)
    new_id = await uow.broadcasts.create(fields)
    uow.audit.record(sender_of(command.sender), "broadcast_confirmed", "broadcast", str(new_id))
    return Scheduled(new_id, fields["start_at"], fields["expires_at"])


async def _check(uow: UnitOfWork, draft: Draft, now: datetime) -> None:
    """Every problem of the draft's text, topics, target and schedule."""
    problems = check_draft(draft, now, known_topics=await uow.topics.active())
    if problems:
        raise DraftRefused(problems)


async def _check_scope(uow: UnitOfWork, draft: Draft, sender: Member | None) -> None:
    """Whether the sender may reach those communes, checked on the server each time."""
    try:
        check_scope(sender, draft.unit_ids, draft.all_units, await uow.units.all())
    except BulletinProblem as problem:
        raise DraftRefused([problem]) from None


async def change_broadcast(command: ChangeBroadcast, uow: UnitOfWork) -> Status:
    """Move the broadcast on by the action; raises AlreadyFinished or WrongState if it cannot."""
    view = await uow.broadcasts.get(command.broadcast_id)
    if view is None or view.status == Status.DRAFT.value:
        raise UnknownBroadcast(command.broadcast_id)
    if command.actor is not None and not may_control(command.actor, view, await uow.units.all()):
        raise NotAllowed()
    action = command.action
    target = transition(Status(view.status), action)
    if not await uow.broadcasts.change(view.id, {s.value for s in allowed_from(action)},
                                       target.value, command.now):
        latest = await uow.broadcasts.get(view.id)       # someone else acted first
        transition(Status(latest.status if latest else view.status), action)
        return target
    uow.audit.record(sender_of(command.actor), f"broadcast_{action.value}", "broadcast",
                     str(view.id))
    return target


def may_control(member: Member | None, view: BroadcastView, units: Sequence[Unit]) -> bool:
    """The command, the sender, or an officer whose unit covers every commune it targets."""
    if member is None or not member.active or not member.role.is_staff:
        return False
    if member.role.sees_every_unit or view.sender == sender_of(member):
        return True
    mine = {u.id for u in leaves_under(member.unit_id, units)} if member.unit_id else set()
    return not view.all_units and set(view.unit_ids) <= mine
