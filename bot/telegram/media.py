"""Sending a neutral Message to any Telegram chat: its files as copies by file id (never a
forward: no link to the original sender), then the text with its buttons."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot, InputFile, Message as TgMessage
from telegram.error import BadRequest

from bot.telegram.exif import clean_image_document
from bot.telegram.translate import markup
from handlers.messages import Attachment, Message
from handlers.text import split_text

TEXT_LIMIT = 4000   # Telegram counts 4096 UTF-16 units; emoji take two
_SENDERS = {"photo": "send_photo", "video": "send_video", "voice": "send_voice",
            "audio": "send_audio", "document": "send_document", "video_note": "send_video_note",
            "animation": "send_animation"}


# A file the bot keeps itself (a Zalo tipster's photo, downloaded): ref -> (bytes, file name).
KeptFiles = Callable[[str], Awaitable[tuple[bytes, str] | None]]
KEPT_PREFIX = "kept:"


async def send_attachment(bot: Bot, chat_id: int | str, item: Attachment, protect: bool,
                          kept: KeptFiles | None = None) -> None:
    if item.ref.startswith(KEPT_PREFIX):
        await _send_kept(bot, chat_id, item, protect, kept)
        return
    if item.kind == "document" and item.mime.startswith("image/") and protect:
        cleaned = await clean_image_document(bot, item.ref)
        if cleaned is not None:
            await bot.send_document(chat_id, cleaned, protect_content=True)
            return
    method = getattr(bot, _SENDERS.get(item.kind, "send_document"))
    await method(chat_id, item.ref, protect_content=protect)


async def _send_kept(bot: Bot, chat_id: int | str, item: Attachment, protect: bool,
                     kept: KeptFiles | None) -> None:
    found = await kept(item.ref) if kept is not None else None
    if found is None:          # erased, or a process that cannot read it: say it is missing
        raise BadRequest("kept file not available")
    data, filename = found
    upload = InputFile(data, filename=filename)
    if item.kind == "photo":
        await bot.send_photo(chat_id, upload, protect_content=protect)
    else:
        await bot.send_document(chat_id, upload, protect_content=protect)


async def send_message(bot: Bot, chat_id: int | str, message: Message,
                       unsent_note: str = "", kept: KeptFiles | None = None) -> TgMessage:
    """Files first, then the text in pieces; the last piece carries the buttons.

    A file Telegram refuses (a Zalo link of a format Telegram will not fetch, say) does not
    stop the message: the text then says, with `unsent_note`, that a file could not be shown."""
    refused = 0
    for item in message.attachments:
        try:
            await send_attachment(bot, chat_id, item, message.protect, kept)
        except BadRequest:
            refused += 1
    text = message.text + (f"\n\n{unsent_note.format(count=refused)}"
                           if refused and unsent_note else "")
    parts = split_text(text, TEXT_LIMIT)
    for part in parts[:-1]:
        await bot.send_message(chat_id, part, protect_content=message.protect)
    return await bot.send_message(chat_id, parts[-1], reply_markup=markup(message),
                                  protect_content=message.protect)
