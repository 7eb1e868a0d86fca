"""Bulletins on Zalo: what one outbox row says, and the broadcast sender of each configured product.

The text is the bulletin as residents read it (in the recipient's language), split at Zalo's
2,000 characters by the senders. The photo goes as each API allows: the OA takes a link or an
uploaded file (≤ 1 MB JPEG/PNG, uploaded once per broadcast); the Bot Platform only a link. A
photo a product cannot take (a Telegram file id, a local file on the Bot Platform, too big a
file) is left out and the bulletin goes as text: a photo never stops a broadcast.
"""
from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from bot.zalo.senders import Content, ZaloBotSender, ZaloOASender
from broadcasts.links import BulletinLinks, resident_text, tip_code
from delivery.item import OutboxItem
from handlers.i18n import Catalog

log = logging.getLogger(__name__)
OA, BOT = "zalo_oa", "zalo_bot"
MAX_UPLOAD = 1024 * 1024
_CACHE_LIMIT = 64
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class BulletinContent:
    """Resolves an outbox row of ``channel`` to its Content (broadcasts read once, cached)."""

    def __init__(self, store, catalog: Catalog, links: BulletinLinks, channel: str) -> None:
        self._store, self._catalog, self._links, self._channel = store, catalog, links, channel
        self._cache: dict[int, tuple[object, Content]] = {}

    async def __call__(self, item: OutboxItem) -> Content:
        bulletin, image = await self._bulletin(item.broadcast_id)
        t = partial(self._catalog.t, item.language or self._catalog.default)
        # Zalo has no deep links into a chat: the footer says what to type instead.
        text = resident_text(t, bulletin.text, self._links.link(self._channel, bulletin.id),
                             code=tip_code(bulletin.id))
        return Content(text, image=image.image, image_url=image.image_url,
                       image_type=image.image_type, image_key=image.image_key)

    async def _bulletin(self, broadcast_id: int) -> tuple[object, Content]:
        if broadcast_id not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            bulletin = await self._store.bulletin(broadcast_id)
            self._cache[broadcast_id] = (bulletin, self._image(bulletin))
        return self._cache[broadcast_id]

    def _image(self, bulletin) -> Content:
        """The photo as this product can send it, or none (text only)."""
        ref = bulletin.photo_ref or ""
        if ref.startswith(("http://", "https://")):
            return Content("", image_url=ref)
        path = Path(ref) if ref and self._channel == OA else None
        kind = _IMAGE_TYPES.get(path.suffix.lower()) if path is not None else None
        if path is not None and kind and path.is_file() and path.stat().st_size <= MAX_UPLOAD:
            return Content("", image=path.read_bytes(), image_type=kind,
                           image_key=f"broadcast-{bulletin.id}")
        if ref:
            log.info("bulletin photo not sendable on this zalo product; text only",
                     extra={"broadcast": bulletin.id, "channel": self._channel})
        return Content("")


def broadcast_senders(app, zalo, store, buckets: dict) -> dict:
    """The broadcast sender of each configured Zalo product, by channel id."""
    links, senders = app.broadcasts.links, {}
    if zalo.oa is not None:
        senders[OA] = ZaloOASender(zalo.oa_client(), app.uow, zalo.window,
                                   BulletinContent(store, app.catalog, links, OA),
                                   bucket=buckets.get(OA))
    if zalo.bot is not None:
        senders[BOT] = ZaloBotSender(zalo.bot_client(),
                                     BulletinContent(store, app.catalog, links, BOT),
                                     bucket=buckets.get(BOT))
    return senders
