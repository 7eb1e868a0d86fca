"""Send outcomes as types: channel adapters translate their library's errors into these.

The drain classifies by class only, never by message text (architecture habit 7); the wording of a
platform's error belongs to the adapter that knows the platform.
"""
from __future__ import annotations


class SendError(Exception):
    """A send did not deliver; the subclass says what the drain should do about it."""


class FloodWait(SendError):
    """The platform asks the whole bot to slow down (Telegram 429 with ``retry_after``)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"flood wait: retry after {retry_after} s")
        self.retry_after = max(0.0, float(retry_after))


class RecipientGone(SendError):
    """The recipient blocked the bot or deleted their account: mark the subscriber inactive."""


class ChatNotFound(SendError):
    """The chat is unknown (never started the bot); rarely transient, so retried once."""


class TransientSendError(SendError):
    """Network trouble, a 5xx, an unexplained 403: back off and retry up to a limit."""


class PermanentSendError(SendError):
    """Our request is wrong for this recipient (bad request, rejected photo): do not retry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OutOfReach(PermanentSendError):
    """The channel may not message this recipient now (e.g. outside Zalo's reply window): not
    attempted, not retried, and counted as out of reach with the reason, not as a failure."""
