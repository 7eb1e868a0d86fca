"""Zalo keeps a tipster's photos and files only as CDN links, which expire: evidence would be
lost. While a person is at the tip's media step, each linked file is downloaded (from Zalo's own
hosts only, size-limited), images re-encoded without metadata (bot.images, the rule every
channel shares), and kept in the database; the attachment then names the kept file
("kept:<id>"). A file that cannot be fetched keeps its link, as before."""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit

import aiohttp

from bot.images import image_name, strip_metadata
from handlers.messages import Attachment, Inbound
from handlers.ports import StorageUnavailable, UnitOfWorkFactory
from handlers.tips.domain import MAX_ATTACHMENT_BYTES
from handlers.tips.writing import MediaScreen

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=30)
_SAFE_NAME = re.compile(r"[^\w.\-]+")


def allowed(url: str, hosts: frozenset[str]) -> bool:
    """Only Zalo's own hosts (BOT_ZALO_MEDIA_HOSTS): a link is never a way into our network."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in ("https", "http") and any(
        host == h or host.endswith("." + h) for h in hosts)


class MediaKeeper:
    def __init__(self, http: aiohttp.ClientSession, uow: UnitOfWorkFactory,
                 hosts: frozenset[str], max_bytes: int = MAX_ATTACHMENT_BYTES) -> None:
        self._http, self._uow, self._hosts, self._max = http, uow, hosts, max_bytes

    async def keep(self, inbound: Inbound) -> Inbound:
        """The inbound with its linked files kept, when it is a tip's media; else unchanged."""
        linked = [a for a in inbound.attachments if allowed(a.ref, self._hosts)]
        if not linked or not await self._at_media_step(inbound):
            return inbound
        kept = [await self._keep(a) if a in linked else a for a in inbound.attachments]
        return replace(inbound, attachments=tuple(kept))

    async def _at_media_step(self, inbound: Inbound) -> bool:
        try:
            async with self._uow() as uow:
                state = await uow.dialogues.get(inbound.channel, inbound.user_id)
        except StorageUnavailable:
            return False
        return state is not None and state.step == MediaScreen.step

    async def _keep(self, item: Attachment) -> Attachment:
        data = await self._download(item.ref)
        if data is None:
            return item
        mime, name = item.mime, _name(item.ref)
        if item.kind in ("photo", "animation") or item.mime.startswith("image/"):
            cleaned = strip_metadata(data)
            if cleaned is None:
                return item                  # not an image after all: leave it as a link
            data, fmt = cleaned
            mime, name = f"image/{fmt}", image_name(fmt)
        try:
            async with self._uow() as uow:
                ref = await uow.kept_files.add(item.kind, mime, name, data)
                await uow.commit()
        except StorageUnavailable:
            return item
        return replace(item, ref=ref, size=len(data), mime=mime)

    async def _download(self, url: str) -> bytes | None:
        try:
            async with self._http.get(url, timeout=TIMEOUT, allow_redirects=False) as response:
                if response.status != 200:
                    log.info("zalo media not fetched", extra={"status": response.status})
                    return None
                chunks, total = [], 0
                async for chunk in response.content.iter_chunked(64 * 1024):
                    total += len(chunk)
                    if total > self._max:        # too big to keep: stop reading
                        return None
                    chunks.append(chunk)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            log.info("zalo media not fetched")
            return None
        return b"".join(chunks)


def _name(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return _SAFE_NAME.sub("_", last)[:80] or "file"
