"""Helpers for the broadcast tests over HTTP: the real bot against the fake Bot API server."""
from __future__ import annotations

import asyncio
import time

from tests.e2e.broadcasts.people import broadcast_row
from tests.e2e.harness import button, running_bot

FAST = dict(broadcast_tick=0.2, broadcast_status_every=0.3, broadcast_lease=2.0,
            broadcast_rate=40.0)


def bot(database_url, api, **overrides):
    """`run()` in this loop with the broadcast engine's clocks shortened for tests."""
    return running_bot(database_url, api, **{**FAST, **overrides})


def has(text: str):
    return lambda message: text in (message.text or "")


def deliveries(api, chat_id: int, text: str) -> list:
    """Bot messages in a chat carrying ``text`` (as text or caption)."""
    return [m for m in api.messages_to(chat_id) if text in (m.text or "")]


async def until_status(app, broadcast_id: int, *statuses: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = await broadcast_row(app, broadcast_id)
        if row is not None and row.status in statuses:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"broadcast {broadcast_id} not {statuses}: {row and row.status}")


async def until(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def press(api, user_id: int, message, label: str):
    """Press a button, and return the next bot message in that chat."""
    mark = api.mark()
    api.user_presses(user_id, message.message_id, button(message, label))
    return await api.wait_for(user_id, since=mark, timeout=10)


async def greet(api, user_id: int) -> None:
    """A first message from someone made straight in the database: the bot welcomes them back."""
    api.user_sends(user_id, "/start")
    await api.wait_for(user_id, has("Chào mừng bạn quay lại"), timeout=10)
