"""Run the real bot (`bot.runner.run`) with its Zalo channels against the fake Zalo servers."""
from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

import aiohttp
from sqlalchemy import select

from bot.app import build_app
from bot.runner import run
from storage.tables.core import LedgerRow, ProcessedUpdateRow, SubscriberRow
from storage.tables.zalo import ZaloInteractionRow
from tests.conftest import make_settings
from tests.e2e.harness import free_port

BOT_SECRET = "zalo-bot-webhook-secret_42"


def oa_settings(oa, tokens: tuple[str, str] | None) -> dict:
    access, refresh = tokens or ("", oa.refresh_token)
    return dict(zalo_oa_app_id=oa.app_id, zalo_oa_app_secret=oa.app_secret,
                zalo_oa_secret_key=oa.secret_key, zalo_oa_access_token=access or None,
                zalo_oa_refresh_token=refresh, zalo_oa_api_url=oa.url, zalo_oauth_url=oa.url)


def bot_settings(bot, mode: str) -> dict:
    return dict(zalo_bot_token=bot.token, zalo_bot_api_url=bot.url, zalo_bot_mode=mode,
                zalo_bot_webhook_secret=BOT_SECRET if mode == "webhook" else None)


@asynccontextmanager
async def running_zalo(database_url: str, *, oa=None, tokens=None, bot=None,
                       bot_mode: str = "polling", **overrides):
    """Start `run()` in this loop with the given fakes configured; stop it afterwards."""
    port = free_port()
    values = dict(http_port=port, public_url=f"http://127.0.0.1:{port}")
    if oa is not None:
        values.update(oa_settings(oa, tokens))
        oa.webhook_url = f"http://127.0.0.1:{port}/zalo/oa/webhook"
    if bot is not None:
        values.update(bot_settings(bot, bot_mode))
    values.update(overrides)
    app = build_app(make_settings(database_url, **values))
    stop = asyncio.Event()
    task = asyncio.create_task(run(app, stop))
    try:
        await _until_ready(port, task, bot, bot_mode)
        app.http_port = port
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _until_ready(port: int, task: asyncio.Task, bot, bot_mode: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            if task.done():
                task.result()
            if await _listening(http, port) and _bot_ready(bot, bot_mode):
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the bot did not start")


async def _listening(http: aiohttp.ClientSession, port: int) -> bool:
    try:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


def _bot_ready(bot, mode: str) -> bool:
    if bot is None:
        return True
    if mode == "webhook":
        return bot.webhook is not None
    return any(call.path == "getUpdates" for call in bot.calls)


def number_of(sent, label_part: str) -> str:
    """The number in front of a numbered choice ('3. ⬜ Ma túy') whose label contains the text."""
    for line in sent.text.splitlines():
        match = re.match(r"^(\d+)\. (.*)$", line)
        if match and label_part in match.group(2):
            return match.group(1)
    raise AssertionError(f"no numbered choice {label_part!r} in {sent.text!r}")


async def rows(app, column, *where):
    async with app.uow() as uow:
        return list(await uow.session.scalars(select(column).where(*where)))


async def ledger(app) -> list[str]:
    async with app.uow() as uow:
        return list(await uow.session.scalars(select(LedgerRow.kind).order_by(LedgerRow.id)))


async def footprint(app, channel: str) -> dict:
    """Everything a Zalo event could have left in the database for this channel."""
    return {"updates": await rows(app, ProcessedUpdateRow.update_id,
                                  ProcessedUpdateRow.channel == channel),
            "subscribers": await rows(app, SubscriberRow.user_id, SubscriberRow.channel == channel),
            "interactions": await rows(app, ZaloInteractionRow.user_id,
                                       ZaloInteractionRow.channel == channel),
            "ledger": await ledger(app)}


def labels(sent) -> list[str]:
    """The choices a message offers: its OA buttons, or its numbered lines."""
    if sent.buttons:
        return [button["title"] for button in sent.buttons]
    return [m.group(2) for m in (re.match(r"^(\d+)\. (.*)$", line)
                                 for line in sent.text.splitlines()) if m]


async def choose(oa, sent, label_part: str) -> None:
    """Pick a choice as a person would on the OA: tap its button, or type its number."""
    if sent.buttons:
        await oa.user_taps(sent, label_part)
    else:
        await oa.user_sends(sent.user_id, number_of(sent, label_part))
