"""What officers see of a tip, and the buttons they act with. Officers see "Tin báo #7K3M",
never who sent it (team reports show the member's name: they report under it)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from handlers.dialogue import Turn
from handlers.messages import Button, Message
from handlers.tips.domain import ThreadMessage, Tip, TipKind, as_attachments

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(at: datetime) -> str:
    return at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def moment_text(t: Callable[..., str], at: datetime) -> str:
    """A moment as Vietnamese documents write it: "16:25 ngày 03/12/2026" (Vietnam time)."""
    local = at.astimezone(VIETNAM)
    return t("time.moment", time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y"))


def happened_text(t: Callable[..., str], iso: str) -> str:
    """A team report's "when it happened" as kept in the draft (ISO, Vietnam time)."""
    try:
        return moment_text(t, datetime.fromisoformat(iso))
    except ValueError:       # dialogue state is read back, never trusted
        return iso


def staff_t(turn: Turn, key: str, **values: object) -> str:
    """Officers' messages are in the deployment's default language (Vietnamese)."""
    return turn.catalog.t(None, key, **values)


def action_buttons(turn: Turn, tip: Tip) -> tuple[tuple[Button, ...], ...]:
    def b(verb: str) -> Button:
        return Button(staff_t(turn, f"tip.action.{verb}"), f"tip:{verb}:{tip.id}")
    if not tip.is_open:
        return ((b("view"),),)
    return ((b("take"), b("ask")), (b("note"), b("move")), (b("judge"), b("close")),
            (b("view"),))


async def tip_card(turn: Turn, tip: Tip, heading: str) -> Message:
    """The notification and detail view of a tip, with its media as protected copies."""
    lines = [staff_t(turn, heading, label=tip.label,
                     category=staff_t(turn, f"tip.category.{tip.category}"))]
    lines.append(staff_t(turn, "tip.card.place", place=await place_text(turn, tip)))
    lines.append(_time_line(turn, tip))
    if tip.kind is TipKind.TEAM_REPORT:
        lines.append(await reporter_line(turn, tip))
    lines.append("")
    lines.append(tip.text or staff_t(turn, "tip.card.erased"))
    lines.extend(_extras(turn, tip))
    attachments = as_attachments(tip.attachments)
    return Message(text="\n".join(lines), buttons=action_buttons(turn, tip),
                   attachments=attachments, protect=True)


def _extras(turn: Turn, tip: Tip) -> list[str]:
    extras = []
    if tip.contact:
        extras.append(staff_t(turn, "tip.card.contact", contact=tip.contact))
    if tip.attachments:
        extras.append(staff_t(turn, "tip.card.attachments", count=len(tip.attachments)))
    if tip.possible_duplicate:
        extras.append(staff_t(turn, "tip.card.possible_duplicate"))
    if tip.conversation_ended:
        extras.append(staff_t(turn, "tip.card.conversation_ended"))
    extras.append(staff_t(turn, f"tip.status.{tip.status.value}"))
    if tip.outcome:
        extras.append(staff_t(turn, f"tip.outcome.{tip.outcome.value}"))
    return [""] + extras if extras else []


async def place_text(turn: Turn, tip: Tip) -> str:
    unit = await turn.uow.units.by_id(tip.unit_id)
    parts = [unit.name if unit else "?"]
    if tip.place:
        parts.append(tip.place)
    if tip.location:
        parts.append(f"{tip.location[0]:.5f}, {tip.location[1]:.5f}")
    return " · ".join(parts)


def _time_line(turn: Turn, tip: Tip) -> str:
    sent = moment_text(partial(staff_t, turn), tip.created_at)
    if tip.kind is TipKind.TEAM_REPORT and tip.happened_at is not None:
        return staff_t(turn, "team.card.time", sent=sent,
                       happened=moment_text(partial(staff_t, turn), tip.happened_at))
    return staff_t(turn, "tip.card.time", time=sent)


async def reporter_line(turn: Turn, tip: Tip) -> str:
    member = await turn.uow.members.by_id(tip.reporter_member_id or 0)
    team = await turn.uow.teams.name(member.team_id) if member and member.team_id else None
    return staff_t(turn, "tip.card.reporter", name=member.name if member else "?",
                   team=team or "—")


def thread_text(turn: Turn, thread: list[ThreadMessage], *, for_tipster: bool) -> str:
    lines = []
    for item in thread:
        if for_tipster and item.direction == "note":
            continue
        lines.append(staff_t(turn, f"tip.thread.{item.direction}", time=local_time(item.at),
                             text=item.text or staff_t(turn, "tip.thread.files_only")))
    return "\n".join(lines)
