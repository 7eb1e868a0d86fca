"""What both Zalo products share around a turn: de-duplication, the interaction record, the
dialogue call with polite failures, and the person's language for the renderer's words."""
from __future__ import annotations

import logging
from datetime import datetime

from bot.app import App
from handlers.messages import Inbound, Message, Reply
from handlers.ports import StorageUnavailable

log = logging.getLogger(__name__)


async def take_in(app: App, channel: str, key: str, user_id: str,
                  interaction_at: datetime | None) -> bool:
    """Record the event id (False if seen before) and, for a person's own action, the time of
    their last interaction, in one transaction."""
    async with app.uow() as uow:
        fresh = await uow.updates.first_time(channel, key)
        if fresh and interaction_at is not None:
            await uow.zalo_interactions.touch(channel, user_id, interaction_at)
        await uow.commit()
    return fresh


async def answer(app: App, inbound: Inbound) -> Reply:
    """The dialogue's reply, or a polite one when the database or our code failed."""
    try:
        reply = await app.dialogue.handle(inbound)
    except StorageUnavailable:
        log.warning("storage unavailable", extra={"channel": inbound.channel})
        return Reply(messages=[Message(text=app.catalog.t(None, "error.busy"))])
    except Exception:
        log.exception("turn failed", extra={"channel": inbound.channel})
        return Reply(messages=[Message(text=app.catalog.t(None, "error.internal"))])
    if not reply.messages and reply.notice:
        # Zalo has no toasts: a notice alone becomes a message.
        reply.messages.append(Message(text=reply.notice))
    return reply


async def translator(app: App, channel: str, user_id: str):
    """t(key, **values) in the person's language, for the words the renderer adds."""
    language = None
    try:
        async with app.uow() as uow:
            subscriber = await uow.subscribers.get(channel, user_id)
        language = subscriber.language if subscriber else None
    except StorageUnavailable:
        pass

    def t(key: str, **values: object) -> str:
        return app.catalog.t(language, key, **values)
    return t
