"""The monthly digest: last month's figures for the whole area, sent to the command's chat."""
from __future__ import annotations

import logging
from datetime import datetime

from handlers.domain import Role
from handlers.messages import Message
from handlers.statistics.labels import Labels
from handlers.statistics.narrative import summary
from handlers.statistics.period import local_today, named

log = logging.getLogger(__name__)


async def digest_targets(app) -> list[str]:
    """Telegram chat ids named by BOT_REPORT_DIGEST ("command": every command member)."""
    setting = app.settings.report_digest
    if setting == "off":
        return []
    if setting == "command":
        async with app.uow() as uow:
            members = await uow.members.all()
        return [m.user_id for m in members
                if m.active and m.role is Role.COMMAND and m.channel == "telegram"]
    return [target.split(":", 1)[1].strip() for target in setting.split(",") if target.strip()]


async def digest_message(app, now: datetime | None = None) -> Message:
    from bot.report import chart

    labels = Labels(app.catalog)
    period = named("last_month", local_today(now))
    async with app.uow() as uow:
        figures = await uow.statistics.figures(period, None)
    text = "\n".join([labels.t("stats.digest.title", period=labels.period(period)),
                      summary(figures, labels)])
    return Message(text=text, image=await chart(figures, labels))


async def send_digest(app, bot=None, now: datetime | None = None) -> int:
    """Send the digest to every target; returns how many chats got it. `bot` defaults to a
    python-telegram-bot Bot built from the settings (the scheduler has no Application)."""
    targets = await digest_targets(app)
    if not targets or (bot is None and app.settings.telegram_token is None):
        return 0
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.telegram.channel import send_with_image

    message = await digest_message(app, now)
    root = app.settings.telegram_api_url
    bot = bot or Bot(app.settings.telegram_token.get_secret_value(), base_url=f"{root}/bot",
                     base_file_url=f"{root}/file/bot")
    sent = 0
    async with bot:
        for chat_id in targets:
            try:
                await send_with_image(bot, chat_id, message)
                sent += 1
            except TelegramError as error:       # one unreachable chat must not stop the rest
                log.warning("digest not delivered", extra={"error": str(error)[:200]})
    return sent
