"""The virtual clock wakes sleepers in deadline order, at their deadlines, instantly."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta, timezone

from delivery.clock import SystemClock
from tests.fakes.clock import DEFAULT_EPOCH, FakeClock


async def test_sleep_advances_virtual_time_without_real_waiting():
    clock = FakeClock(start=0.0)
    started = time.monotonic()
    await clock.sleep(3600)
    assert clock.now() == 3600
    assert clock.utcnow() == DEFAULT_EPOCH + timedelta(hours=1)
    assert time.monotonic() - started < 1


async def test_concurrent_sleepers_wake_at_their_own_deadlines():
    clock = FakeClock(start=0.0)
    woke: list[tuple[str, float]] = []

    async def nap(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    await asyncio.gather(nap("c", 3), nap("a", 1), nap("b", 2), nap("a2", 1))
    assert woke == [("a", 1), ("a2", 1), ("b", 2), ("c", 3)]
    assert clock.now() == 3  # in parallel, not 1 + 1 + 2 + 3


async def test_chained_sleeps_add_up():
    clock = FakeClock(start=0.0)

    async def walk() -> float:
        for _ in range(10):
            await clock.sleep(0.5)
        return clock.now()

    assert await asyncio.gather(walk(), walk()) == [5.0, 5.0]


async def test_manual_clock_moves_only_when_advanced():
    clock = FakeClock(start=0.0, auto_advance=False)
    task = asyncio.create_task(clock.sleep(5))
    await clock.advance(4)
    assert not task.done() and clock.sleepers == 1
    await clock.advance(1)
    assert task.done() and clock.now() == 5


async def test_cancelled_sleep_does_not_move_time():
    clock = FakeClock(start=0.0)
    long_nap = asyncio.create_task(clock.sleep(100))
    await asyncio.sleep(0)
    long_nap.cancel()
    await clock.sleep(1)
    await asyncio.sleep(0)
    assert clock.now() == 1


async def test_zero_sleep_only_yields():
    clock = FakeClock(start=0.0)
    await clock.sleep(0)
    await clock.sleep(-1)
    assert clock.now() == 0


async def test_system_clock_is_monotonic_and_aware():
    clock = SystemClock()
    before = clock.now()
    await clock.sleep(0.001)
    assert clock.now() > before
    assert clock.utcnow().tzinfo is timezone.utc
