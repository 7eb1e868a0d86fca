"""Sending a file the bot made (a report) as a Telegram document, the text as its caption."""
from __future__ import annotations

from dataclasses import replace

from telegram import InputFile

from bot.telegram.media import send_message
from bot.telegram.translate import markup

CAPTION_LIMIT = 1024     # Telegram's caption limit, in UTF-16 code units


async def send_with_document(bot, chat_id: int | str, message):
    """The document with the text as caption when it fits, otherwise the document, then the
    text (with the message's buttons)."""
    document = InputFile(message.document.data, filename=message.document.filename)
    if len(message.text.encode("utf-16-le")) // 2 <= CAPTION_LIMIT:
        return await bot.send_document(chat_id, document, caption=message.text or None,
                                       reply_markup=markup(message),
                                       protect_content=message.protect)
    await bot.send_document(chat_id, document, protect_content=message.protect)
    return await send_message(bot, chat_id, replace(message, document=None))
