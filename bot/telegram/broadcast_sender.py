"""The broadcast drain's Telegram sender (delivery.ports.Sender).

A bulletin goes out as one message when it fits (text with its "report this" link, or a photo
with the text as caption), else as a photo and/or text parts split at safe points. A photo is
uploaded once; every later copy reuses its file id. If Telegram rejects the photo, the bulletin
goes on as text and the sender's status message says so: no error stops a broadcast.
"""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path

from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.error import BadRequest, TelegramError

from bot.telegram.errors import classify
from bot.telegram.pacer import bulk_send
from broadcasts.links import BulletinLinks, resident_text
from delivery.pacing import TokenBucket
from delivery.item import OutboxItem
from broadcasts.splitting import TELEGRAM_CAPTION, TELEGRAM_TEXT, split_for_channel
from handlers.i18n import Catalog

log = logging.getLogger(__name__)
CHANNEL = "telegram"
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)   # the bot's own link needs no preview card
_CACHE_LIMIT = 64


class PhotoRejected(Exception):
    """Telegram refused the bulletin's photo itself (not the recipient)."""


class TelegramBroadcastSender:
    def __init__(self, bot: Bot, store, catalog: Catalog, links: BulletinLinks,
                 bucket: TokenBucket, *, allow_paid: bool = False) -> None:
        self._bot, self._store, self._catalog, self._links = bot, store, catalog, links
        self._bucket, self._allow_paid = bucket, allow_paid
        self._bulletins: dict[int, object] = {}
        self._photo_locks: dict[int, asyncio.Lock] = {}
        self._progress: dict[int, int] = {}   # item -> parts delivered: a retry resumes there

    async def send(self, item: OutboxItem) -> str:
        bulletin = await self._bulletin(item.broadcast_id)
        with bulk_send():   # the drain paid for the first request; the pacer charges the rest
            try:
                return await self._send_parts(item, bulletin)
            except PhotoRejected:
                return await self._send_parts(item, await self._bulletin(item.broadcast_id))

    async def _send_parts(self, item: OutboxItem, bulletin) -> str:
        parts = self._parts(bulletin, item)
        ref = ""
        for index, (kind, text) in enumerate(parts):
            if index < self._progress.get(item.id, 0):
                continue
            if index > 0:
                await self._bucket.acquire()   # each extra message spends its own token
            try:
                message = await self._send_one(item, bulletin, kind, text)
            except TelegramError as error:
                raise classify(error) from error
            ref = f"{message.chat_id}:{message.message_id}"
            self._progress[item.id] = index + 1
        self._progress.pop(item.id, None)
        return ref

    def _parts(self, bulletin, item: OutboxItem) -> list[tuple[str, str | None]]:
        t = partial(self._catalog.t, item.language or self._catalog.default)
        text = resident_text(t, bulletin.text, self._links.link(CHANNEL, bulletin.id))
        if not bulletin.photo_ref or bulletin.photo_error:
            return [("text", part) for part in split_for_channel(text, TELEGRAM_TEXT)]
        if TELEGRAM_CAPTION.measure(text) <= TELEGRAM_CAPTION.max_units:
            return [("photo", text)]
        return [("photo", None)] + [("text", p) for p in split_for_channel(text, TELEGRAM_TEXT)]

    async def _send_one(self, item: OutboxItem, bulletin, kind: str, text: str | None):
        options = {"allow_paid_broadcast": True} if self._paid(bulletin) else {}
        if kind == "text":
            return await self._bot.send_message(int(item.chat_id), text,
                                                link_preview_options=_NO_PREVIEW, **options)
        return await self._send_photo(item, bulletin, text, options)

    def _paid(self, bulletin) -> bool:
        # Paid broadcasts cost Stars: only when the deployment allows it and the bulletin asks.
        return self._allow_paid and bool(bulletin.allow_paid)

    async def _send_photo(self, item: OutboxItem, bulletin, caption: str | None, options: dict):
        chat = int(item.chat_id)
        if bulletin.photo_file_id is None:
            async with self._photo_locks.setdefault(bulletin.id, asyncio.Lock()):
                bulletin = await self._bulletin(bulletin.id, fresh=True)
                if bulletin.photo_error:
                    raise PhotoRejected()
                if bulletin.photo_file_id is None:   # the first copy uploads the photo
                    return await self._upload(chat, bulletin, caption, options)
        return await self._photo_call(bulletin, self._bot.send_photo(
            chat, bulletin.photo_file_id, caption=caption, **options))

    async def _upload(self, chat: int, bulletin, caption: str | None, options: dict):
        photo = _photo_input(bulletin.photo_ref)
        message = await self._photo_call(bulletin, self._bot.send_photo(
            chat, photo, caption=caption, **options))
        file_id = message.photo[-1].file_id
        await self._store.remember_photo(bulletin.id, file_id)
        self._bulletins.pop(bulletin.id, None)
        return message

    async def _photo_call(self, bulletin, call):
        try:
            return await call
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                raise
            log.warning("photo rejected, sending text only",
                        extra={"broadcast": bulletin.id, "reason": error.message[:120]})
            await self._store.reject_photo(bulletin.id, error.message)
            self._bulletins.pop(bulletin.id, None)
            raise PhotoRejected() from error

    async def _bulletin(self, broadcast_id: int, *, fresh: bool = False):
        if fresh or broadcast_id not in self._bulletins:
            if len(self._bulletins) >= _CACHE_LIMIT:
                self._bulletins.clear()
            self._bulletins[broadcast_id] = await self._store.bulletin(broadcast_id)
        return self._bulletins[broadcast_id]


def _photo_input(ref: str):
    """A link or a file id goes as it is; a local file is uploaded (only the first time)."""
    if ref.startswith(("http://", "https://")):
        return ref
    path = Path(ref)
    if path.is_file():
        return InputFile(path.read_bytes(), filename=path.name)
    return ref
