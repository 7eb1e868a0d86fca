"""Broadcast engine benchmark: the real bot against the fake Bot API, Telegram limits scaled x10.

    pip install -e '.[test,bench]'
    python benchmarks/broadcast_benchmark.py [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]

The fake server answers 429 with retry_after above 300 messages/s per bot or 1/s per chat (burst
3). Side by side, on fresh databases: the engine (`python -m bot run`, BOT_BROADCAST_RATE=250,
i.e. Telegram's 25 of 30 scaled, within BOT_TELEGRAM_ACCOUNT_RATE=290 shared with the residents'
replies), (a) a plain python-telegram-bot loop that sleeps on RetryAfter,
(b) AIORateLimiter(overall_max_rate=300) with asyncio.gather. Each sends one bulletin to 3,000
recipients of whom 5% blocked the bot, once straight and once killed (SIGKILL) half-way and
restarted. Then the fan-out of 200,000 subscribers (enqueue only), on SQLite and PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GLOBAL, RATE, RECIPIENTS = 300.0, 250.0, 3000
SEED_DIRECTORY = ROOT / "config" / "units" / "tan-yen.yaml"   # Cao Thượng is one of its communes
ACCOUNT = 290.0   # the bot's whole budget: bulletins, notifications and replies, under the limit
TEXT = "Cảnh báo: kẻ gian giả danh công an gọi điện yêu cầu chuyển tiền. Không làm theo!"


# ----------------------------------------------------------------- databases and people
async def fresh_database(kind: str, pg: str, work: Path) -> str:
    """A migrated, seeded database (units, topics, library) of ``kind``; returns its URL."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{work / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    else:
        name = f"antt_bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(pg, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        url = pg.rsplit("/", 1)[0] + "/" + name
    from bot.app import build_app, prepare_database
    from config.settings import Settings
    app = build_app(Settings(_env_file=None, database_url=url, secret_key_file=work / "key",
                             units_file=SEED_DIRECTORY))
    await prepare_database(app)
    await app.close()
    return url


async def add_residents(url: str, first: int, count: int) -> list[int]:
    """Active subscribers of 'fraud' in Cao Thượng, inserted in bulk."""
    from sqlalchemy import insert, select

    from storage.db import make_engine
    from storage.tables.core import SubscriberRow, SubscriberTopicRow, UnitRow
    engine, now = make_engine(url), datetime.now(timezone.utc)
    async with engine.begin() as conn:
        unit = await conn.scalar(select(UnitRow.id).where(UnitRow.slug == "cao-thuong"))
        for start in range(first, first + count, 20_000):
            users = range(start, min(start + 20_000, first + count))
            await conn.execute(insert(SubscriberRow), [dict(
                channel="telegram", user_id=str(u), language="vi", unit_id=unit,
                status="active", created_at=now, updated_at=now) for u in users])
        ids = await conn.scalars(select(SubscriberRow.id).where(SubscriberRow.id > 0))
        await conn.execute(insert(SubscriberTopicRow), [dict(subscriber_id=i, topic="fraud")
                                                        for i in ids])
    await engine.dispose()
    return list(range(first, first + count))


async def new_broadcast(url: str) -> int:
    from broadcasts.model import Draft, Status, stored_fields
    from storage.db import make_engine
    from storage.uow import SqlUnitOfWorkFactory
    engine = make_engine(url)
    async with SqlUnitOfWorkFactory(engine)() as uow:
        unit = await uow.units.by_slug("cao-thuong")
        now = datetime.now(timezone.utc)
        draft = Draft(text=TEXT, topics=["fraud"], unit_ids=[unit.id], start=now)
        new_id = await uow.broadcasts.create(stored_fields(draft, now, sender="cli",
                                                           member_id=None,
                                                           status=Status.SCHEDULED))
        await uow.commit()
    await engine.dispose()
    return new_id


async def outbox_states(url: str, broadcast_id: int) -> Counter:
    from sqlalchemy import func, select

    from storage.tables.broadcasts import OutboxRow
    from storage.db import make_engine
    engine = make_engine(url)
    async with engine.connect() as conn:
        rows = await conn.execute(select(OutboxRow.state, func.count()).where(
            OutboxRow.broadcast_id == broadcast_id).group_by(OutboxRow.state))
        states = Counter(dict(rows.all()))
    await engine.dispose()
    return states


def fake_api(users: list[int], blocked: set[int]):
    from tests.fakes.botapi.server import FakeBotApi
    api = FakeBotApi(global_rate=GLOBAL, per_chat_rate=1.0)
    for user in users:
        api.add_user(user)
    for user in blocked:   # blocked without a my_chat_member update: only a send finds out
        api._ensure_user(user)["blocked"] = True
    return api


