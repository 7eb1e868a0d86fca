"""Several `python -m bot run` processes on one database: one drain at a time, takeover on death."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import pytest

from storage.outboxes.lease import DrainLease
from tests.e2e.broadcasts.people import broadcast, resident
from tests.e2e.broadcasts.telegram import until, until_status
from tests.conftest import ROOT
from tests.e2e.harness import free_port
from tests.fakes.botapi.server import FakeBotApi

RATE, LEASE = 20.0, 2.0
TEXT = "Cảnh báo: giả mạo tin nhắn ngân hàng"


async def start(api, database_url: str, log_path) -> asyncio.subprocess.Process:
    port = free_port()
    env = {**os.environ, "BOT_DATABASE_URL": database_url, "BOT_TELEGRAM_TOKEN": api.token,
           "BOT_TELEGRAM_API_URL": api.url, "BOT_HTTP_PORT": str(port),
           "BOT_TELEGRAM_MODE": "webhook", "BOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "BOT_TELEGRAM_WEBHOOK_SECRET": "two-processes", "BOT_LOG_LEVEL": "INFO",
           "BOT_BROADCAST_RATE": str(RATE), "BOT_BROADCAST_LEASE": str(LEASE),
           "BOT_BROADCAST_TICK": "0.3", "BOT_BROADCAST_STATUS_EVERY": "1"}
    log = open(log_path, "w")
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT,
                                                   env=env, stdout=log, stderr=log)
    for _ in range(300):
        if "telegram webhook set" in log_path.read_text():
            return process
        if process.returncode is not None:
            raise AssertionError(log_path.read_text())
        await asyncio.sleep(0.05)
    process.kill()
    raise AssertionError("bot did not start: " + log_path.read_text())


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times)),
               default=0)


async def test_two_processes_drain_one_at_a_time_and_take_over_on_death(app, database_url,
                                                                        tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL; SQLite serves "
                    "one process (set BOT_TEST_DATABASE_URL to run this)")
    users = list(range(7000, 7150))
    async with FakeBotApi(global_rate=RATE + 5, global_burst=5, per_chat_rate=1.0) as api:
        for user in users:
            await resident(app, user)
            api.add_user(user)
        first = await start(api, database_url, tmp_path / "first.log")
        second = await start(api, database_url, tmp_path / "second.log")
        processes = {first.pid: first, second.pid: second}
        try:
            broadcast_id = await broadcast(app, TEXT)
            await until(lambda: _sent(api, 40), what="40 copies sent")
            holder = await DrainLease(app.engine, "telegram", "test", LEASE).holder_now()
            victim = processes.pop(int(holder.split(":")[1]))
            victim.send_signal(signal.SIGKILL)                   # kill -9 the holder
            killed_at = time.monotonic()
            await victim.wait()
            await until(lambda: _sent_since(api, killed_at), what="the other process sends")
            takeover = min(c.at for c in api.calls_of("sendMessage") if c.at > killed_at)
            await until_status(app, broadcast_id, "finished", timeout=30)
        finally:
            for process in [*processes.values()]:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 30)
    sends = [c for c in api.calls_of("sendMessage") if c.status == 200]
    got = {u: len([m for m in api.messages_to(u) if TEXT in (m.text or "")]) for u in users}
    assert all(n >= 1 for n in got.values())                         # nothing lost
    assert sum(got.values()) - len(users) <= 8                     # repeats: sends in flight
    assert api.count_429 == 0                                       # never over the limit
    assert busiest_second([c.at for c in sends]) <= RATE + 3        # one drain's pace, not two
    assert takeover - killed_at < LEASE + 3                         # taken over within seconds
    taken = [line for name in ("first.log", "second.log")
             for line in (tmp_path / name).read_text().splitlines()
             if '"drain lease taken"' in line and '"channel": "telegram"' in line]
    assert len(taken) == 2                       # Telegram's lease once each: before, after


async def _sent(api, count: int) -> bool:
    return len(api.calls_of("sendMessage")) >= count


async def _sent_since(api, moment: float) -> bool:
    return any(c.at > moment for c in api.calls_of("sendMessage"))


def test_a_dead_holder_on_this_host_is_recognised():
    import socket
    import subprocess

    from bot.broadcasting.supervisor import dead_here, holder_name
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = socket.gethostname()[:60]
    assert dead_here(f"{host}:{gone.pid}:abc")
    assert not dead_here(holder_name())                              # this very process
    assert not dead_here(f"{host}:1:abc")                            # alive (init)
    assert not dead_here(f"elsewhere:{gone.pid}:abc")                # another host: wait
