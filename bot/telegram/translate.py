"""Telegram updates -> neutral Inbound, neutral Reply pieces -> Telegram markup."""
from __future__ import annotations

from telegram import (InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update)
from telegram.constants import ChatType

from handlers.messages import Inbound, Kind, Message

CHANNEL = "telegram"
MEDIA_KINDS = ("sticker", "photo", "voice", "video", "video_note", "audio", "document",
               "animation", "contact", "poll", "dice", "venue")


def to_inbound(update: Update) -> Inbound | None:
    """The neutral shape of an update from a private chat; None for anything to ignore."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE or user.is_bot:
        return None
    base = dict(channel=CHANNEL, user_id=str(user.id), language=user.language_code)
    if update.callback_query is not None:
        return Inbound(kind=Kind.BUTTON, payload=update.callback_query.data or "", **base)
    if update.edited_message is not None:
        return Inbound(kind=Kind.EDITED, **base)
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        return _text(message.text, base)
    if message.location is not None:
        return Inbound(kind=Kind.LOCATION, location=(message.location.latitude,
                                                    message.location.longitude), **base)
    media = next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), "other")
    return Inbound(kind=Kind.MEDIA, media=media, text=message.caption or "", **base)


def _text(text: str, base: dict) -> Inbound:
    if text.startswith("/") and len(text) > 1:
        head, _, args = text[1:].partition(" ")
        command = head.split("@", 1)[0].lower()
        return Inbound(kind=Kind.COMMAND, command=command, args=args.strip(), text=text, **base)
    return Inbound(kind=Kind.TEXT, text=text, **base)


def markup(message: Message) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if message.buttons:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload)
                                      for b in row] for row in message.buttons])
    if message.menu:
        return ReplyKeyboardMarkup([list(row) for row in message.menu], resize_keyboard=True,
                                   is_persistent=True)
    return None
