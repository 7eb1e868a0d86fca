"""The monthly digest: last month's figures for the whole area, sent to the command's chat."""
from __future__ import annotations

import logging
from datetime import datetime

from handlers.domain import Role
from handlers.messages import Document, Message
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


async def digest_messages(app, now: datetime | None = None) -> list[Message]:
    """The summary with its chart, then the report as Word and Excel files."""
    from bot.report import chart, report_file

    labels = Labels(app.catalog)
    period = named("last_month", local_today(now))
    async with app.uow() as uow:
        figures = await uow.statistics.figures(period, None)
    text = "\n".join([labels.t("stats.digest.title", period=labels.period(period)),
                      summary(figures, labels)])
    messages = [Message(text=text, image=await chart(figures, labels))]
    for fmt in ("docx", "xlsx"):
        body, name = await report_file(figures, labels, fmt)
        messages.append(Message(text=labels.t(f"stats.files.caption.{fmt}",
                                              period=labels.period(period)),
                                document=Document(body, name)))
    return messages


async def send_digest(app, bot=None, now: datetime | None = None) -> int:
    """Send the digest to every target; returns how many chats got it. `bot` defaults to a
    python-telegram-bot Bot built from the settings (the scheduler has no Application)."""
    targets = await digest_targets(app)
    if not targets or (bot is None and app.settings.telegram_token is None):
        return 0
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.telegram.channel import send_with_image
    from bot.telegram.documents import send_with_document

    messages = await digest_messages(app, now)
    root = app.settings.telegram_api_url
    bot = bot or Bot(app.settings.telegram_token.get_secret_value(), base_url=f"{root}/bot",
                     base_file_url=f"{root}/file/bot")
    sent = 0
    async with bot:
        for chat_id in targets:
            try:
                for message in messages:
                    send = send_with_document if message.document else send_with_image
                    await send(bot, chat_id, message)
                sent += 1
            except TelegramError as error:       # one unreachable chat must not stop the rest
                log.warning("digest not delivered", extra={"error": str(error)[:200]})
    return sent
