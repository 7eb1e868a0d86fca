"""`python -m bot run` as a real process: kill -9 and restart, clean stop, settings errors."""
from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from handlers.domain import SubscriberStatus
from tests.conftest import ROOT
from tests.e2e.harness import button, free_port
from tests.fakes.botapi.server import FakeBotApi

RESIDENT = 8123


def has(text: str):
    return lambda message: text in (message.text or "")


async def start_bot(api, database_url: str, log) -> asyncio.subprocess.Process:
    """The bot as a process; its logs go to a file (a full pipe would block it)."""
    env = {**os.environ, "BOT_DATABASE_URL": database_url, "BOT_TELEGRAM_TOKEN": api.token,
           "BOT_TELEGRAM_API_URL": api.url, "BOT_HTTP_PORT": str(free_port()),
           "BOT_LOG_LEVEL": "DEBUG", "BOT_SECRET_KEY": "process-test-key"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=log, stderr=log)
    before = len([c for c in api.calls if c.method.lower() == "deletewebhook"])
    for _ in range(300):
        # start_polling deletes the webhook just before its first getUpdates
        if len([c for c in api.calls if c.method.lower() == "deletewebhook"]) >= before + 2:
            return process
        if process.returncode is not None:
            raise AssertionError(f"bot process exited with {process.returncode}")
        await asyncio.sleep(0.05)
    process.kill()
    raise AssertionError("bot process did not start polling")


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def test_killed_process_restarts_and_the_conversation_continues(app, database_url, api,
                                                                      tmp_path):
    first = await start_bot(api, database_url, (tmp_path / "first.log").open("wb"))
    api.user_sends(RESIDENT, "/start")
    await api.wait_for(RESIDENT, has("Bạn đang sống ở xã"), timeout=15)
    api.user_sends(RESIDENT, "song van")
    topics = await api.wait_for(RESIDENT, has("chủ đề nào"), timeout=15)
    first.send_signal(signal.SIGKILL)
    await first.wait()

    second = await start_bot(api, database_url, (tmp_path / "second.log").open("wb"))
    api.user_presses(RESIDENT, topics.message_id, button(topics, "Xong"))
    done = await api.wait_for(RESIDENT, has("Đăng ký xong"), timeout=15)
    assert "Xã Song Vân" in done.text
    second.send_signal(signal.SIGTERM)                      # a clean stop
    await asyncio.wait_for(second.wait(), 30)
    assert second.returncode == 0
    logs = (tmp_path / "second.log").read_text(encoding="utf-8")
    assert api.token not in logs and api.token.split(":")[1] not in logs
    assert '"event": "stopping"' in logs
    async with app.uow() as uow:
        sub = await uow.subscribers.get("telegram", str(RESIDENT))
    assert sub.status is SubscriberStatus.ACTIVE


@pytest.mark.parametrize("variable,value,expected", [
    ("BOT_HTTP_PORT", "eighty", "BOT_HTTP_PORT"),
    ("BOT_TELEGRAM_MODE", "carrier-pigeon", "BOT_TELEGRAM_MODE"),
    ("BOT_DATABASE_URL", "mysql://x", "BOT_DATABASE_URL"),
])
async def test_malformed_setting_stops_with_one_clear_line(variable, value, expected):
    env = {**os.environ, variable: value}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 1
    assert len(lines) == 1 and lines[0].startswith(f"configuration error: {expected}:")


async def test_webhook_mode_without_secret_is_refused():
    env = {**os.environ, "BOT_TELEGRAM_TOKEN": "1:x", "BOT_TELEGRAM_MODE": "webhook",
           "BOT_PUBLIC_URL": "https://bot.example"}
    env.pop("BOT_TELEGRAM_WEBHOOK_SECRET", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert "BOT_TELEGRAM_WEBHOOK_SECRET is required" in err.decode()
