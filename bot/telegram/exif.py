"""Image files relayed from a tip lose their metadata before officers see them (the rule is
bot.images.strip_metadata, shared by every channel). Photos sent as photos are already
re-encoded by Telegram; an image sent as a *file* arrives exactly as it was taken."""
from __future__ import annotations

import io

from telegram import Bot, InputFile

from bot.images import image_name, strip_metadata


async def clean_image_document(bot: Bot, file_id: str) -> InputFile | None:
    """Download an image file by id and return it without metadata, ready to upload."""
    telegram_file = await bot.get_file(file_id)
    cleaned = strip_metadata(bytes(await telegram_file.download_as_bytearray()))
    if cleaned is None:
        return None
    data, fmt = cleaned
    return InputFile(io.BytesIO(data), filename=image_name(fmt))
