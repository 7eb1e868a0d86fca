"""`python -m bot run`: every configured channel, the HTTP server and the scheduler in one loop."""
from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.app import App, prepare_database
from bot.broadcasting.engine import Broadcasting
from bot.http import TELEGRAM_PATH, add_telegram_webhook, make_web_app
from bot.scheduler import add_digest_job, add_tip_jobs, make_scheduler

log = logging.getLogger(__name__)


async def run(app: App, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set), then shut down in reverse order."""
    settings = app.settings
    stop = stop or _stop_on_signals()
    await prepare_database(app)
    web_app = make_web_app(app.uow)
    application = None
    if settings.telegram_token is not None:
        from bot.telegram.channel import build_application

        webhook = settings.telegram_mode == "webhook"
        application = build_application(settings.telegram_token.get_secret_value(),
                                        settings.telegram_api_url, app.turns, app.presence,
                                        webhook=webhook,
                                        account_rate=settings.telegram_account_rate,
                                        kept=app.kept_file)
        if webhook:
            add_telegram_webhook(web_app, application,
                                 settings.telegram_webhook_secret.get_secret_value())
    elif not (settings.zalo_oa_enabled or settings.zalo_bot_enabled):
        log.warning("no channel configured: set BOT_TELEGRAM_TOKEN, or try `python -m bot chat`")
    zalo = None
    if settings.zalo_oa_enabled or settings.zalo_bot_enabled:   # Zalo (issue 6)
        from bot.zalo.channels import ZaloChannels
        from bot.zalo.conversation import ZaloTurns

        zalo = ZaloChannels(settings, ZaloTurns(app.turns, app.presence, app.uow, app.sealer,
                                                app.catalog))
        zalo.add_routes(web_app)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    scheduler = make_scheduler(app.uow)
    add_tip_jobs(scheduler, app)
    add_digest_job(scheduler, app)                  # monthly statistics (issue 5)
    broadcasting = Broadcasting(app, scheduler)     # broadcast engine (issue 4)
    scheduler.start()
    log.info("http server listening", extra={"host": settings.http_host,
                                              "port": settings.http_port})
    drains: list[asyncio.Task] = []
    try:
        if application is not None:
            await _start_telegram(app, application)
            drains.append(_telegram_notifications(app, application, stop))
            broadcasting.add_telegram(application.bot)
        if zalo is not None:
            await zalo.start()
            drains.extend(_zalo_notifications(app, zalo, stop))
            broadcasting.add_zalo(zalo)                 # bulletins on Zalo (issue 6)
        broadcasting.add_console()                      # console inboxes (issue 10)
        broadcasting.start()
        await stop.wait()
    finally:
        log.info("stopping")
        await broadcasting.stop()
        if drains:
            await asyncio.wait(drains, timeout=10)
        if zalo is not None:
            await zalo.stop()
        if application is not None:
            await _stop_telegram(application)
        scheduler.shutdown(wait=False)
        await runner.cleanup()
        await app.close()


async def _start_telegram(app: App, application) -> None:
    from bot.telegram.commands import menus_at_start

    settings = app.settings
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await menus_at_start(application.bot, app.uow, app.catalog)   # officers' command menus
    await application.start()
    if settings.telegram_mode == "webhook":
        await application.bot.set_webhook(
            url=f"{settings.public_url}{TELEGRAM_PATH}",
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"])
        log.info("telegram webhook set")
    else:
        await application.bot.delete_webhook()
        await application.updater.start_polling(
            allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"])
        log.info("telegram polling started")


def _telegram_notifications(app: App, application, stop: asyncio.Event) -> asyncio.Task:
    from bot.notifications import start_notification_drain
    from bot.telegram.notifier import TelegramNotificationSender

    def sender(outbox):
        return TelegramNotificationSender(application.bot, outbox, app.sealer,
                                          app.catalog.t(None, "tip.card.attachment_unsent"),
                                          kept=app.kept_file)
    return start_notification_drain(app, "telegram", sender, stop)


def _zalo_notifications(app: App, zalo, stop: asyncio.Event) -> list[asyncio.Task]:
    """One notifications drain per configured Zalo product ("zalo_oa", "zalo_bot")."""
    from bot.notifications import start_notification_drain
    from bot.zalo.notifier import notification_senders

    return [start_notification_drain(app, channel, sender, stop)
            for channel, sender in notification_senders(
                app, zalo, app.settings.zalo_rate).items()]


async def _stop_telegram(application) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def chat_with_engine(app, user_id: str) -> None:
    """The chat, with the broadcast engine's console drain beside it: a bulletin sent from
    this terminal reaches console subscribers (their inboxes) without `python -m bot run`."""
    from bot.console.chat import chat
    from bot.console.inbox import ConsoleInbox

    scheduler = make_scheduler(app.uow)
    broadcasting = Broadcasting(app, scheduler)
    broadcasting.add_console()
    scheduler.start()
    broadcasting.start()
    try:
        await chat(app.turns, user_id, files_dir=app.settings.files_dir,
                   inbox=ConsoleInbox(app.settings.files_dir))
    finally:
        await broadcasting.stop()
        scheduler.shutdown(wait=False)
