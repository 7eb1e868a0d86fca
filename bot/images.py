"""The one image-metadata rule for every channel: an image a tipster sends reaches officers as
pixels only (no EXIF, XMP, comments or ICC text: GPS position, camera, owner name). Telegram
re-encodes photos itself; images sent as files, and every file the bot downloads from a link
(Zalo keeps only CDN links), are re-encoded here with Pillow."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

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


def image_name(fmt: str) -> str:
    return f"image.{'jpg' if fmt == 'jpeg' else fmt}"
