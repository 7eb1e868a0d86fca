"""Background work that answers webhooks fast yet keeps each person's messages in order."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class SerialWork:
    """Runs jobs in background tasks, one at a time per key (a user), in arrival order.

    Two messages from one person must not race on their dialogue state; different people run
    concurrently.
    """

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task] = {}
        self._tasks: set[asyncio.Task] = set()

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> asyncio.Task:
        previous = self._tails.get(key)
        task = asyncio.create_task(self._run(previous, job))
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(key, done))
        return task

    async def _run(self, previous: asyncio.Task | None, job: Callable[[], Awaitable[None]]) -> None:
        if previous is not None:
            await asyncio.wait([previous])     # its outcome is its own business
        try:
            await job()
        except Exception:
            log.exception("zalo background job failed")

    def _forget(self, key: str, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if self._tails.get(key) is task:
            del self._tails[key]

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def close(self, timeout: float = 10.0) -> None:
        """Let running jobs finish (a stop should not cut a reply in half), then cancel."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
