"""Virtual time for tests of the delivery engine: an hour of pacing runs in milliseconds."""
from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import datetime, timedelta, timezone

# A fixed Monday 08:00 in Vietnam (01:00 UTC), so tests that print dates read the same every run.
DEFAULT_EPOCH = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)


class FakeClock:
    """Virtual time: sleepers wake in deadline order, instantly in real time.

    With ``auto_advance`` (the default) a driver task moves time to the earliest deadline whenever
    the loop has settled, so an hour of pacing runs in milliseconds and the same way every time.
    Without it, time moves only when a test awaits ``advance(seconds)``. Only for code that waits
    on this clock and in-memory fakes: a task waiting on real I/O looks idle, and time would jump.
    """

    def __init__(self, start: float = 1000.0, *, epoch: datetime = DEFAULT_EPOCH,
                 auto_advance: bool = True, settle_rounds: int = 16) -> None:
        self._now = start
        self._start = start
        self._epoch = epoch
        self._auto = auto_advance
        # There is no public "is the loop idle?" in asyncio: yielding this many times lets every
        # ready task run until it blocks again (on a sleep, a lock, a fake I/O future).
        self._settle_rounds = settle_rounds
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def now(self) -> float:
        """Virtual monotonic seconds."""
        return self._now

    def utcnow(self) -> datetime:
        """The epoch plus the virtual time elapsed since the clock was made."""
        return self._epoch + timedelta(seconds=self._now - self._start)

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting (cancelled ones excluded)."""
        return sum(1 for _, _, fut in self._sleepers if not fut.done())

    async def sleep(self, seconds: float) -> None:
        """Register a deadline and wait for virtual time to reach it."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), fut))
        if self._auto:
            self._ensure_driver()
        await fut

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each due sleeper at its own deadline."""
        await self._settle()  # let tasks that are ready register their sleeps at the current time
        target = self._now + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            self._wake_earliest()
            await self._settle()
        self._now = max(self._now, target)
        await self._settle()

    def _ensure_driver(self) -> None:
        if self._driver is None or self._driver.done():
            self._driver = asyncio.get_running_loop().create_task(self._drive())

    async def _drive(self) -> None:
        await self._settle()
        while self._sleepers:
            self._wake_earliest()
            await self._settle()

    def _wake_earliest(self) -> None:
        """Wake every live sleeper sharing the earliest deadline, at that deadline."""
        deadline = self._sleepers[0][0]
        while self._sleepers and self._sleepers[0][0] == deadline:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():  # a cancelled sleep must not move time
                self._now = max(self._now, deadline)
                fut.set_result(None)

    async def _settle(self) -> None:
        for _ in range(self._settle_rounds):
            await asyncio.sleep(0)
