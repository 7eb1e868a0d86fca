"""A burst of tips must not flood the duty desk: each unit gets at most `cards_per_minute` tip
cards a minute; the next tip of that minute brings one digest message instead ("more tips are
arriving, they are in /tinbao"), and the rest of the minute stays quiet. Every tip is stored and
listed in the inbox as always, and the escalation job still alerts about tips nobody took."""
from __future__ import annotations

from datetime import datetime

from handlers.dialogue import Turn
from handlers.messages import Message
from handlers.tips.cards import staff_t, tip_card
from handlers.tips.domain import Tip
from handlers.tips.routing import notify_unit


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def announce_tip(turn: Turn, tip: Tip, heading: str, cards_per_minute: int,
                       now: datetime) -> str:
    """Tell the tip's unit: its card, or the digest once the minute's cards are used up, or
    nothing more this minute. Returns "card", "digest" or "quiet"."""
    count = await turn.uow.counters.hit(f"cards:{tip.unit_id}", _minute(now))
    if count <= cards_per_minute:
        await notify_unit(turn, tip.unit_id, await tip_card(turn, tip, heading), about=tip.id)
        return "card"
    if count == cards_per_minute + 1:
        await notify_unit(turn, tip.unit_id, Message(text=staff_t(
            turn, "tip.officer.burst", limit=cards_per_minute)))
        return "digest"
    return "quiet"
