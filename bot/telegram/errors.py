"""python-telegram-bot errors -> the typed send errors the drains act on (no string guessing
where a type exists; Telegram gives only wording for blocked vs. other 403s)."""
from __future__ import annotations

from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError,
                            RetryAfter, TelegramError, TimedOut)

from delivery.errors import (ChatNotFound, FloodWait, PermanentSendError, RecipientGone,
                               TransientSendError)

_GONE = ("blocked by the user", "user is deactivated", "bot was kicked", "chat not found",
         "bot can't initiate conversation", "bot is not a member")


def classify(error: TelegramError) -> Exception:
    """The typed error for a failed send (see shared/platforms/telegram.md, Errors)."""
    if isinstance(error, RetryAfter):
        retry = error.retry_after
        seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
        return FloodWait(seconds)
    if isinstance(error, Forbidden):
        text = error.message.lower()
        if any(marker in text for marker in _GONE):
            return RecipientGone()
        return TransientSendError()        # other 403 wording has been seen to be transient
    if isinstance(error, BadRequest):      # a subclass of NetworkError: check it first
        if "chat not found" in error.message.lower():
            return ChatNotFound()
        return PermanentSendError(error.message[:200])
    if isinstance(error, (ChatMigrated, InvalidToken)):
        return PermanentSendError(type(error).__name__)
    if isinstance(error, (TimedOut, NetworkError)):
        return TransientSendError()
    return PermanentSendError(type(error).__name__)
