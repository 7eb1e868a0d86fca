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
class Attachment:
    """A file a person sent, by the channel's own reference (never downloaded to keep)."""

    kind: str                 # photo, video, voice, audio, document, video_note
    ref: str                  # the channel's file id, reusable by this bot
    size: int | None = None
    mime: str = ""
    group: str = ""           # an album's id: its items arrive one by one


# Channels where people type instead of pressing: no inline buttons, no Telegram 📎 menu.
TYPED_CHANNELS = frozenset({"console", "zalo_bot", "zalo_oa"})


def typed_only(channel: str) -> bool:
    return channel in TYPED_CHANNELS


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
    attachments: tuple[Attachment, ...] = ()
    chat_id: str = ""         # the group chat, when the person wrote in a group
    in_group: bool = False
    # The platform's id of this update, when it has one: a repeat (polling after a crash, a
    # webhook retried) is answered once, recorded in the turn's own transaction.
    update_id: str = ""


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Document:
    """A file the bot makes and sends (a report): its bytes and the name the person sees."""

    data: bytes
    filename: str


@dataclass(frozen=True)
class Message:
    """One message to show; buttons are inline choices, menu is the persistent main menu."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    menu: tuple[tuple[str, ...], ...] | None = None
    attachments: tuple[Attachment, ...] = ()   # sent as copies before the text
    protect: bool = False                      # no forwarding or saving (tip material)
    image: bytes | None = None                 # a PNG (a chart) shown with the text as caption
    document: Document | None = None           # a file sent with the text as caption

    def numbered(self) -> list[Button]:
        """Buttons in the order their numbers are shown (1, 2, 3 ...)."""
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class Outgoing:
    """A message to someone other than the person who wrote: an officer, a group, a tipster.

    `tip_id` without `chat_id` means "the tipster of this tip": the address is resolved from the
    sealed link only when sending, so no stored row names the tipster. `about_tip` names the tip
    a message to an officer shows (its card, the tipster's answer): retention erases the row
    with the tip's contents.
    """

    channel: str
    message: Message
    chat_id: str = ""
    tip_id: int | None = None
    about_tip: int | None = None


@dataclass
class Reply:
    """Everything the bot answers to one Inbound.

    `edit` asks the adapter to replace the message whose button was pressed with the first
    message (paging, toggling) where the channel can; `notice` is a short toast for a button press;
    `command_menu` is set when the person's commands changed (they joined with an invite):
    channels that keep a command menu per person show these.
    """

    messages: list[Message] = field(default_factory=list)
    edit: bool = False
    notice: str = ""
    command_menu: tuple[str, ...] | None = None
