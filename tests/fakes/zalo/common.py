"""What both fake Zalo servers share: a loopback aiohttp server, a call log, sent messages,
and waiting for what a user would see."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

import aiohttp
from aiohttp import web


@dataclass
class Call:
    path: str
    ok: bool
    code: int = 0             # the error code answered (0 = success)
    params: dict = field(default_factory=dict)


@dataclass
class Sent:
    """A message the bot sent to a user, as the user would see it."""

    user_id: str
    text: str
    msg_id: str
    buttons: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    def button(self, title_part: str) -> dict:
        for button in self.buttons:
            if title_part in button["title"]:
                return button
        raise AssertionError(f"no button {title_part!r} in {[b['title'] for b in self.buttons]}")


Predicate = Callable[[Sent], bool] | str


class FakeServer:
    """Start/stop, the call log and the observation helpers; subclasses add the routes."""

    def __init__(self) -> None:
        self.url = ""
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self._cursor: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self._last_activity = time.monotonic()
        self.http: aiohttp.ClientSession | None = None

    def routes(self, app: web.Application) -> None:      # pragma: no cover - abstract
        raise NotImplementedError

    async def __aenter__(self):
        app = web.Application(client_max_size=8 * 1024 * 1024)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.http.close()
        await self._runner.cleanup()

    def touch(self) -> None:
        self._last_activity = time.monotonic()
        self._changed.set()

    def record(self, sent: Sent) -> None:
        self.sent.append(sent)
        self.touch()

    def messages_to(self, user_id: str) -> list[Sent]:
        return [m for m in self.sent if m.user_id == str(user_id)]

    async def wait_for(self, user_id: str, predicate: Predicate, timeout: float = 10.0) -> Sent:
        """The next message to the user (after the last one waited for) that matches."""
        user_id = str(user_id)
        match = (lambda m: predicate in m.text) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        while True:
            start = self._cursor.get(user_id, 0)
            mine = self.messages_to(user_id)
            for index in range(start, len(mine)):
                if match(mine[index]):
                    self._cursor[user_id] = index + 1
                    return mine[index]
            if time.monotonic() > deadline:
                seen = [m.text[:80] for m in mine[start:]]
                raise AssertionError(f"no message to {user_id} matching {predicate!r}; got {seen}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), 0.1)
            except TimeoutError:
                pass

    async def wait_idle(self, quiet: float = 0.4, timeout: float = 10.0) -> None:
        """Until nothing reached this server for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self._last_activity < quiet:
            if time.monotonic() > deadline:
                raise AssertionError("the bot kept talking")
            await asyncio.sleep(0.05)


class MinuteLimiter:
    """At most `per_minute` requests in any sliding minute (None: unlimited)."""

    def __init__(self, per_minute: int | None) -> None:
        self.per_minute = per_minute
        self._times: list[float] = []

    def allow(self) -> bool:
        if self.per_minute is None:
            return True
        now = time.monotonic()
        self._times = [t for t in self._times if now - t < 60]
        if len(self._times) >= self.per_minute:
            return False
        self._times.append(now)
        return True
