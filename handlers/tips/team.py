"""Self-management team members report incidents under their own name and follow them."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from handlers.dialogue import Turn, option
from handlers.domain import EventKind, Role
from handlers.messages import Message
from handlers.tips.cards import VIETNAM, moment_text, thread_text
from handlers.tips.domain import TipDraft, TipKind
from handlers.tips.resident import TipStep, advance, draft_of, save

_TIME = re.compile(r"^\s*(\d{1,2})[:hg.](\d{2})(?:\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?)?\s*$")


def is_team_member(turn: Turn) -> bool:
    return turn.member is not None and turn.member.role is Role.TEAM_MEMBER


def parse_when(text: str, now: datetime) -> datetime | None:
    """'14:30' (today) or '14:30 20/11' or '14:30 20/11/2026', Vietnam time; None if invalid."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, day, month, year = match.groups()
    local = now.astimezone(VIETNAM)
    try:
        return local.replace(hour=int(hour), minute=int(minute), second=0, microsecond=0,
                             day=int(day or local.day), month=int(month or local.month),
                             year=int(year or local.year))
    except ValueError:
        return None


async def begin_report(turn: Turn) -> None:
    if not is_team_member(turn):
        turn.say(turn.t("team.members_only"))
        return
    unit = await turn.uow.units.by_id(turn.member.unit_id or 0)
    draft = TipDraft(kind=TipKind.TEAM_REPORT, unit_slug=unit.slug if unit else "?",
                     started_at=datetime.now(timezone.utc).isoformat())
    turn.uow.ledger.record(EventKind.TIP_STARTED, data={"source": "team"})
    save(turn, "tip_category", draft)
    await turn.show()


class TeamPlaceScreen(TipStep):
    step = "team_place"
    max_text = 200

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("team.ask_place"), buttons=(
            (option(self.step, "commune", turn.t("team.place_commune")),),
            self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        advance(turn, self.step, draft)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        draft = draft_of(turn)
        draft.place = " ".join(text.split())[:200]
        advance(turn, self.step, draft)
        await turn.show()
        return True


class TeamTimeScreen(TipStep):
    step = "team_time"

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("team.ask_time"), buttons=(
            (option(self.step, "now", turn.t("team.time_now")),), self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        draft.happened_at = datetime.now(timezone.utc).astimezone(VIETNAM).isoformat()
        advance(turn, self.step, draft)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        now = datetime.now(timezone.utc)
        when = parse_when(text, now)
        if when is None or when > now.astimezone(VIETNAM):
            turn.say(turn.t("team.time_invalid" if when is None else "team.time_future"))
            await turn.show()
            return True
        draft = draft_of(turn)
        draft.happened_at = when.isoformat()
        advance(turn, self.step, draft)
        await turn.show()
        return True


async def my_reports(turn: Turn) -> None:
    """/baocaocuatoi: the member's reports, their status and the police's replies."""
    if not is_team_member(turn):
        turn.say(turn.t("team.members_only"))
        return
    reports = await turn.uow.tips.of_reporter(turn.member.id, 10)
    if not reports:
        turn.say(turn.t("team.no_reports"))
        return
    lines = [turn.t("team.my_reports")]
    for tip in reports:
        lines.append(turn.t("team.report_line", label=tip.label, time=moment_text(turn.t, tip.created_at),
                            category=turn.t(f"tip.category.{tip.category}"),
                            status=turn.t(f"tip.public_status.{tip.status.value}")))
        thread = [m for m in await turn.uow.tips.thread(tip.id) if m.direction != "note"]
        if thread:
            lines.append(thread_text(turn, thread, for_tipster=True))
    turn.say("\n".join(lines))
