"""The console is a delivery channel (issue 10): a bulletin an officer sends from the terminal
reaches the console's subscribers, and the figures say 1/1, not "0/0"."""
from __future__ import annotations

import asyncio
import os
import sys

from sqlalchemy import select

from storage.tables.broadcasts import BroadcastRow, OutboxRow
from tests.conftest import ROOT
from tests.e2e.test_console import chat
from tests.e2e.test_console_officer import OFFICER, console_officer

BULLETIN = "Cảnh báo: giả danh công an gọi điện yêu cầu chuyển tiền"


async def chat_until(database_url: str, lines: list[str], seen: str, user: str) -> str:
    """A console session that stays open (as a person at the prompt) until `seen` is shown."""
    env = {**os.environ, "BOT_DATABASE_URL": database_url}
    env.pop("BOT_TELEGRAM_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", "--user", user, cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(f"{line}\n" for line in lines).encode())
    out = b""
    try:
        async with asyncio.timeout(60):
            while seen.encode() not in out:
                chunk = await process.stdout.read(4096)
                assert chunk, f"the session ended without showing {seen!r}: {out.decode()}"
                out += chunk
    finally:
        process.stdin.write(b"/thoat\n")
        rest, err = await process.communicate()
    text = (out + rest).decode()
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in text + err.decode()
    return text


async def cli(database_url: str, *args: str) -> str:
    env = {**os.environ, "BOT_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_bulletin_sent_at_the_console_reaches_a_console_subscriber(
        app, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("BOT_SECRET_KEY", app.settings.secret_key.get_secret_value())
    monkeypatch.setenv("BOT_FILES_DIR", str(tmp_path / "files"))
    await chat(database_url, ["tt cao thuong", "xong"], user="resident")
    await console_officer(app)
    out = await chat(database_url, [
        "/phatcanhbao", BULLETIN, "khong kem anh", "lua dao", "tiep", "tiep", "1",
        "gui ngay", "24 gio", "1"], user=OFFICER)
    assert "chưa có kênh" not in out
    # The resident opens the chat later: the bulletin is waiting for them.
    seen = await chat_until(database_url, [], "📬", user="resident")
    assert "📬 Cảnh báo mới gửi tới bạn:" in seen
    assert BULLETIN in seen
    assert "/tobao" in seen                  # how to send a tip about it, typed
    async with app.uow() as uow:
        deliveries = list(await uow.session.execute(
            select(OutboxRow.channel, OutboxRow.chat_id, OutboxRow.state)))
        state, broadcast_id = (await uow.session.execute(
            select(BroadcastRow.status, BroadcastRow.id))).one()
    assert deliveries == [("console", "resident", "sent")]
    assert state in ("running", "done")
    status = await cli(database_url, "broadcast", "status", str(broadcast_id))
    assert "✅ Đã gửi: 1/1" in status                 # not "0/0"
    # Shown once: the next session does not repeat it.
    again = await chat(database_url, ["menu"], user="resident")
    assert "📬" not in again
