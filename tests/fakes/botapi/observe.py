"""Observation helpers of FakeBotApi: transcripts, wait_for, wait_idle, counters."""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any
from collections.abc import Callable

from .model import SentMessage, inline_buttons, keyboard

Predicate = Callable[[SentMessage], bool] | str | None


class ObserveMixin:
    inline_buttons = staticmethod(inline_buttons)
    keyboard = staticmethod(keyboard)

    # ------------------------------------------------------------ recording (called by the methods)
    def _store(self, m: SentMessage) -> None:
        self._messages[(m.chat_id, m.message_id)] = m
        self._chat_msgs.setdefault(m.chat_id, []).append(m)

    def _touch(self, m: SentMessage | None) -> None:
        """Bot activity on a message (sent / edited); wakes wait_for()."""
        self._seq += 1
        if m is not None:
            self._activity.append((self._seq, m))
        ev, self._activity_event = self._activity_event, asyncio.Event()
        ev.set()

    # ------------------------------------------------------------ queries
    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Bot messages in the chat, in order (deleted ones included, with .deleted=True)."""
        return [m for m in self._chat_msgs.get(chat_id, []) if m.from_bot]

    def chat_history(self, chat_id: int) -> list[SentMessage]:
        """All messages of the chat (user's and bot's), in order."""
        return list(self._chat_msgs.get(chat_id, []))

    def last_message(self, chat_id: int) -> SentMessage | None:
        """The latest bot message in the chat that was not deleted."""
        alive = [m for m in self.messages_to(chat_id) if not m.deleted]
        return alive[-1] if alive else None

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        return self._messages.get((chat_id, message_id))

    def transcript(self, chat_id: int) -> str:
        lines = [m.line() for m in self._chat_msgs.get(chat_id, [])]
        return f"chat {chat_id} transcript:\n" + ("\n".join(lines) if lines else "  (empty)")

    def callback_answered(self, callback_query_id: str) -> bool:
        return callback_query_id in self.answered_callbacks

    @property
    def count_429(self) -> int:
        return self._limiter.count_429

    @property
    def count_by_method(self) -> Counter:
        return Counter(c.method for c in self.calls)

    def calls_of(self, method: str) -> list:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def mark(self) -> int:
        """An activity mark to pass as wait_for(..., since=mark) to also see activity after the mark."""
        return self._seq

    # ------------------------------------------------------------ waiting
    @staticmethod
    def _matcher(predicate: Predicate) -> Callable[[SentMessage], bool]:
        if predicate is None:
            return lambda m: True
        if isinstance(predicate, str):
            needle = predicate
            return lambda m: m.text is not None and needle in m.text
        return predicate

    async def wait_for(self, chat_id: int, predicate: Predicate = None, *, timeout: float = 5.0,
                       since: int | None = None) -> SentMessage:
        """First bot message in the chat sent or edited after the call began (or after `since`, a mark())
        that matches `predicate` (callable, or substring of the text). AssertionError on timeout."""
        match = self._matcher(predicate)
        start = self._seq if since is None else since
        deadline = time.monotonic() + timeout
        while True:
            for seq, m in self._activity:
                if seq > start and m.chat_id == chat_id and not m.deleted and match(m):
                    return m
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching bot message in chat {chat_id} within {timeout}s\n"
                                     + self.transcript(chat_id))
            ev = self._activity_event
            try:
                await asyncio.wait_for(ev.wait(), remaining)
            except TimeoutError:
                pass

    def _busy_reason(self, quiet: float) -> str | None:
        now = time.monotonic()
        if self._inflight:
            return f"{self._inflight} request(s) in flight"
        if self._delivering:
            return "webhook delivery in progress"
        if now - self._last_activity < quiet:
            return "recent bot activity"
        consumer = self.webhook is not None or now - self._last_poll_at < 15
        undelivered = [u for u in self._updates if u["update_id"] > self._handed_out]
        if consumer and undelivered:
            return f"{len(undelivered)} update(s) not yet fetched by the bot"
        return None

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Wait until no bot request (other than a pending long poll) happened for `quiet` seconds and
        the bot has fetched every queued update. AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        step = max(0.01, min(0.05, quiet / 4))
        while True:
            reason = self._busy_reason(quiet)
            if reason is None:
                return
            if time.monotonic() >= deadline:
                raise AssertionError(f"bot not idle after {timeout}s: {reason}")
            await asyncio.sleep(step)

    def summary(self) -> dict[str, Any]:
        return {"calls": dict(self.count_by_method), "count_429": self.count_429,
                "pending_updates": len(self._updates), "chats": sorted(self._chat_msgs)}
