"""Image files relayed from a tip lose their metadata (EXIF: GPS position, camera, owner name)
before officers see them. Photos sent as photos are already re-encoded by Telegram; an image
sent as a *file* arrives exactly as it was taken, so the bot re-encodes it (Pillow)."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from telegram import Bot, InputFile

MAX_PIXELS = 40_000_000   # refuse decompression bombs rather than hang the sender


def strip_metadata(data: bytes) -> tuple[bytes, str] | None:
    """The image re-encoded without metadata, and its format; None if it is not an image."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format if image.format in ("JPEG", "PNG", "WEBP") else "PNG"
            image.load()
            # Only the pixels cross over: no EXIF, XMP, comments or ICC text.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        return None
    out = io.BytesIO()
    clean.save(out, format=fmt)
    return out.getvalue(), fmt.lower()


async def clean_image_document(bot: Bot, file_id: str) -> InputFile | None:
    """Download an image file by id and return it without metadata, ready to upload."""
    telegram_file = await bot.get_file(file_id)
    cleaned = strip_metadata(bytes(await telegram_file.download_as_bytearray()))
    if cleaned is None:
        return None
    data, fmt = cleaned
    return InputFile(io.BytesIO(data), filename=f"image.{'jpg' if fmt == 'jpeg' else fmt}")
