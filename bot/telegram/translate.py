"""Telegram updates -> neutral Inbound, neutral Reply pieces -> Telegram markup."""
from __future__ import annotations

from telegram import (InlineKeyboardButton, InlineKeyboardMarkup, Message as TgMessage,
                      ReplyKeyboardMarkup, Update)
from telegram.constants import ChatType

from bot.turns import typed
from handlers.messages import Attachment, Inbound, Kind, Message

CHANNEL = "telegram"
FILE_KINDS = ("video", "voice", "audio", "document", "video_note", "animation")
OTHER_MEDIA = ("sticker", "contact", "poll", "dice", "venue", "game", "story")
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def to_inbound(update: Update) -> Inbound | None:
    """The neutral shape of an update; None for anything to ignore (channels, strangers'
    chatter in groups, other bots)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    in_group = chat.type in GROUPS
    if chat.type != ChatType.PRIVATE and not in_group:
        return None
    base = dict(channel=CHANNEL, user_id=str(user.id), language=user.language_code,
                in_group=in_group, chat_id=str(chat.id) if in_group else "",
                update_id=str(update.update_id))
    if update.callback_query is not None:
        return Inbound(kind=Kind.BUTTON, payload=update.callback_query.data or "", **base)
    if update.edited_message is not None:
        return None if in_group else Inbound(kind=Kind.EDITED, **base)
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        return _text(message.text, base)
    if in_group:
        return None
    if message.location is not None:
        return Inbound(kind=Kind.LOCATION, location=(message.location.latitude,
                                                    message.location.longitude), **base)
    return Inbound(kind=Kind.MEDIA, media=_media_kind(message), text=message.caption or "",
                   attachments=attachments(message), **base)


def _media_kind(message: TgMessage) -> str:
    if message.photo:
        return "photo"
    return next((k for k in FILE_KINDS + OTHER_MEDIA if getattr(message, k, None)), "other")


def attachments(message: TgMessage) -> tuple[Attachment, ...]:
    """Files by reference (file_id); stickers and the like are not attachments."""
    group = message.media_group_id or ""
    if message.photo:
        largest = message.photo[-1]
        return (Attachment("photo", largest.file_id, largest.file_size, "image/jpeg", group),)
    for kind in FILE_KINDS:
        item = getattr(message, kind, None)
        if item is not None:
            return (Attachment(kind, item.file_id, getattr(item, "file_size", None),
                               getattr(item, "mime_type", None) or "", group),)
    return ()


def _text(text: str, base: dict) -> Inbound | None:
    inbound = typed(text, **base)
    if inbound.kind is Kind.TEXT and base["in_group"]:
        return None          # with privacy mode off, group chatter is none of our business
    return inbound


def markup(message: Message) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if message.buttons:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload)
                                      for b in row] for row in message.buttons])
    if message.menu:
        return ReplyKeyboardMarkup([list(row) for row in message.menu], resize_keyboard=True,
                                   is_persistent=True)
    return None
