"""Telegram's command menu per person: officers and team members see their own commands in
the chat with the bot (BotCommandScopeChat), set when they join and again at start-up; a removed
member's chat goes back to the residents' menu (the default scope)."""
from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from handlers.command_menu import command_menu
from handlers.i18n import Catalog
from handlers.messages import Reply
from handlers.ports import StorageUnavailable, UnitOfWorkFactory

log = logging.getLogger(__name__)
CHANNEL = "telegram"


async def show_menu(bot: Bot, chat_id: int | str, commands: tuple[str, ...],
                    catalog: Catalog) -> None:
    """Put `commands` in this chat's menu, in every catalogue language."""
    scope = BotCommandScopeChat(_chat(chat_id))
    for lang in catalog.languages():
        menu = [BotCommand(c, catalog.t(lang, f"command.{c}")) for c in commands]
        code = None if lang == catalog.default else lang
        await bot.set_my_commands(menu, scope=scope, language_code=code)


async def reset_menu(bot: Bot, chat_id: int | str, catalog: Catalog) -> None:
    """Back to the default (residents') menu."""
    scope = BotCommandScopeChat(_chat(chat_id))
    for lang in catalog.languages():
        code = None if lang == catalog.default else lang
        await bot.delete_my_commands(scope=scope, language_code=code)


def _chat(chat_id: int | str) -> int | str:
    """Members' ids are stored as text; Telegram's chat ids are numbers."""
    text = str(chat_id)
    return int(text) if text.lstrip("-").isdigit() else text


async def after_reply(bot: Bot, chat_id: int | str, reply: Reply, catalog: Catalog) -> None:
    """A turn that gave the person a role (an invite redeemed) changes their menu now."""
    if reply.command_menu is None:
        return
    try:
        await show_menu(bot, chat_id, reply.command_menu, catalog)
    except TelegramError as error:
        log.warning("command menu not set", extra={"error": str(error)[:120]})


async def menus_at_start(bot: Bot, uow: UnitOfWorkFactory, catalog: Catalog) -> int:
    """Every Telegram member's chat gets their menu (a removed one the default): the menus
    follow the database even if a join's menu call failed or a member was removed by the CLI.
    Returns how many chats were set; a failure is logged and never stops the start."""
    try:
        async with uow() as work:
            members = [m for m in await work.members.all() if m.channel == CHANNEL]
    except StorageUnavailable:
        log.warning("command menus not set: storage unavailable")
        return 0
    done = 0
    for member in members:
        try:
            if member.active:
                await show_menu(bot, member.user_id, command_menu(member), catalog)
            else:
                await reset_menu(bot, member.user_id, catalog)
            done += 1
        except TelegramError as error:
            log.warning("command menu not set", extra={"error": str(error)[:120]})
    return done
