"""The neutral shapes every channel adapter translates to and from."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.Enum):
    """What a person sent, as far as the product cares."""

    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    MEDIA = "media"          # sticker, photo, voice, video, document...
    LOCATION = "location"
    EDITED = "edited"        # an edit of an earlier message


@dataclass(frozen=True)
class Inbound:
    """One thing a person did, in any channel."""

    channel: str
    user_id: str
    kind: Kind
    text: str = ""
    command: str = ""        # lowercase, without the slash
    args: str = ""
    payload: str = ""        # button payload: untrusted, may be forged
    media: str = ""          # "sticker", "photo", ... for Kind.MEDIA
    language: str | None = None   # the client's language hint, if any
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One message to show; buttons are inline choices, menu is the persistent main menu."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    menu: tuple[tuple[str, ...], ...] | None = None

    def numbered(self) -> list[Button]:
        """Buttons in the order their numbers are shown (1, 2, 3 ...)."""
        return [button for row in self.buttons for button in row]


@dataclass
class Reply:
    """Everything the bot answers to one Inbound.

    `edit` asks the adapter to replace the message whose button was pressed with the first
    message (paging, toggling) where the channel can; `notice` is a short toast for a button press.
    """

    messages: list[Message] = field(default_factory=list)
    edit: bool = False
    notice: str = ""
