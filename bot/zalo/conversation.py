"""What both Zalo products share around a turn: what an adapter is given, the update record with
the person's last interaction, Zalo's reply shape, and the person's language for the renderer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.sealing import Sealer
from bot.turns import Turns
from handlers.i18n import Catalog
from handlers.messages import Inbound, Message, Reply
from handlers.ports import StorageUnavailable, UnitOfWorkFactory
from handlers.presence import Presence


@dataclass(frozen=True)
class ZaloTurns:
    """What a Zalo adapter uses: the turn pipeline, the block notice, and for the choices it
    remembers (sealed), bulletin receipts and its own words, the unit of work, key and texts."""

    turns: Turns
    presence: Presence
    uow: UnitOfWorkFactory
    sealer: Sealer
    catalog: Catalog


class Words(Protocol):
    """Where the person's language and the catalogue are found (ZaloTurns, or the App)."""

    uow: UnitOfWorkFactory
    catalog: Catalog


async def take_in(kit: ZaloTurns, channel: str, key: str, user_id: str,
                  interaction_at: datetime | None) -> bool:
    """Record the event id (False if seen before) and, for a person's own action, the time of
    their last interaction, in one transaction. With the database away the turn goes on (and
    will say so); the interaction is then not recorded."""
    async def touch(uow) -> None:
        await uow.zalo_interactions.touch(channel, user_id, interaction_at)
    fresh = await kit.turns.first_time(channel, key, touch if interaction_at else None)
    return fresh is not False


async def answer(kit: ZaloTurns, inbound: Inbound) -> Reply:
    """The pipeline's reply; Zalo has no toasts, so a notice alone becomes a message."""
    reply = await kit.turns.answer(inbound)
    if not reply.messages and reply.notice:
        reply.messages.append(Message(text=reply.notice))
    return reply


async def translator(where: Words, channel: str, user_id: str):
    """t(key, **values) in the person's language, for the words the renderer adds."""
    language = None
    try:
        async with where.uow() as uow:
            subscriber = await uow.subscribers.get(channel, user_id)
        language = subscriber.language if subscriber else None
    except StorageUnavailable:
        pass

    def t(key: str, **values: object) -> str:
        return where.catalog.t(language, key, **values)
    return t