# ----------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start_bot(api, url: str, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "BOT_DATABASE_URL": url, "BOT_TELEGRAM_TOKEN": api.token,
           "BOT_TELEGRAM_API_URL": api.url, "BOT_HTTP_PORT": str(free_port()),
           "BOT_LOG_LEVEL": "INFO", "BOT_BROADCAST_RATE": str(RATE), "BOT_BROADCAST_TICK": "0.5",
           "BOT_TELEGRAM_ACCOUNT_RATE": str(ACCOUNT), "BOT_UNITS_FILE": str(SEED_DIRECTORY),
           "BOT_SECRET_KEY_FILE": str(log.parent / "key"),
           "BOT_BROADCAST_CONCURRENCY": os.environ.get("BENCH_CONCURRENCY", "8")}
    with open(log, "a") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=out, stderr=out)
    await until(lambda: "drain lease taken" in log.read_text(), 60, process)
    return process


async def start_baseline(kind: str, api, users: list[int], log: Path):
    chats = log.with_suffix(".json")
    chats.write_text(json.dumps(users))
    with open(log, "a") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, __file__, "baseline", kind, api.url, api.token, str(chats),
            cwd=ROOT, stdout=out, stderr=out)


async def until(check, timeout: float, process=None) -> None:
    """Wait for ``check()`` (a bool or an awaitable bool) to come true."""
    deadline = time.monotonic() + timeout
    while not await _value(check()):
        if process is not None and process.returncode is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step timed out")
        await asyncio.sleep(0.05)


async def _value(result) -> bool:
    return await result if asyncio.iscoroutine(result) else result


