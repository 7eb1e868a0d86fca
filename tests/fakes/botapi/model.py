"""Records kept by the fake: calls, messages, webhook deliveries; token-bucket rate limiting."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from .spec import ApiError


@dataclass
class Call:
    """One HTTP request to the Bot API routes."""

    method: str
    params: dict
    status: int
    at: float  # time.monotonic()
    response: Any = field(default=None, repr=False)
    http_method: str = "POST"


@dataclass
class SentMessage:
    """A message in a chat (normally sent by the bot; user messages have from_bot=False)."""

    message_id: int
    chat_id: int
    text: str | None  # visible text (after parse_mode) or caption
    reply_markup: dict | None = None
    photo: str | None = None  # file_id of the photo (largest size) if any
    document: str | None = None
    protect_content: bool = False
    edits: list[str | None] = field(default_factory=list)  # previous texts, oldest first
    deleted: bool = False
    kind: str = "text"  # text, photo, document, video, voice, sticker, location, ...
    raw_text: str | None = None  # text as sent (before parse_mode)
    parse_mode: str | None = None
    entities: list[dict] = field(default_factory=list)
    is_caption: bool = False
    from_bot: bool = True
    method: str = "sendMessage"
    params: dict = field(default_factory=dict, repr=False)
    payload: dict = field(default_factory=dict, repr=False)  # the Message object as the API returns it
    markup_edits: list[dict | None] = field(default_factory=list, repr=False)  # previous markups
    date: int = 0
    reply_to_message_id: int | None = None
    media_group_id: str | None = None

    @property
    def caption(self) -> str | None:
        return self.text if self.is_caption else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return inline_buttons(self)

    def line(self) -> str:
        who = "bot" if self.from_bot else "user"
        flags = "".join(
            f" [{f}]" for f, on in (("deleted", self.deleted), (f"edited x{len(self.edits)}", self.edits)) if on
        )
        kind = "" if self.kind == "text" else f"<{self.kind}> "
        extra = ""
        if self.reply_markup:
            extra = f"  buttons={inline_buttons(self) or keyboard(self)}"
        return f"  #{self.message_id} {who}: {kind}{self.text!r}{flags}{extra}"


@dataclass
class WebhookDelivery:
    update_id: int | None
    attempt: int
    status: int | None  # HTTP status, None on connection error
    error: str | None
    at: float
    url: str
    kind: str = "queue"  # queue | redeliver | raw
    response_body: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _markup_of(msg: Any) -> dict | None:
    if isinstance(msg, SentMessage):
        return msg.reply_markup
    if isinstance(msg, dict):
        return msg.get("reply_markup", msg if ("inline_keyboard" in msg or "keyboard" in msg) else None)
    markup = getattr(msg, "reply_markup", None)  # telegram.Message
    return markup.to_dict() if hasattr(markup, "to_dict") else markup


def inline_buttons(msg: Any) -> list[tuple[str, str]]:
    """(text, callback_data) of all inline buttons, flattened; url buttons give ('text', url)."""
    markup = _markup_of(msg) or {}
    out = []
    for row in markup.get("inline_keyboard", []):
        for b in row:
            out.append((b.get("text", ""), b.get("callback_data", b.get("url", ""))))
    return out


def keyboard(msg: Any) -> list[str]:
    """Labels of a reply keyboard, flattened."""
    markup = _markup_of(msg) or {}
    return [b if isinstance(b, str) else b.get("text", "") for row in markup.get("keyboard", []) for b in row]


class TokenBucket:
    def __init__(self, rate: float, capacity: float, now: float):
        self.rate = rate
        self.capacity = max(1.0, float(capacity))
        self.tokens = self.capacity
        self.last = now
        self.blocked_until = float("-inf")

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def retry_after(self, now: float) -> int | None:
        """None if a token is available, else whole seconds (>= 1) to wait."""
        if now < self.blocked_until:
            return max(1, math.ceil(self.blocked_until - now))
        self._refill(now)
        if self.tokens >= 1:
            return None
        return max(1, math.ceil((1 - self.tokens) / self.rate))

    def take(self) -> None:
        self.tokens -= 1


class RateLimiter:
    """A global bucket across chats and one bucket per chat; raises ApiError(429).

    `clock` (default time.monotonic) may be replaced by tests to move time without sleeping."""

    def __init__(self, global_rate: float | None, global_burst: int | None,
                 per_chat_rate: float | None, per_chat_burst: int, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.global_bucket = None
        if global_rate:
            burst = global_burst if global_burst is not None else math.ceil(global_rate)
            self.global_bucket = TokenBucket(global_rate, burst, clock())
        self.chat_buckets: dict[Any, TokenBucket] = {}
        self.count_429 = 0

    def check(self, chat_id: Any) -> None:
        now = self.clock()
        buckets = []
        if self.global_bucket:
            buckets.append(self.global_bucket)
        if self.per_chat_rate and chat_id is not None:
            b = self.chat_buckets.get(chat_id)
            if b is None:
                b = self.chat_buckets[chat_id] = TokenBucket(self.per_chat_rate, self.per_chat_burst, now)
            buckets.append(b)
        for b in buckets:
            wait = b.retry_after(now)
            if wait is not None:
                b.blocked_until = max(b.blocked_until, now + wait)
                self.count_429 += 1
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        for b in buckets:
            b.take()
