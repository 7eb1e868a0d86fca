"""The aiohttp server: /healthz and the Telegram webhook route."""
from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from handlers.ports import StorageUnavailable, UnitOfWorkFactory

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def make_web_app(uow: UnitOfWorkFactory) -> web.Application:
    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.router.add_get("/healthz", _health(uow))
    return web_app


def add_telegram_webhook(web_app: web.Application, application: Application,
                         secret: str) -> None:
    web_app.router.add_post(TELEGRAM_PATH, TelegramWebhook(application, secret).handle)


def _health(uow: UnitOfWorkFactory):
    async def health(request: web.Request) -> web.Response:
        try:
            async with uow() as work:
                await work.topics.active()
        except StorageUnavailable:
            return web.json_response({"status": "degraded", "database": "unavailable"},
                                     status=503)
        return web.json_response({"status": "ok"})
    return health


class TelegramWebhook:
    """Authenticate first, queue the update, answer at once; the turn de-duplicates by
    update_id in its own transaction (a retried update is answered once)."""

    def __init__(self, application: Application, secret: str) -> None:
        self._application = application
        self._secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook refused: bad secret", extra={"remote": request.remote})
            return web.Response(status=403)
        try:
            body = json.loads(await request.read())
            update_id = int(body["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400)
        try:
            update = Update.de_json(body, self._application.bot)
        except Exception:   # a malformed update must not make Telegram retry forever
            log.warning("webhook body not an update", extra={"update_id": update_id})
            return web.Response(status=200)
        await self._application.update_queue.put(update)
        return web.Response(status=200)
