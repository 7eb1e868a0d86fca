"""Delivers notification rows on Telegram: officers' cards, group alerts, questions to tipsters.
A tipster's address is unsealed here, in memory, only to send; it is never logged."""
from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from bot.sealing import Sealer
from bot.telegram.errors import classify
from bot.telegram.media import KeptFiles, send_message
from bot.telegram.pacer import account_of, bulk_send
from delivery.errors import PermanentSendError
from delivery.item import OutboxItem
from delivery.ports import NotificationOutbox


class TelegramNotificationSender:
    def __init__(self, bot: Bot, outbox: NotificationOutbox, sealer: Sealer,
                 unsent_note: str = "", kept: KeptFiles | None = None) -> None:
        self._bot, self._outbox, self._sealer, self._kept = bot, outbox, sealer, kept
        self.account = account_of(bot)   # the drain spends this bot's shared budget
        self._unsent_note = unsent_note

    async def send(self, item: OutboxItem) -> str:
        message, chat_id, sealed = await self._outbox.content(item)
        if message is None:
            raise PermanentSendError("notification gone")
        if not chat_id:
            address = self._sealer.unseal(sealed) if sealed else None
            if address is None:
                raise PermanentSendError("recipient unreachable")   # ended or erased
            chat_id = address[1]
        try:
            with bulk_send():   # paced by the drain; files and extra parts cost a token each
                sent = await send_message(self._bot, chat_id, message, self._unsent_note,
                                          self._kept)
        except TelegramError as error:
            raise classify(error) from None
        return str(sent.message_id)
