"""Starting and stopping the configured Zalo products with the runner's HTTP server."""
from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from aiohttp import web

from bot.zalo.bot_api import BotApiClient
from bot.zalo.bot_channel import BotChannel
from bot.zalo.conversation import ZaloTurns
from bot.zalo.errors import ZaloApiError, ZaloUnavailable
from bot.zalo.media import MediaKeeper
from bot.zalo.oa_api import OAClient
from bot.zalo.oa_channel import OAChannel
from bot.zalo.tokens import TokenKeeper
from bot.zalo.webhooks import BOT_PATH, OA_PATH, BotWebhook, OAWebhook
from bot.zalo.window import InteractionWindow
from config.settings import Settings

log = logging.getLogger(__name__)
TOKEN_CHECK_SECONDS = 30 * 60    # refreshes happen ahead of expiry even when nobody writes


def _secret(value) -> str:
    return value.get_secret_value() if value is not None else ""


class ZaloChannels:
    """The OA and/or the Bot Platform, whichever the settings configure."""

    def __init__(self, settings: Settings, kit: ZaloTurns) -> None:
        self._settings, self._kit = settings, kit
        self.http = aiohttp.ClientSession()
        self.oa: OAChannel | None = None
        self.bot: BotChannel | None = None
        self.tokens: TokenKeeper | None = None
        self._tasks: list[asyncio.Task] = []
        self._stop = asyncio.Event()
        self.window = InteractionWindow.from_hours(settings.zalo_free_window_hours,
                                                   settings.zalo_reply_window_hours)
        self.media = MediaKeeper(self.http, kit.uow, settings.zalo_media_host_set)
        if settings.zalo_oa_enabled:
            self.oa = self._build_oa()
        if settings.zalo_bot_enabled:
            self.bot = BotChannel(kit, self.bot_client(), media=self.media)

    def _build_oa(self) -> OAChannel:
        s = self._settings
        self.tokens = TokenKeeper(self._kit.uow, self.http, sealer=self._kit.sealer,
                                  app_id=s.zalo_oa_app_id,
                                  app_secret=_secret(s.zalo_oa_app_secret),
                                  oauth_url=s.zalo_oauth_url,
                                  access_token=_secret(s.zalo_oa_access_token),
                                  refresh_token=_secret(s.zalo_oa_refresh_token))
        return OAChannel(self._kit, self.oa_client(), self.window, media=self.media)

    def oa_client(self) -> OAClient:
        return OAClient(self.http, self._settings.zalo_oa_api_url, self.tokens)

    def bot_client(self) -> BotApiClient:
        s = self._settings
        return BotApiClient(self.http, s.zalo_bot_api_url, _secret(s.zalo_bot_token))

    def add_routes(self, web_app: web.Application) -> None:
        """Webhook routes; call before the server starts (aiohttp freezes its router)."""
        s = self._settings
        if self.oa is not None:
            hook = OAWebhook(self.oa.accept, s.zalo_oa_app_id, _secret(s.zalo_oa_secret_key),
                             s.zalo_signature_max_age)
            web_app.router.add_post(OA_PATH, hook.handle)
        if self.bot is not None and s.zalo_bot_mode == "webhook":
            hook = BotWebhook(self.bot.accept, _secret(s.zalo_bot_webhook_secret))
            web_app.router.add_post(BOT_PATH, hook.handle)

    async def start(self) -> None:
        """The OA webhook is registered in Zalo's console; the Bot Platform's is set here."""
        if self.oa is not None:
            self._tasks.append(asyncio.create_task(self._keep_tokens_fresh()))
            log.info("zalo oa ready", extra={"path": OA_PATH})
        if self.bot is not None:
            await self._start_bot()

    async def _start_bot(self) -> None:
        s, client = self._settings, self.bot_client()
        if s.zalo_bot_mode == "webhook":
            await client.set_webhook(f"{s.public_url}{BOT_PATH}", _secret(s.zalo_bot_webhook_secret))
            log.info("zalo bot webhook set")
            return
        await client.delete_webhook()
        self._tasks.append(asyncio.create_task(self.bot.poll(self._stop)))
        log.info("zalo bot polling started")

    async def _keep_tokens_fresh(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tokens.access_token()
            except (ZaloApiError, ZaloUnavailable) as error:
                log.error("zalo oa token check failed", extra={"error": str(error)[:120]})
            except Exception:
                log.exception("zalo oa token check failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), TOKEN_CHECK_SECONDS)

    async def stop(self) -> None:
        """Stop taking work, finish what is in flight, close connections."""
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for channel in (self.oa, self.bot):
            if channel is not None:
                await channel.work.close()
        await self.http.close()
