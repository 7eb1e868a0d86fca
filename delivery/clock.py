"""Time as the delivery engine sees it (tests use the virtual tests.fakes.clock.FakeClock)."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """What pacing and the drain need from time."""

    def now(self) -> float:
        """Monotonic seconds; only differences are meaningful."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait this many seconds (of this clock's time)."""
        ...

    def utcnow(self) -> datetime:
        """Wall-clock time, timezone-aware UTC, for the rows written to storage."""
        ...


class SystemClock:
    """The real clock: time.monotonic, asyncio.sleep and the system's UTC time."""

    def now(self) -> float:
        """Monotonic seconds."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep on the event loop."""
        await asyncio.sleep(max(0.0, seconds))

    def utcnow(self) -> datetime:
        """Aware UTC now."""
        return datetime.now(timezone.utc)
