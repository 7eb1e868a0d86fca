"""Senders for the broadcast engine (delivery.ports.Sender), one per Zalo product.

Each resolves an outbox item to what it should say, sends it, and turns Zalo's refusals into
delivery.errors types. The OA sender never attempts a user outside the reply window: it raises
OutsideWindow (an OutOfReach with reason `zalo_outside_window`) so the row ends 'unreached' with
that reason and is counted as "out of reach on Zalo", not retried and not billed. With a token
bucket, each message after an item's first spends its own token (the drain paid for the first).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from weakref import WeakKeyDictionary

from bot.zalo.bot_api import BotApiClient
from bot.zalo.errors import OutsideWindow, ZaloApiError, ZaloUnavailable, classify_bot, classify_oa
from bot.zalo.oa_api import OAClient
from bot.zalo.oa_events import CHANNEL as OA_CHANNEL
from bot.zalo.render import split
from bot.zalo.window import InteractionWindow, Reach, reach_of
from delivery.account import Account
from delivery.clock import SystemClock
from delivery.errors import PermanentSendError
from delivery.item import OutboxItem
from handlers.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class Content:
    """What one outbox item says: text, and optionally an image (bytes to upload, or a URL)."""

    text: str
    image: bytes | None = None
    image_url: str = ""
    image_type: str = "image/jpeg"
    image_key: str = ""      # the same key: the OA uploads the image once and reuses its id


Resolve = Callable[[OutboxItem], Awaitable[Content]]


class ZaloOASender:
    def __init__(self, client: OAClient, uow: UnitOfWorkFactory, window: InteractionWindow,
                 resolve: Resolve, *, allow_paid: bool = True, bucket=None) -> None:
        self._client, self._uow, self._window = client, uow, window
        self._resolve, self._allow_paid, self._bucket = resolve, allow_paid, bucket
        self._attachments: dict[str, str] = {}     # image_key -> attachment_id

    async def send(self, item: OutboxItem) -> str:
        """Send the item inside the window; returns the last Zalo message id."""
        now = datetime.now(timezone.utc)
        reach = await reach_of(self._uow, self._window, OA_CHANNEL, item.chat_id, now)
        if reach is Reach.CLOSED or (reach is Reach.PAID and not self._allow_paid):
            raise OutsideWindow()
        content = await self._resolve(item)
        try:
            msg_ids = []
            for index, message in enumerate(await self._messages(content)):
                await _extra_token(self._bucket, index)
                msg_ids.append(await self._client.send(item.chat_id, message))
        except (ZaloApiError, ZaloUnavailable) as error:
            raise classify_oa(error) from error
        await self._remember(item, msg_ids)
        return msg_ids[-1]

    async def _messages(self, content: Content) -> list[dict]:
        messages = [{"text": part} for part in split(content.text)]
        element = None
        if content.image is not None:
            attachment = self._attachments.get(content.image_key) if content.image_key else None
            if attachment is None:
                try:
                    attachment = await self._client.upload_image(content.image, "bulletin.jpg",
                                                                 content.image_type)
                except ValueError as error:
                    raise PermanentSendError("zalo_image_too_large") from error
                if content.image_key:
                    if len(self._attachments) >= 64:
                        self._attachments.clear()
                    self._attachments[content.image_key] = attachment
            element = {"media_type": "image", "attachment_id": attachment}
        elif content.image_url:
            element = {"media_type": "image", "url": content.image_url}
        if element is not None:
            messages.insert(0, {"attachment": {"type": "template", "payload": {
                "template_type": "media", "elements": [element]}}})
        return messages

    async def _remember(self, item: OutboxItem, msg_ids: list[str]) -> None:
        """Keep the message ids so Zalo's read receipts can be counted for this broadcast."""
        async with self._uow() as uow:
            for msg_id in filter(None, msg_ids):
                await uow.zalo_outbound.remember(OA_CHANNEL, msg_id[:64], item.chat_id,
                                                 str(item.broadcast_id))
            await uow.commit()


class ZaloBotSender:
    def __init__(self, client: BotApiClient, resolve: Resolve, *, bucket=None) -> None:
        self._client, self._resolve, self._bucket = client, resolve, bucket

    async def send(self, item: OutboxItem) -> str:
        """Send the item (a photo by URL first, if any); returns the last message id."""
        content = await self._resolve(item)
        try:
            ids = []
            if content.image_url:
                ids.append(await self._client.send_photo(item.chat_id, content.image_url))
            for part in split(content.text):
                await _extra_token(self._bucket, len(ids))
                ids.append(await self._client.send_message(item.chat_id, part))
        except (ZaloApiError, ZaloUnavailable) as error:
            raise classify_bot(error) from error
        return ids[-1]


async def _extra_token(bucket, index: int) -> None:
    """Every message of an item after its first spends a token of the product's bucket."""
    if bucket is not None and index > 0:
        await bucket.acquire()


_ACCOUNTS: WeakKeyDictionary = WeakKeyDictionary()   # ZaloChannels -> {channel: Account}


def account_of(zalo, channel: str, rate: float) -> Account:
    """The budget of one Zalo product in this process (BOT_ZALO_RATE), shared by its bulletin
    and notification drains."""
    accounts = _ACCOUNTS.setdefault(zalo, {})
    if channel not in accounts:
        accounts[channel] = Account(rate, SystemClock())
    return accounts[channel]
