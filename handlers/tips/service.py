"""Storing a tip: limits, routing, the sealed link, the ledger, the officers' notifications."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any
from datetime import datetime, timedelta, timezone

from handlers.dialogue import Turn
from handlers.domain import EventKind
from handlers.text import fold
from handlers.ports import Secrets
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


def windows(now: datetime) -> tuple[datetime, datetime]:
    hour = now.replace(minute=0, second=0, microsecond=0)
    return hour, hour.replace(hour=0)


def _counters(turn: Turn, secrets: Secrets) -> tuple[str, str]:
    account = f"{turn.inbound.channel}:{turn.inbound.user_id}"
    return secrets.digest("tips-hour", account), secrets.digest("tips-day", account)


async def limit_reached(turn: Turn, secrets: Secrets, rules: TipRules) -> str | None:
    """The catalogue key saying why this person may not send a tip now, or None. Asked before
    they start writing, so nobody types a long tip only to have it refused."""
    hourly, daily = _counters(turn, secrets)
    hour, day = windows(datetime.now(timezone.utc))
    if await turn.uow.counters.count(hourly, hour) >= rules.tips_per_hour:
        return "tip.limit_hour"
    if await turn.uow.counters.count(daily, day) >= rules.tips_per_day:
        return "tip.limit_day"
    return None


async def check_limits(turn: Turn, secrets: Secrets, rules: TipRules) -> None:
    """Per-person limits so one person cannot bury a commune's inbox (counted under a keyed
    hash of the account, kept apart from any tip)."""
    refusal = await limit_reached(turn, secrets, rules)
    if refusal is not None:
        raise TipRefused(refusal)
    hourly, daily = _counters(turn, secrets)
    hour, day = windows(datetime.now(timezone.utc))
    await turn.uow.counters.hit(hourly, hour)
    await turn.uow.counters.hit(daily, day)


async def submit(turn: Turn, draft: TipDraft, secrets: Secrets, rules: TipRules,
                 reporter_member_id: int | None = None) -> tuple[Tip, str]:
    """Store the tip and everything that goes with it in the turn's unit of work."""
    await check_limits(turn, secrets, rules)
    now = datetime.now(timezone.utc)
    unit = await responsible_unit(turn, draft.unit_slug)
    code = new_code()
    text_hash = secrets.digest("text", fold(draft.text)) if draft.text.strip() else ""
    tip = Tip(id=0, label=await _free_label(turn), kind=draft.kind, category=draft.category,
              unit_id=unit.id, status=TipStatus.NEW, text=draft.text.strip(), created_at=now,
              place=draft.place, location=_point(draft.location),
              contact=draft.contact, reporter_member_id=reporter_member_id,
              possible_duplicate=bool(text_hash) and await turn.uow.tips.seen_text(
                  text_hash, now - DUPLICATE_WINDOW),
              attachments=list(draft.attachments), happened_at=_happened(draft))
    receipt = normalise_code(code) or code       # a fresh code is always well formed
    tip = await turn.uow.tips.add(tip, secrets.digest("receipt", receipt),
                                  text_hash, draft.prompted_by or None)
    await turn.uow.tips.put_link(tip.id, secrets.seal(turn.inbound.channel, turn.inbound.user_id))
    for part in draft.more:        # the rest of a text too long for one tip, in order
        await turn.uow.tips.add_message(tip.id, ThreadMessage("from_tipster", part, now), None)
    _record(turn, tip, draft)
    heading = "tip.card.new_team" if tip.kind is TipKind.TEAM_REPORT else "tip.card.new"
    await announce_tip(turn, tip, heading, rules.cards_per_minute, now)
    return tip, code


def _happened(draft: TipDraft) -> datetime | None:
    try:
        return datetime.fromisoformat(draft.happened_at) if draft.happened_at else None
    except ValueError:             # dialogue state is read back, never trusted
        return None


def _record(turn: Turn, tip: Tip, draft: TipDraft) -> None:
    source = "team" if tip.kind is TipKind.TEAM_REPORT else "resident"
    data = {"source": source, "prompted_by": draft.prompted_by or None,
            "attachments": len(tip.attachments)}
    ledger = turn.uow.ledger
    kind = EventKind.TEAM_REPORT_SUBMITTED if tip.kind is TipKind.TEAM_REPORT \
        else EventKind.TIP_SUBMITTED
    # The ledger row carries no channel for tips: the channel narrows down who sent it.
    ledger.record(kind, unit_id=tip.unit_id, topic=tip.category, ref=str(tip.id), data=data)
    ledger.record(EventKind.TIP_ROUTED, unit_id=tip.unit_id, topic=tip.category,
                  ref=str(tip.id))
    actor = "tipster" if tip.kind is TipKind.TIP else f"member:{tip.reporter_member_id}"
    turn.uow.audit.record(actor, "submitted", "tip", str(tip.id), {"unit": tip.unit_id})


async def _free_label(turn: Turn) -> str:
    while True:
        label = new_label()
        if not await turn.uow.tips.label_taken(label):
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
