"""The OA interaction window: whom the OA may message, and whether it costs money."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.ports import UnitOfWorkFactory


class Reach(str, enum.Enum):
    FREE = "free"          # within the free window after the user's last interaction (48 h)
    PAID = "paid"          # after it, still inside the reply window: billed per message (7 days)
    CLOSED = "closed"      # outside the reply window, or never interacted: Zalo refuses


@dataclass(frozen=True)
class InteractionWindow:
    free: timedelta
    reply: timedelta

    @classmethod
    def from_hours(cls, free_hours: float, reply_hours: float) -> InteractionWindow:
        return cls(timedelta(hours=free_hours), timedelta(hours=reply_hours))

    def reach(self, last_at: datetime | None, now: datetime) -> Reach:
        if last_at is None:
            return Reach.CLOSED
        age = now - last_at
        if age <= self.free:
            return Reach.FREE
        return Reach.PAID if age <= self.reply else Reach.CLOSED


async def reach_of(uow_factory: UnitOfWorkFactory, window: InteractionWindow, channel: str,
                   user_id: str, now: datetime) -> Reach:
    """Whether the OA may message this user now; used before replies, follow-ups, broadcasts."""
    async with uow_factory() as uow:
        last = await uow.zalo_interactions.last(channel, user_id)
    return window.reach(last, now)
