"""One bot account's sending budget, shared by bulletins, notifications and interactive replies.

Telegram limits a bot to about 30 messages/s across chats and about 1/s in one chat (bursts of
a few tolerated). Every message of the account takes a token from ``bucket``; drains take theirs
behind their own rate (see delivery.drain), replies take theirs first (``urgent``) after their
chat's own pacer, so a resident's answer never queues behind a broadcast.
"""
from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

from delivery.clock import Clock
from delivery.errors import FloodWait
from delivery.pacing import TokenBucket

T = TypeVar("T")

# Telegram takes about 1 message a second in one chat, bursts of 3 tolerated; 5% under it, so a
# request that reaches the server late (a busy network) does not look like a burst.
CHAT_RATE, CHAT_BURST = 0.95, 3

# After this many flood waits in a row one reply gives up (about 3 minutes at Telegram's usual
# 1-30 s retry_after): only a platform that refuses a chat for that long loses the reply.
MAX_REPLY_FLOODS = 12


class ChatPacer:
    """A small token bucket per chat: ``rate`` per second, bursts of ``burst`` (replies)."""

    _PRUNE_FLOOR = 1024

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self._rate, self._burst, self._clock = rate, burst, clock
        self._chats: dict[str, TokenBucket] = {}
        self._prune_at = self._PRUNE_FLOOR

    async def acquire(self, chat: str) -> None:
        """Wait until ``chat`` may receive one more message, then count it."""
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= self._prune_at:
                self._prune()
            bucket = self._chats[chat] = TokenBucket(self._rate, self._burst, self._clock)
        await bucket.acquire()

    def pause(self, chat: str, seconds: float) -> None:
        """Nothing more to ``chat`` for ``seconds`` (the platform said so for this chat)."""
        bucket = self._chats.setdefault(chat, TokenBucket(self._rate, self._burst, self._clock))
        bucket.pause_until(self._clock.now() + seconds)

    def __len__(self) -> int:
        return len(self._chats)

    def _prune(self) -> None:
        # A chat whose bucket is full again, and not paused, has no history worth keeping.
        self._chats = {c: b for c, b in self._chats.items() if b.is_paused() or not b.is_full()}
        self._prune_at = max(self._PRUNE_FLOOR, 2 * len(self._chats))


class Account:
    """The budget of one bot account: the shared bucket and the replies' per-chat pacer."""

    def __init__(self, rate: float, clock: Clock, *, burst: int | None = None,
                 chat_rate: float = CHAT_RATE, chat_burst: int = CHAT_BURST) -> None:
        self.clock = clock
        self.bucket = TokenBucket(rate, burst or max(1, math.ceil(rate / 10)), clock)
        self.chats = ChatPacer(chat_rate, chat_burst, clock)
        self.reply_floods = 0

    async def reply_slot(self, chat: str) -> None:
        """Wait for ``chat``'s pacer, then take the account's next token ahead of the drains."""
        await self.chats.acquire(chat)
        await self.bucket.acquire(urgent=True)

    async def reply(self, chat: str, send: Callable[[], Awaitable[T]],
                    flood_of: Callable[[Exception], FloodWait | None]) -> T:
        """Send one interactive message paced, retrying after each flood wait: never dropped.

        ``flood_of`` tells whether an error is the platform's flood wait (and how long).
        """
        for _ in range(MAX_REPLY_FLOODS):
            await self.reply_slot(chat)
            try:
                return await send()
            except Exception as error:
                flood = flood_of(error)
                if flood is None:
                    raise
                self.reply_floods += 1
                self.chats.pause(chat, flood.retry_after)
        await self.reply_slot(chat)
        return await send()
