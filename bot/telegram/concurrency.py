"""Updates of different people are handled at the same time; one person's stay in order.

python-telegram-bot handles one update at a time by default: fifty residents writing during a
broadcast would wait for each other's database turns. Their conversations are independent (state
is kept per person in the database), so only one person's updates need to be serial.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT = 32


class PerChatUpdates(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}   # chat -> (lock, users of it)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_of(update)
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]           # forget idle chats: no growth with residents
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_of(update: object) -> int:
    if isinstance(update, Update):
        chat = update.effective_chat or update.effective_user
        if chat is not None:
            return chat.id
    return 0
