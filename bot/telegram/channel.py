"""The Telegram adapter: builds the python-telegram-bot Application and renders replies."""
from __future__ import annotations

import logging
from dataclasses import replace

from telegram import BotCommand, InputFile, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (Application, ApplicationBuilder, CallbackQueryHandler,
                          ChatMemberHandler, ContextTypes, MessageHandler, TypeHandler, filters)

from bot.telegram.commands import after_reply
from bot.telegram.concurrency import PerChatUpdates
from bot.telegram.documents import send_with_document
from bot.telegram.media import TEXT_LIMIT, KeptFiles, send_message
from bot.telegram.pacer import pacer_for
from bot.telegram.request import AiohttpRequest
from bot.telegram.translate import CHANNEL, markup, to_inbound
from bot.turns import Turns
from handlers.command_menu import RESIDENT_COMMANDS
from handlers.i18n import Catalog
from handlers.messages import Inbound, Kind, Message, Reply
from handlers.presence import Presence

log = logging.getLogger(__name__)


def build_application(token: str, api_url: str, turns: Turns, presence: Presence, *,
                      webhook: bool, account_rate: float = 30.0,
                      kept: KeptFiles | None = None) -> Application:
    """A python-telegram-bot Application pointed at `api_url` (BOT_TELEGRAM_API_URL); every
    request passes the account's pacer (`account_rate`: BOT_TELEGRAM_ACCOUNT_RATE)."""
    builder = (ApplicationBuilder().token(token)
               .base_url(f"{api_url}/bot").base_file_url(f"{api_url}/file/bot")
               .post_init(_post_init(turns.catalog))
               .rate_limiter(pacer_for(account_rate))   # one budget per bot account
               .request(AiohttpRequest())               # a leaner client for every send
               .concurrent_updates(PerChatUpdates()))   # people in parallel, each in order
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    adapter = TelegramAdapter(turns, presence, kept)
    # An update handed out again (polling after a crash, a webhook retried) is answered once:
    # the turn records its update_id in its own transaction (handlers.dialogue).
    application.add_handlers(adapter.handlers())
    application.add_error_handler(adapter.on_error)
    return application


def _post_init(catalog: Catalog):
    async def set_commands(application: Application) -> None:
        for lang in catalog.languages():
            commands = [BotCommand(c, catalog.t(lang, f"command.{c}")) for c in RESIDENT_COMMANDS]
            code = None if lang == catalog.default else lang
            await application.bot.set_my_commands(commands, language_code=code)
    return set_commands


class TelegramAdapter:
    """Translates updates, hands them to the turn pipeline, renders the reply."""

    def __init__(self, turns: Turns, presence: Presence, kept: KeptFiles | None = None) -> None:
        self._turns, self._presence, self._kept = turns, presence, kept

    def handlers(self) -> list:
        # Order matters: block notices first, then every private message or button press;
        # the catch-all last only logs what we deliberately ignore (groups, channels, polls).
        return [ChatMemberHandler(self.on_member, ChatMemberHandler.MY_CHAT_MEMBER),
                CallbackQueryHandler(self.on_update),
                MessageHandler(filters.ChatType.PRIVATE | filters.ChatType.GROUPS, self.on_update),
                TypeHandler(Update, self.on_ignored)]

    async def on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change.chat.type == ChatType.PRIVATE and \
                change.new_chat_member.status == ChatMemberStatus.BANNED:
            await self._presence.blocked(CHANNEL, str(change.from_user.id))

    async def on_ignored(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await _answer(update, "")
        log.debug("update ignored", extra={"update_id": update.update_id})

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = to_inbound(update)
        if inbound is None:
            await self.on_ignored(update, context)
            return
        await self.render(update, context, inbound, await self._turns.answer(inbound))

    async def render(self, update: Update, context, inbound: Inbound, reply: Reply) -> None:
        if inbound.kind is Kind.BUTTON:
            await _answer(update, reply.notice)
        messages = list(reply.messages)
        query_message = update.callback_query.message if update.callback_query else None
        if reply.edit and messages and query_message and not messages[0].menu \
                and not messages[0].attachments and not messages[0].image \
                and not messages[0].document:
            if await _edit(query_message, messages[0]):
                messages = messages[1:]
        chat_id = update.effective_chat.id
        try:
            for message in messages:
                if message.document:
                    await send_with_document(context.bot, chat_id, message)
                elif message.image:
                    await send_with_image(context.bot, chat_id, message)
                else:
                    await send_message(context.bot, chat_id, message, kept=self._kept)
            await after_reply(context.bot, chat_id, reply, self._turns.catalog)
        except Forbidden:
            if not inbound.in_group:
                await self._presence.blocked(CHANNEL, inbound.user_id)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram error", exc_info=context.error)


async def _answer(update: Update, notice: str) -> None:
    try:
        await update.callback_query.answer(text=notice[:200] or None)
    except BadRequest:
        pass   # the press is too old to answer; the reply below still reaches the person


async def _edit(query_message, message) -> bool:
    """Replace the pressed message in place; False if Telegram refused and we must send anew."""
    try:
        await query_message.edit_text(message.text[:TEXT_LIMIT], reply_markup=markup(message))
        return True
    except BadRequest as error:
        return "not modified" in error.message.lower()
    except TelegramError:
        return False


CAPTION_LIMIT = 1024     # Telegram's photo caption limit, in UTF-16 code units


async def send_with_image(bot, chat_id: int | str, message: Message):
    """A chart: the text as its caption when it fits, otherwise the photo, then the text."""
    fits = len(message.text.encode("utf-16-le")) // 2 <= CAPTION_LIMIT
    photo = InputFile(message.image, filename="chart.png")
    if fits:
        return await bot.send_photo(chat_id, photo, caption=message.text or None,
                                    reply_markup=markup(message),
                                    protect_content=message.protect)
    await bot.send_photo(chat_id, photo, protect_content=message.protect)
    return await send_message(bot, chat_id, replace(message, image=None))
