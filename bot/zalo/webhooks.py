"""aiohttp routes for both Zalo products: authenticate first, answer at once, work later."""
from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable

from aiohttp import web

from bot.zalo.signature import signature_ok, timestamp_fresh

log = logging.getLogger(__name__)
OA_PATH = "/zalo/oa/webhook"
BOT_PATH = "/zalo/bot/webhook"
MAX_BODY = 64 * 1024      # real events are a few KB; anything bigger is not from Zalo
SIGNATURE_HEADER = "X-ZEvent-Signature"
BOT_SECRET_HEADER = "X-Bot-Api-Secret-Token"


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes | None:
    """The raw body, or None if it is larger than `limit` (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks, size = [], 0
    while chunk := await request.content.read(16 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def json_object(body: bytes) -> dict | None:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


class OAWebhook:
    """Zalo calls this for every OA event and disables the webhook if we are slow to answer."""

    def __init__(self, accept: Callable[[dict], bool], app_id: str, secret_key: str,
                 max_age: int, clock: Callable[[], float] = time.time) -> None:
        self._accept, self._app_id, self._key = accept, app_id, secret_key
        self._max_age, self._clock = max_age, clock

    async def handle(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        if body is None:
            return web.Response(status=413)
        event = json_object(body)
        if event is None:
            return web.Response(status=400)
        timestamp = str(event.get("timestamp", ""))
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not signature_ok(header, self._app_id, body, timestamp, self._key):
            log.warning("zalo oa webhook refused: bad signature", extra={"remote": request.remote})
            return web.Response(status=401)
        if not timestamp_fresh(timestamp, int(self._clock() * 1000), self._max_age):
            log.warning("zalo oa webhook refused: stale timestamp")
            return web.Response(status=401)
        self._accept(event)
        return web.Response(status=200)


class BotWebhook:
    """The Bot Platform's webhook: a shared secret header, then the (maybe wrapped) update."""

    def __init__(self, accept: Callable[[dict], bool], secret: str) -> None:
        self._accept, self._secret = accept, secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(BOT_SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("zalo bot webhook refused: bad secret", extra={"remote": request.remote})
            return web.Response(status=403)
        body = await read_body(request)
        if body is None:
            return web.Response(status=413)
        update = json_object(body)
        if update is None:
            return web.Response(status=400)
        self._accept(unwrap(update))
        return web.Response(status=200)


def unwrap(update: dict) -> dict:
    """Zalo documents `{"ok": true, "result": {...}}` but has been seen sending the bare update."""
    result = update.get("result")
    return result if isinstance(result, dict) and "event_name" not in update else update
