"""`python -m bot chat` driven through stdin/stdout, as a person at a terminal would."""
from __future__ import annotations

import asyncio
import os
import sys

from handlers.domain import SubscriberStatus
from tests.conftest import ROOT, make_settings


async def chat(database_url: str, lines: list[str], user: str = "demo") -> str:
    env = {**os.environ, "BOT_DATABASE_URL": database_url, "BOT_TELEGRAM_TOKEN": ""}
    env.pop("BOT_TELEGRAM_TOKEN")
    # The key of the test's own app, as every process of one deployment shares one key
    # (dialogue states and tipster links are sealed with it).
    env.setdefault("BOT_SECRET_KEY", make_settings(database_url).secret_key.get_secret_value())
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", "--user", user, cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(
        process.communicate("".join(f"{line}\n" for line in lines).encode()), 60)
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in out.decode() + err.decode()
    return out.decode()


async def test_console_onboarding_reading_and_unsubscribing(app, database_url):
    out = await chat(database_url, ["tt cao thuong", "xong", "3", "1", "1", "/huy", "1"])
    assert "KHÔNG phải đường dây khẩn cấp" in out
    assert "  1. Cao Thượng" in out                      # buttons shown as numbered options
    assert "Đã chọn Thị trấn Cao Thượng" in out
    assert "Đăng ký xong!" in out
    assert "📚 Thư viện bản tin. Chọn một chủ đề" in out
    assert "📌 " in out                                  # a bulletin was read
    assert "Đã hủy" in out
    async with app.uow() as uow:
        sub = await uow.subscribers.get("console", "demo")
    assert sub.status is SubscriberStatus.UNSUBSCRIBED


async def test_console_conversation_continues_after_restart(app, database_url):
    await chat(database_url, ["an duong"])               # stops at the topics step
    out = await chat(database_url, ["xong"])             # a new process picks it up
    assert "Đăng ký xong!" in out
    assert "Địa bàn: Xã An Dương." in out
