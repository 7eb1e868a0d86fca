"""Whether a claimed row may still go out: its broadcast may have been paused or cancelled since."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from delivery.clock import Clock


class RunningGate:
    """The drain's Gate: the set of running broadcasts, re-read at most every ``max_age`` s.

    A pause or cancel then takes effect within ``max_age`` plus the sends already in flight,
    instead of after the whole claimed batch.
    """

    def __init__(self, fetch: Callable[[], Awaitable[set[int]]], clock: Clock, *,
                 max_age: float = 0.5) -> None:
        self._fetch, self._clock, self._max_age = fetch, clock, max_age
        self._running: set[int] = set()
        self._read_at: float | None = None

    async def __call__(self, broadcast_id: int) -> bool:
        now = self._clock.now()
        if self._read_at is None or now - self._read_at >= self._max_age:
            self._running = await self._fetch()     # a storage error stops the batch
            self._read_at = now
        return broadcast_id in self._running
