"""Zalo has no callback buttons: a tap on an OA button comes back as the user's text, and on the
Bot Platform every choice is typed. Choices on the screen a person is on already work typed (the
dialogue matches them), but action choices under a card, a follow-up question or an inbox line
are not on any screen. So the adapters remember the choices of the last message each person was
sent — a reply or a notification — and turn a typed number or label of one of them into the
press it stands for. The payload is still checked by the use case, as any press is.

The choices may name a tip ("answer the question on tip 12"), and they are keyed by the Zalo
user id, so they are stored sealed with the tip-link key, and void after the reply window.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Protocol

from bot.sealing import Sealer
from handlers.choices import offered, picked
from handlers.messages import Inbound, Kind, Message
from handlers.ports import StorageUnavailable, UnitOfWorkFactory

log = logging.getLogger(__name__)
PURPOSE = "zalo-offer"
LIFETIME = timedelta(days=7)     # the OA's reply window: nobody answers an older message


class Shelf(Protocol):
    """Where offers are kept: the unit of work and the sealing key (ZaloTurns, or the App)."""

    uow: UnitOfWorkFactory
    sealer: Sealer


async def remember(app: Shelf, channel: str, user_id: str, messages: Sequence[Message]) -> None:
    """What this person now sees at the bottom of the chat (call after it was sent)."""
    choices = offered(messages)
    sealed = app.sealer.seal(PURPOSE, json.dumps(choices, ensure_ascii=False)) \
        if choices else None
    now = datetime.now(timezone.utc)
    try:
        async with app.uow() as uow:
            await uow.zalo_offers.put(channel, user_id, sealed, now)
            await uow.zalo_offers.purge(now - LIFETIME)
            await uow.commit()
    except StorageUnavailable:
        log.warning("zalo offer not stored", extra={"channel": channel})


async def _stored(app: Shelf, channel: str, user_id: str) -> str | None:
    try:
        async with app.uow() as uow:
            return await uow.zalo_offers.get(channel, user_id,
                                             datetime.now(timezone.utc) - LIFETIME)
    except StorageUnavailable:
        return None


@asynccontextmanager
async def shown_when_sent(app: Shelf, channel: str, user_id: str, messages: Sequence[Message]):
    """Remember the choices before sending (the person may type one the moment it arrives),
    and put back what was there if the send fails: offers are what was actually shown."""
    previous = await _stored(app, channel, user_id)
    await remember(app, channel, user_id, messages)
    try:
        yield
    except BaseException:
        try:
            async with app.uow() as uow:
                await uow.zalo_offers.put(channel, user_id, previous, datetime.now(timezone.utc))
                await uow.commit()
        except StorageUnavailable:
            log.warning("zalo offer not restored", extra={"channel": channel})
        raise


async def resolve(app: Shelf, inbound: Inbound) -> Inbound:
    """A typed choice of the last message becomes its press; anything else stays as it is."""
    if inbound.kind is not Kind.TEXT:
        return inbound
    since = datetime.now(timezone.utc) - LIFETIME
    try:
        async with app.uow() as uow:
            sealed = await uow.zalo_offers.get(inbound.channel, inbound.user_id, since)
    except StorageUnavailable:
        return inbound
    opened = app.sealer.unseal(sealed) if sealed else None
    if opened is None or opened[0] != PURPOSE:
        return inbound
    try:
        choices = [(str(label), str(payload)) for label, payload in json.loads(opened[1])]
    except (ValueError, TypeError):
        return inbound
    payload = picked(choices, inbound.text)
    if payload is None:
        return inbound
    return Inbound(channel=inbound.channel, user_id=inbound.user_id, kind=Kind.BUTTON,
                   payload=payload, text=inbound.text, language=inbound.language)
