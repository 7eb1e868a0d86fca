"""Run the real bot (python-telegram-bot over HTTP) against the fake Bot API server."""
from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager

from bot.app import build_app
from bot.runner import run
from tests.conftest import make_settings

SECRET = "e2e-webhook-secret_123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def running_bot(database_url: str, api, *, mode: str = "polling", **overrides):
    """Start `run()` in this event loop, wait until it listens for updates, stop it after."""
    port = free_port()
    settings = make_settings(
        database_url, telegram_token=api.token, telegram_api_url=api.url, telegram_mode=mode,
        http_port=port, public_url=f"http://127.0.0.1:{port}",
        telegram_webhook_secret=SECRET if mode == "webhook" else None, **overrides)
    app = build_app(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(run(app, stop))
    try:
        await _until_ready(api, mode, task)
        app.http_port = port
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _until_ready(api, mode: str, task: asyncio.Task) -> None:
    for _ in range(200):
        if task.done():
            task.result()
        methods = [call.method.lower() for call in api.calls]
        if mode == "webhook" and api.webhook:
            return
        if mode == "polling" and methods.count("deletewebhook") >= 2:
            return     # start_polling deletes the webhook just before its first getUpdates
        await asyncio.sleep(0.05)
    raise AssertionError(f"bot did not start; calls: {[c.method for c in api.calls]}")


def buttons(message) -> dict[str, str]:
    """Inline buttons of a bot message as {label: callback_data}."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


def button(message, label_part: str) -> str:
    for label, data in buttons(message).items():
        if label_part in label:
            return data
    raise AssertionError(f"no button {label_part!r} in {list(buttons(message))}")


def keyboard(message) -> list[str]:
    rows = (message.reply_markup or {}).get("keyboard", [])
    return [b["text"] if isinstance(b, dict) else b for row in rows for b in row]
