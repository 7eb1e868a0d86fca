"""The Zalo Bot Platform channel: updates in (webhook or long polling), numbered texts out."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from bot.turns import typed
from bot.zalo import offers
from bot.zalo.bot_api import BotApiClient
from bot.zalo.conversation import ZaloTurns, answer, take_in, translator
from bot.zalo.errors import ZaloApiError, ZaloUnavailable
from bot.zalo.oa_events import file_link
from bot.zalo.render import bot_texts
from bot.zalo.serial import SerialWork
from bot.zalo.media import MediaKeeper
from handlers.messages import Attachment, Inbound, Kind, Reply

log = logging.getLogger(__name__)
CHANNEL = "zalo_bot"
POLL_WAIT = 30
MEDIA = {"message.image.received": "photo", "message.sticker.received": "sticker",
         "message.voice.received": "voice", "message.unsupported.received": "other"}
# Where each kind of file's link is (`photo` is the older name of `photo_url`).
FILE_FIELDS = {"photo": ("photo_url", "photo"), "voice": ("voice_url", "url")}


def parse_update(update: dict) -> tuple[str, Inbound] | None:
    """(message_id, Inbound) of a private chat's message; None for what we ignore."""
    name = str(update.get("event_name", ""))
    message = update.get("message")
    if not isinstance(message, dict) or (name != "message.text.received" and name not in MEDIA):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat_id, message_id = str(chat.get("id") or ""), str(message.get("message_id") or "")
    if chat.get("chat_type", "PRIVATE") != "PRIVATE" or sender.get("is_bot"):
        return None
    if not chat_id or not message_id or len(chat_id) > 64 or len(message_id) > 64:
        return None
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    if name in MEDIA:
        caption = message.get("caption") if isinstance(message.get("caption"), str) else ""
        return message_id, Inbound(channel=CHANNEL, user_id=chat_id, kind=Kind.MEDIA,
                                   media=MEDIA[name], text=caption,
                                   attachments=attachments(MEDIA[name], message))
    return message_id, typed(text, channel=CHANNEL, user_id=chat_id)


def attachments(kind: str, message: dict) -> tuple[Attachment, ...]:
    """A photo (or voice note) by its link; a missing or strange link means no file."""
    for field in FILE_FIELDS.get(kind, ()):
        if url := file_link(message.get(field)):
            return (Attachment(kind=kind, ref=url),)
    return ()


class BotChannel:
    """Translates updates, hands them to the turn pipeline, renders replies."""

    def __init__(self, kit: ZaloTurns, client: BotApiClient,
                 media: MediaKeeper | None = None) -> None:
        self._kit, self._client, self._media = kit, client, media
        self.work = SerialWork()

    def accept(self, update: dict) -> bool:
        parsed = parse_update(update)
        if parsed is None:
            log.info("zalo bot update ignored",
                     extra={"event_name": str(update.get("event_name"))[:40]})
            return False
        message_id, inbound = parsed
        self.work.submit(inbound.user_id, lambda: self.process(message_id, inbound))
        return True

    async def process(self, message_id: str, inbound: Inbound) -> None:
        # getUpdates has no offset and hands out an update again until Zalo drops it.
        now = datetime.now(timezone.utc)
        if not await take_in(self._kit, CHANNEL, message_id, inbound.user_id, now):
            return
        await self._typing(inbound.user_id)
        inbound = await offers.resolve(self._kit, inbound)      # a typed choice is a press
        if self._media is not None:
            inbound = await self._media.keep(inbound)           # links that expire: kept
        await self.render(inbound.user_id, await answer(self._kit, inbound))

    async def render(self, chat_id: str, reply: Reply) -> bool:
        t = await translator(self._kit, CHANNEL, chat_id)
        shown = []
        try:
            for message in reply.messages:
                for text in bot_texts(message, t):
                    await self._client.send_message(chat_id, text)
                shown.append(message)
        except (ZaloApiError, ZaloUnavailable) as error:
            log.warning("zalo bot reply not sent", extra={"error": str(error)[:120]})
            return False
        finally:
            await offers.remember(self._kit, CHANNEL, chat_id, shown)
        return True

    async def _typing(self, chat_id: str) -> None:
        try:
            await self._client.send_chat_action(chat_id)
        except (ZaloApiError, ZaloUnavailable):
            pass        # only a courtesy

    async def poll(self, stop: asyncio.Event) -> None:
        """Long polling for development; backs off while Zalo or the network is away."""
        delay = 1.0
        while not stop.is_set():
            try:
                updates = await self._client.get_updates(POLL_WAIT)
                delay = 1.0
            except (ZaloApiError, ZaloUnavailable) as error:
                log.warning("zalo bot polling failed", extra={"error": str(error)[:120]})
                await _sleep(stop, delay)
                delay = min(delay * 2, 60.0)
                continue
            for update in updates:
                self.accept(update)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