def cpu_seconds(process) -> float:
    """User + system CPU seconds the process has used so far (Linux /proc; nan elsewhere)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def delivered(api) -> int:
    return sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 200
               and TEXT in str(c.params.get("text", "")))


# ----------------------------------------------------------------- one scenario
async def scenario(name: str, db: str | None, kill: bool, work: Path, pg: str) -> dict:
    """One sender, 3,000 recipients, 5% blocked; optionally SIGKILL at half and restart."""
    url = await fresh_database(db or "sqlite", pg, work)
    users = await add_residents(url, 10_000_000, RECIPIENTS)
    blocked = set(random.Random(4).sample(users, RECIPIENTS // 20))
    api, log, info = fake_api(users, blocked), work / f"{name}-{db}-{kill}.log", {}
    await api.start()
    process, cpu = None, 0.0
    try:
        start = (start_baseline(name, api, users, log) if name != "engine"
                 else start_bot(api, url, log))
        process = await start
        cpu -= cpu_seconds(process)   # not the start-up (imports, migrations)
        if name == "engine":
            broadcast_id = await new_broadcast(url)
            replies = asyncio.create_task(reply_times(api, users, blocked))
        if kill:
            await until(lambda: len(api.calls_of("sendMessage")) >= RECIPIENTS // 2, 120)
            info["in_flight_at_kill"] = api._inflight     # requests the server was serving
            cpu += cpu_seconds(process)
            process.send_signal(signal.SIGKILL)
            await process.wait()
            if name == "engine":
                info["rows_sending_at_kill"] = (await outbox_states(url, broadcast_id))["sending"]
            process = await (start_baseline(name, api, users, log) if name != "engine"
                             else start_bot(api, url, log))
            cpu -= cpu_seconds(process)
        if name == "engine":
            await until(lambda: finished(url, broadcast_id), 300)
            info["reply_p95_s"], info["reply_max_s"] = await replies
        else:
            await asyncio.wait_for(process.wait(), 300)
        if process.returncode is None:
            cpu += cpu_seconds(process)
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 60)
        figures = measure(api, users, blocked)
        if name == "engine":   # the sender's own CPU per delivered message: robust on a busy machine
            figures["cpu_ms_per_msg"] = round(1000 * cpu / max(1, figures["delivered"]), 3)
        return {**figures, **info}
    finally:
        if process is not None and process.returncode is None:   # never leave a bot behind
            process.kill()
            await process.wait()
        await api.stop()


async def finished(url: str, broadcast_id: int) -> bool:
    """No row of the broadcast is pending or sending any more."""
    await asyncio.sleep(0.3)
    states = await outbox_states(url, broadcast_id)
    return bool(states) and states["pending"] + states["sending"] == 0


async def reply_times(api, users: list[int], blocked: set[int]) -> tuple[float, float]:
    """50 residents each send a command while the broadcast runs: seconds to their reply."""
    await until(lambda: delivered(api) >= 500, 60)
    askers = [u for u in users if u not in blocked][-50:]

    async def ask(user: int) -> float:
        mark, sent = api.mark(), time.monotonic()
        api.user_sends(user, "/khancap")
        await api.wait_for(user, lambda m: "113" in (m.text or ""), since=mark, timeout=60)
        return time.monotonic() - sent
    times = sorted(await asyncio.gather(*(ask(u) for u in askers)))
    return round(times[int(0.95 * len(times)) - 1], 3), round(times[-1], 3)


def measure(api, users: list[int], blocked: set[int]) -> dict:
    sends = [c for c in api.calls if c.method == "sendMessage"
             and TEXT in str(c.params.get("text", ""))]
    ok = [c for c in sends if c.status == 200]
    first, last = sends[0].at, ok[-1].at
    copies = Counter(int(c.params["chat_id"]) for c in ok)
    wanted = [u for u in users if u not in blocked]
    answered = [c for c in sends if c.status in (200, 403)]   # 403: blocked, still a request
    requests = (len(answered) - 1) / (max(c.at for c in answered) - first)
    return {"delivered": len(ok), "seconds": round(last - first, 2),
            "requests_per_s": round(requests, 1),
            "requests_vs_configured": round(requests / RATE, 3),
            "rate": round((len(ok) - 1) / (last - first), 1),
            "rate_vs_configured": round((len(ok) - 1) / (last - first) / RATE, 3),
            "rate_vs_limit": round((len(ok) - 1) / (last - first) / GLOBAL, 3),
            "429s": sum(1 for c in api.calls if c.status == 429),
            "429s_after_1s": sum(1 for c in api.calls if c.status == 429 and c.at > first + 1),
            "duplicates": sum(n - 1 for n in copies.values() if n > 1),
            "losses": sum(1 for u in wanted if copies[u] == 0)}


# ----------------------------------------------------------------- baselines (child processes)
async def baseline(kind: str, url: str, token: str, chats: Path) -> None:
    from telegram import Bot
    from telegram.error import RetryAfter, TelegramError
    users = json.loads(chats.read_text())
    if kind == "plain":
        async with Bot(token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot") as bot:
            for user in users:
                while True:
                    try:
                        await bot.send_message(user, TEXT)
                        break
                    except RetryAfter as error:
                        await asyncio.sleep(_seconds(error.retry_after))
                    except TelegramError:
                        break
        return
    from telegram.ext import AIORateLimiter, ApplicationBuilder
    app = (ApplicationBuilder().token(token).base_url(f"{url}/bot")
           .rate_limiter(AIORateLimiter(overall_max_rate=GLOBAL, overall_time_period=1))
           .build())
    async with app:
        await asyncio.gather(*(app.bot.send_message(u, TEXT) for u in users),
                             return_exceptions=True)


def _seconds(value) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


# ----------------------------------------------------------------- fan-out of 200,000
async def fanout(db: str, pg: str, work: Path, count: int) -> dict:
    url = await fresh_database(db, pg, work)
    await add_residents(url, 20_000_000, count)
    broadcast_id = await new_broadcast(url)
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "fanout-child", url, str(broadcast_id), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    out, _ = await child.communicate()
    return json.loads(out.decode().strip().splitlines()[-1])


def _memory(field: str) -> float:
    """MB from /proc/self/status (VmHWM: peak RSS of this process image; getrusage's
    ru_maxrss would carry the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def fanout_child(url: str, broadcast_id: int) -> None:
    from broadcasts.recurrence import next_occurrence
    from storage.repositories.broadcast_lifecycle import BroadcastLifecycle
    from storage.db import make_engine
    engine = make_engine(url)
    steps = BroadcastLifecycle(engine, next_occurrence)
    before = _memory("VmHWM")
    started = time.perf_counter()
    await steps.start_due(datetime.now(timezone.utc) + timedelta(seconds=1))
    rows = await steps.fan_out(["telegram"])
    seconds = time.perf_counter() - started
    peak = _memory("VmHWM")
    await engine.dispose()
    print(json.dumps({"rows": rows, "seconds": round(seconds, 2),
                      "peak_rss_mb": round(peak, 1), "rss_before_mb": round(before, 1)}))


# ----------------------------------------------------------------- main
async def main(args: argparse.Namespace) -> None:
    import logging
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)   # killed clients' resets
    work, results = Path(tempfile.mkdtemp(prefix="antt-bench-")), {}
    databases = ["sqlite"] + (["postgresql"] if args.pg else [])
    runs = [("engine", db) for db in databases] + [("plain", None), ("aiolimiter", None)]
    runs = [(n, db) for n, db in runs if not args.only or n in args.only]
    for kill in (False, True) if not args.no_kill else (False,):
        for name, db in runs:
            label = f"{name}{'/' + db if db else ''}{' killed+restarted' if kill else ''}"
            results[label] = await scenario(name, db, kill, work, args.pg)
            print(f"{label:38} {json.dumps(results[label])}", flush=True)
    for db in databases if args.fanout > 0 else ():   # --fanout 0 skips the fan-out step
        results[f"fan-out {args.fanout}/{db}"] = await fanout(db, args.pg, work, args.fanout)
        print(f"fan-out {args.fanout}/{db:28} {json.dumps(results[f'fan-out {args.fanout}/{db}'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "baseline":
        asyncio.run(baseline(sys.argv[2], sys.argv[3], sys.argv[4], Path(sys.argv[5])))
    elif len(sys.argv) > 1 and sys.argv[1] == "fanout-child":
        asyncio.run(fanout_child(sys.argv[2], int(sys.argv[3])))
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--pg", default="", help="PostgreSQL URL where databases may be made")
        parser.add_argument("--fanout", type=int, default=200_000)
        parser.add_argument("--json", help="also write the figures to this file")
        parser.add_argument("--only", nargs="*", help="engine, plain and/or aiolimiter")
        parser.add_argument("--no-kill", action="store_true", help="skip the SIGKILL runs")
        asyncio.run(main(parser.parse_args()))
