"""Delivers notification rows on Zalo (delivery.ports.Sender), one sender per product:
officers' cards and answers, questions to tipsters. Like TelegramNotificationSender, a tipster's
address is unsealed here, in memory, only to send; it is never logged or stored with the row.

Files: Zalo can show again only a photo we hold by link (a tipster's photo arrives as a Zalo CDN
link): the OA by a media template with its `url`, the Bot Platform by sendPhoto. Anything else —
a Telegram file id (meaningless to Zalo; fetching it from Telegram and uploading it to the OA,
1 MB at most, is not done), a video, a voice note, a document (the OA's file upload takes PDF/DOC
only and the Bot Platform has no documents) — becomes a line saying a file is attached and must
be viewed on the channel it came from. Zalo has no content protection: `protect` is not kept.

The OA interaction window: a row for someone who has not written to the OA within the reply
window (7 days) is held, not attempted (Zalo would refuse it, -230): OutsideWindow is raised, so
the drain marks the row 'unreached' with reason `zalo_outside_window` and never retries it; the
held row is logged by its notification id. A tipster can still read the police's questions with
/tracuu CODE. Inside the window but after the free 48 hours Zalo bills the message: a question
to a tipster is worth it, so the paid part of the window is used.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Protocol

from bot.sealing import Sealer
from bot.zalo import offers
from bot.zalo.bot_api import BotApiClient
from bot.zalo.bot_channel import CHANNEL as BOT_CHANNEL
from bot.zalo.conversation import translator
from bot.zalo.errors import OutsideWindow, ZaloApiError, ZaloUnavailable, classify_bot, classify_oa
from bot.zalo.oa_api import OAClient
from bot.zalo.oa_events import CHANNEL as OA_CHANNEL, file_link
from bot.zalo.render import Translate, bot_texts, oa_messages
from bot.zalo.senders import account_of
from bot.zalo.window import InteractionWindow, Reach, reach_of
from delivery.account import Account
from delivery.errors import PermanentSendError
from delivery.item import OutboxItem
from delivery.ports import NotificationOutbox
from handlers.i18n import Catalog
from handlers.messages import Attachment, Message
from handlers.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)
KINDS = ("photo", "video", "voice", "audio", "document", "animation", "video_note")


class Needs(Protocol):
    """What the senders use (the App has them): the unit of work for the person's language,
    offers and the interaction window, the catalogue, and the key that unseals a tipster's link."""

    uow: UnitOfWorkFactory
    catalog: Catalog
    sealer: Sealer


async def addressee(outbox: NotificationOutbox, app: Needs, item: OutboxItem,
                    channel: str) -> tuple[Message, str]:
    """The row's message and the Zalo user it goes to (a tipster's only from the sealed link)."""
    message, chat_id, sealed = await outbox.content(item)
    if message is None:
        raise PermanentSendError("notification gone")
    if chat_id:
        return message, chat_id
    address = app.sealer.unseal(sealed) if sealed else None
    if address is None or address[0] != channel:
        raise PermanentSendError("recipient unreachable")      # ended, erased, or not Zalo
    return message, address[1]


def shown_again(item: Attachment) -> bool:
    """A photo Zalo can fetch by its link."""
    return item.kind == "photo" and bool(file_link(item.ref))


def photo_links(message: Message) -> list[str]:
    return [item.ref for item in message.attachments if shown_again(item)]


def with_file_note(message: Message, t: Translate) -> Message:
    """The text, plus a line for each kind of file Zalo cannot show (see the module notes)."""
    others = [item for item in message.attachments if not shown_again(item)]
    if not others:
        return message
    kinds = dict.fromkeys(t(f"zalo.file_kind.{item.kind if item.kind in KINDS else 'other'}")
                          for item in others)
    note = t("zalo.file_elsewhere", count=len(others), kinds=", ".join(kinds))
    return replace(message, text=f"{message.text}\n\n{note}" if message.text else note)


class ZaloOANotificationSender:
    """Consultation messages inside the interaction window; images by link first."""

    def __init__(self, client: OAClient, outbox: NotificationOutbox, app: Needs,
                 window: InteractionWindow, *, account: Account | None = None) -> None:
        self._client, self._outbox, self._app, self._window = client, outbox, app, window
        self.account = account   # the product's budget, shared with its bulletins' drain

    async def send(self, item: OutboxItem) -> str:
        message, user_id = await addressee(self._outbox, self._app, item, OA_CHANNEL)
        now = datetime.now(timezone.utc)
        if await reach_of(self._app.uow, self._window, OA_CHANNEL, user_id, now) is Reach.CLOSED:
            log.warning("zalo oa notification held: outside the interaction window",
                        extra={"notification": item.id})
            raise OutsideWindow()
        t = await translator(self._app, OA_CHANNEL, user_id)
        payloads = [_oa_image(url) for url in photo_links(message)]
        payloads += oa_messages(with_file_note(message, t), t)
        try:
            async with offers.shown_when_sent(self._app, OA_CHANNEL, user_id, [message]):
                ids = [await self._client.send(user_id, payload) for payload in payloads]
        except (ZaloApiError, ZaloUnavailable) as error:
            raise classify_oa(error) from error
        return ids[-1]


class ZaloBotNotificationSender:
    """Bot Platform texts (choices numbered); photos by link first."""

    def __init__(self, client: BotApiClient, outbox: NotificationOutbox, app: Needs, *,
                 account: Account | None = None) -> None:
        self._client, self._outbox, self._app = client, outbox, app
        self.account = account   # the product's budget, shared with its bulletins' drain

    async def send(self, item: OutboxItem) -> str:
        message, chat_id = await addressee(self._outbox, self._app, item, BOT_CHANNEL)
        t = await translator(self._app, BOT_CHANNEL, chat_id)
        try:
            async with offers.shown_when_sent(self._app, BOT_CHANNEL, chat_id, [message]):
                ids = [await self._client.send_photo(chat_id, url)
                       for url in photo_links(message)]
                for text in bot_texts(with_file_note(message, t), t):
                    ids.append(await self._client.send_message(chat_id, text))
        except (ZaloApiError, ZaloUnavailable) as error:
            raise classify_bot(error) from error
        return ids[-1]


def _oa_image(url: str) -> dict:
    return {"attachment": {"type": "template", "payload": {
        "template_type": "media", "elements": [{"media_type": "image", "url": url}]}}}


def notification_senders(app: Needs, zalo, rate: float
                         ) -> dict[str, Callable[[NotificationOutbox], object]]:
    """channel -> sender factory for start_notification_drain, per configured Zalo product
    (`rate`: the product's messages per second, shared with its bulletins)."""
    senders: dict[str, Callable[[NotificationOutbox], object]] = {}
    if zalo.oa is not None:
        senders[OA_CHANNEL] = lambda outbox: ZaloOANotificationSender(
            zalo.oa_client(), outbox, app, zalo.window,
            account=account_of(zalo, OA_CHANNEL, rate))
    if zalo.bot is not None:
        senders[BOT_CHANNEL] = lambda outbox: ZaloBotNotificationSender(
            zalo.bot_client(), outbox, app, account=account_of(zalo, BOT_CHANNEL, rate))
    return senders
