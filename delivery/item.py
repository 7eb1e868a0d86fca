"""One outbox item as a drain and a sender see it, whichever outbox it came from."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class RecipientKind(str, enum.Enum):
    CHAT = "chat"          # a known chat: a subscriber, an officer, a unit's group
    TIPSTER = "tipster"    # reached only through the tip's sealed link, unsealed to send


@dataclass(frozen=True)
class OutboxItem:
    """One claimed delivery: one bulletin to one chat, or one notification to one recipient.

    A bulletin delivery has ``broadcast_id`` and the recipient's ``language``; a notification has
    ``notification_id`` (its row holds the message). A tipster has ``tip_id`` and no ``chat_id``:
    the address is never in memory before the sender unseals it.
    """

    id: int
    channel: str
    attempts: int = 0  # failed attempts so far (retry_later adds one)
    recipient: RecipientKind = RecipientKind.CHAT
    chat_id: str | None = None
    tip_id: int | None = None
    subscriber_id: int | None = None
    broadcast_id: int | None = None
    notification_id: int | None = None
    language: str | None = None
    last_error: str | None = None  # reason given to the last retry_later, e.g. "chat_not_found"

    @property
    def pacing_key(self) -> str:
        """What per-chat spacing counts by (a tipster by tip: their chat id is sealed)."""
        if self.recipient is RecipientKind.TIPSTER:
            return f"tipster:{self.tip_id}"
        return f"chat:{self.chat_id}"
