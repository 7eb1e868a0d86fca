"""What the composing screens share: the draft kept in the dialogue state, and the context."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from broadcasts.links import BulletinLinks
from broadcasts.model import Audience, Draft, check_scope
from broadcasts.problems import BulletinProblem
from broadcasts.status import problem_text
from handlers.dialogue import Turn
from handlers.menu import go_main

# The draft's keys in the dialogue state (JSON): text, photo, bulletin, topics, units, all,
# audience, start, rec, expires, id (the stored draft shown in the preview).
DRAFT_KEYS = ("text", "photo", "bulletin", "topics", "units", "all", "audience", "start", "rec",
              "expires", "id")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class BroadcastContext:
    """What the screens need from the deployment, filled in by the composition root."""

    channels: list[str] = field(default_factory=list)       # channels that have a drain
    links: BulletinLinks = field(default_factory=BulletinLinks)
    live_status: set[str] = field(default_factory=set)      # channels with a status reporter
    reach_hours: float = 168.0     # Zalo's reply window (BOT_ZALO_REPLY_WINDOW_HOURS)
    clock: Callable[[], datetime] = _utcnow


def advance(turn: Turn, step: str, **changes: object) -> None:
    """Go to ``step`` keeping the draft (and dropping screen-local keys such as the page)."""
    data = {k: v for k, v in turn.state.data.items() if k in DRAFT_KEYS}
    data.update(changes)
    turn.go(step, **data)


def draft_of(data: dict[str, Any]) -> Draft:
    """The draft the dialogue state describes."""
    return Draft(text=data.get("text", ""), topics=list(data.get("topics", [])),
                 unit_ids=[int(u) for u in data.get("units", [])],
                 all_units=bool(data.get("all")),
                 audience=Audience(data.get("audience", Audience.RESIDENTS.value)),
                 start=_moment(data.get("start")), expires=_moment(data.get("expires")),
                 recurrence=data.get("rec"), photo=data.get("photo"),
                 bulletin_id=data.get("bulletin"))


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def refuse(turn: Turn, problem: BulletinProblem) -> None:
    """Tell the officer what is wrong, in their language."""
    turn.say(problem_text(turn.t, problem))


async def may_target(turn: Turn, unit_ids: list[int], all_units: bool) -> BulletinProblem | None:
    """The scope problem of sending to these communes, re-checked on the server each time."""
    try:
        check_scope(turn.member, unit_ids, all_units, await turn.uow.units.all())
    except BulletinProblem as problem:
        return problem
    return None


async def quit_compose(turn: Turn) -> None:
    """Leave the composer without sending anything."""
    turn.say(turn.t("broadcast.abandoned"))
    await go_main(turn)
