"""Every request this bot makes passes here (python-telegram-bot's rate-limiter seam), so one
budget per bot account covers bulletins, notifications and interactive replies.

* An interactive message (a reply, a status message's edit) waits for its chat's pacer
  (~1/s, bursts of 3) and then takes the account's next token ahead of the drains; after a 429
  it waits ``retry_after`` and is sent again: a reply is never dropped.
* A drain's send (inside ``bulk_send``) was paced by the drain: its first request passes, any
  further request of the same item (a photo, then the text) takes one more account token; a
  429 goes back to the drain, which decides (delivery.drain).
* Requests that are not messages to a chat (getUpdates, answerCallbackQuery, getMe...) pass.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.errors import classify
from delivery.account import Account
from delivery.clock import SystemClock
from delivery.errors import FloodWait

_PACED_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage")


@dataclass
class _Bulk:
    prepaid: int


_BULK: ContextVar[_Bulk | None] = ContextVar("telegram_bulk_send", default=None)


@contextmanager
def bulk_send(prepaid: int = 1) -> Iterator[None]:
    """Requests made inside are a drain's: ``prepaid`` of them were paced by the drain."""
    token = _BULK.set(_Bulk(prepaid))
    try:
        yield
    finally:
        _BULK.reset(token)


def flood_of(error: Exception) -> FloodWait | None:
    """The flood wait a python-telegram-bot error asks for, if it is one."""
    flood = classify(error) if isinstance(error, RetryAfter) else None
    return flood if isinstance(flood, FloodWait) else None


class TelegramPacer(BaseRateLimiter[None]):
    """The bot account's pacer; ``account`` is shared with the drains of this bot."""

    def __init__(self, account: Account) -> None:
        self.account = account

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: None) -> Any:
        if not endpoint.startswith(_PACED_PREFIXES):
            return await callback(*args, **kwargs)
        bulk = _BULK.get()
        if bulk is not None:
            if bulk.prepaid > 0:
                bulk.prepaid -= 1
            else:
                await self.account.bucket.acquire()
            return await callback(*args, **kwargs)
        chat = str(data.get("chat_id", ""))
        return await self.account.reply(chat, lambda: callback(*args, **kwargs), flood_of)


def pacer_for(account_rate: float) -> TelegramPacer:
    """The pacer of a bot allowed ``account_rate`` messages/s across chats (BOT_TELEGRAM_ACCOUNT_RATE)."""
    return TelegramPacer(Account(account_rate, SystemClock()))


def account_of(bot: object) -> Account | None:
    """The account budget of a bot built with a TelegramPacer (None for a plain Bot)."""
    pacer = getattr(bot, "rate_limiter", None)
    return pacer.account if isinstance(pacer, TelegramPacer) else None
