"""Storing a tip: limits, routing, the sealed link, the ledger, the officers' notifications."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from datetime import datetime, timedelta

from handlers.dialogue import Turn
from handlers.domain import EventKind
from handlers.text import fold
from handlers.ports import Secrets, UnitOfWork
from handlers.tips.burst import announce_tip
from handlers.tips.domain import (ThreadMessage, Tip, TipDraft, TipKind, TipRules, TipStatus,
                                  new_code, new_label, normalise_code)
from handlers.tips.routing import responsible_unit

DUPLICATE_WINDOW = timedelta(days=7)


class TipRefused(Exception):
    """The tip cannot be taken now; `key` is the catalogue entry that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class SubmitTip:
    """A resident's tip or a team member's report, as the person finished it."""

    draft: TipDraft
    channel: str                  # where it came from: the sealed link answers there
    user_id: str
    now: datetime
    reporter_member_id: int | None = None     # a team report's member


@dataclass(frozen=True)
class Submitted:
    tip: Tip
    code: str                     # the follow-up code, shown to the person once


def windows(now: datetime) -> tuple[datetime, datetime]:
    hour = now.replace(minute=0, second=0, microsecond=0)
    return hour, hour.replace(hour=0)


def _counters(secrets: Secrets, channel: str, user_id: str) -> tuple[str, str]:
    account = f"{channel}:{user_id}"
    return secrets.digest("tips-hour", account), secrets.digest("tips-day", account)


async def limit_reached(uow: UnitOfWork, secrets: Secrets, rules: TipRules, channel: str,
                        user_id: str, now: datetime) -> str | None:
    """The catalogue key saying why this person may not send a tip now, or None. Asked before
    they start writing, so nobody types a long tip only to have it refused."""
    hourly, daily = _counters(secrets, channel, user_id)
    hour, day = windows(now)
    if await uow.counters.count(hourly, hour) >= rules.tips_per_hour:
        return "tip.limit_hour"
    if await uow.counters.count(daily, day) >= rules.tips_per_day:
        return "tip.limit_day"
    return None


async def _check_limits(command: SubmitTip, uow: UnitOfWork, secrets: Secrets,
                        rules: TipRules) -> None:
    """Per-person limits so one person cannot bury a commune's inbox (counted under a keyed
    hash of the account, kept apart from any tip)."""
    channel, user_id, now = command.channel, command.user_id, command.now
    refusal = await limit_reached(uow, secrets, rules, channel, user_id, now)
    if refusal is not None:
        raise TipRefused(refusal)
    hourly, daily = _counters(secrets, channel, user_id)
    hour, day = windows(now)
    await uow.counters.hit(hourly, hour)
    await uow.counters.hit(daily, day)


async def submit_tip(command: SubmitTip, uow: UnitOfWork, secrets: Secrets,
                     rules: TipRules) -> Submitted:
    """Store the tip and what goes with it (limits, routing, the sealed link, the ledger, the
    audit) in the unit of work; nothing is committed here. Raises TipRefused over a limit.
    Telling the unit is the caller's (announce_new): it needs the screens' words."""
    await _check_limits(command, uow, secrets, rules)
    draft, now = command.draft, command.now
    unit = await responsible_unit(uow, draft.unit_slug)
    code = new_code()
    text_hash = secrets.digest("text", fold(draft.text)) if draft.text.strip() else ""
    tip = Tip(id=0, label=await _free_label(uow), kind=draft.kind, category=draft.category,
              unit_id=unit.id, status=TipStatus.NEW, text=draft.text.strip(), created_at=now,
              place=draft.place, location=_point(draft.location),
              contact=draft.contact, reporter_member_id=command.reporter_member_id,
              possible_duplicate=bool(text_hash) and await uow.tips.seen_text(
                  text_hash, now - DUPLICATE_WINDOW),
              attachments=list(draft.attachments), happened_at=_happened(draft))
    receipt = normalise_code(code) or code       # a fresh code is always well formed
    tip = await uow.tips.add(tip, secrets.digest("receipt", receipt),
                             text_hash, draft.prompted_by or None)
    await uow.tips.put_link(tip.id, secrets.seal(command.channel, command.user_id))
    for part in draft.more:        # the rest of a text too long for one tip, in order
        await uow.tips.add_message(tip.id, ThreadMessage("from_tipster", part, now), None)
    _record(uow, tip, draft)
    return Submitted(tip, code)


async def announce_new(turn: Turn, tip: Tip, rules: TipRules, now: datetime) -> str:
    """The new tip's card to its unit (or the burst digest): see handlers.tips.burst."""
    heading = "tip.card.new_team" if tip.kind is TipKind.TEAM_REPORT else "tip.card.new"
    return await announce_tip(turn, tip, heading, rules.cards_per_minute, now)


def _happened(draft: TipDraft) -> datetime | None:
    try:
        return datetime.fromisoformat(draft.happened_at) if draft.happened_at else None
    except ValueError:             # dialogue state is read back, never trusted
        return None


def _record(uow: UnitOfWork, tip: Tip, draft: TipDraft) -> None:
    source = "team" if tip.kind is TipKind.TEAM_REPORT else "resident"
    data = {"source": source, "prompted_by": draft.prompted_by or None,
            "attachments": len(tip.attachments)}
    ledger = uow.ledger
    kind = EventKind.TEAM_REPORT_SUBMITTED if tip.kind is TipKind.TEAM_REPORT \
        else EventKind.TIP_SUBMITTED
    # The ledger row carries no channel for tips: the channel narrows down who sent it.
    ledger.record(kind, unit_id=tip.unit_id, topic=tip.category, ref=str(tip.id), data=data)
    ledger.record(EventKind.TIP_ROUTED, unit_id=tip.unit_id, topic=tip.category,
                  ref=str(tip.id))
    actor = "tipster" if tip.kind is TipKind.TIP else f"member:{tip.reporter_member_id}"
    uow.audit.record(actor, "submitted", "tip", str(tip.id), {"unit": tip.unit_id})


async def _free_label(uow: UnitOfWork) -> str:
    while True:
        label = new_label()
        if not await uow.tips.label_taken(label):
            return label


def draft_of(turn: Turn) -> TipDraft:
    data = dict(turn.state.data.get("draft") or {})
    if data.get("location"):
        data["location"] = tuple(data["location"])
    data["kind"] = TipKind(data.get("kind") or TipKind.TIP.value)
    return TipDraft(**{k: v for k, v in data.items() if k in TipDraft.__dataclass_fields__})


def _point(location: Sequence[float] | None) -> tuple[float, float] | None:
    """A stored draft keeps its location as a JSON list; a tip as (latitude, longitude)."""
    return (float(location[0]), float(location[1])) if location else None


def keep(draft: TipDraft) -> dict[str, Any]:
    data = asdict(draft)
    data["kind"] = draft.kind.value
    return data
