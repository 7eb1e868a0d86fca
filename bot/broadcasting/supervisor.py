"""One drain per channel account across processes: run it only while holding the account's lease.

The holder renews every ttl/5 seconds. If it cannot renew for 0.6 × ttl (database away, process
frozen) it stops sending by itself; another process may take the lease only once it has expired,
a full ttl after the last renewal. So two drains never send at once, and a dead holder's work is
taken over within about one ttl (at once when the dead holder ran on the same host).
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from delivery.drain import Drain
from storage.outboxes.broadcast import SqlOutbox
from storage.outboxes.lease import DrainLease

log = logging.getLogger(__name__)
Companion = Callable[[asyncio.Event], Awaitable[None]]
GIVE_UP = 0.6       # of the ttl without a renewal: stop sending
STOP_WAIT = 5.0     # seconds for in-flight sends to finish at a stop


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, waking early when ``stop`` is set."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


class DrainSupervisor:
    def __init__(self, lease: DrainLease, outbox: SqlOutbox, make_drain: Callable[[], Drain],
                 companions: list[Companion] | None = None) -> None:
        self._lease, self._outbox, self._make_drain = lease, outbox, make_drain
        self._companions = companions or []
        self.holding = False

    async def run(self, stop: asyncio.Event) -> None:
        """Wait for the lease, drain while holding it, and wait again if it is lost."""
        while not stop.is_set():
            if await self._renew():
                await self._hold(stop)
            await pause(stop, self._lease.ttl / 5)

    async def _renew(self) -> bool | None:
        """True: ours; False: another process holds it; None: the database did not answer."""
        try:
            if await self._lease.acquire():
                return True
            holder = await self._lease.holder_now()
            return bool(holder) and dead_here(holder) and await self._lease.take_over(holder)
        except Exception as error:
            log.warning("drain lease not renewed", extra={"channel": self._lease.channel,
                                                          "error": repr(error)[:200]})
            return None

    async def _hold(self, stop: asyncio.Event) -> None:
        log.info("drain lease taken", extra={"channel": self._lease.channel,
                                             "holder": self._lease.holder})
        self.holding, halt = True, asyncio.Event()
        tasks = [asyncio.create_task(self._make_drain().run(halt))]
        tasks += [asyncio.create_task(companion(halt)) for companion in self._companions]
        renewed = time.monotonic()
        try:
            while not stop.is_set() and not any(task.done() for task in tasks):
                await pause(stop, self._lease.ttl / 5)
                held = await self._renew()
                if held:
                    renewed = time.monotonic()
                elif held is False or time.monotonic() - renewed > GIVE_UP * self._lease.ttl:
                    log.warning("drain lease lost", extra={"channel": self._lease.channel})
                    break
        finally:
            self.holding = False
            halt.set()
            await _finish(tasks)
            if stop.is_set():
                await self._hand_back()

    async def _hand_back(self) -> None:
        """A clean stop: put back rows claimed but not sent, and free the lease at once."""
        try:
            if await self._lease.acquire():
                await self._outbox.requeue_stale(self._lease.channel, datetime.now(timezone.utc))
                await self._lease.release()
        except Exception:
            log.warning("drain lease not handed back; it expires by itself", exc_info=True)


def holder_name() -> str:
    """This process as a lease names it: host, pid, and a nonce against pid reuse."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_here(holder: str) -> bool:
    """A holder on this host whose process is gone (kill -9, then a restart on the same host):
    no need to wait for its lease to run out."""
    host, _, rest = holder.partition(":")
    pid = rest.split(":", 1)[0]
    if host != socket.gethostname()[:60] or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


async def _finish(tasks: list[asyncio.Task]) -> None:
    """Let in-flight sends end; cancel what is still waiting (its rows are requeued later)."""
    _, pending = await asyncio.wait(tasks, timeout=STOP_WAIT)
    for task in pending:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            log.error("broadcast task failed", exc_info=result)
