"""The one outbox drain (bulletins and notifications alike): claim a batch, send it at the
channel's pace, record each outcome at once."""
from __future__ import annotations

import asyncio
import enum
import logging
from datetime import timedelta

from delivery.clock import Clock
from delivery.errors import (ChatNotFound, FloodWait, OutOfReach, PermanentSendError,
                               RecipientGone, SendError, TransientSendError)
from delivery.pacing import AdaptiveRate, ChatSpacing, TokenBucket
from delivery.item import OutboxItem
from delivery.ports import DrainStats, Gate, OnBlocked, Outbox, Sender

log = logging.getLogger(__name__)

# Reasons written to the outbox's last_error; stable, since the drain reads CHAT_NOT_FOUND back.
FLOOD_WAIT = "flood_wait"
CHAT_NOT_FOUND = "chat_not_found"

_STORAGE_RETRY_CAP = 30.0  # seconds between attempts while the database is away


class FloodScope(str, enum.Enum):
    """What a flood wait (429) stops."""

    ACCOUNT = "account"        # every send of the account: bulk bulletins, one per chat anyway
    CHAT_FIRST = "chat_first"  # that chat only, unless a second chat floods within the wait


class Drain:
    """Sends one outbox of one channel account at ``bucket``'s pace, within the ``account``'s
    shared budget when given, one message per chat per interval.

    Run exactly one drain per outbox and channel account (the caller holds the lock or lease
    that ensures it): ``run`` treats every row still 'sending' between batches as left behind by
    a crash. Notifications use ``FloodScope.CHAT_FIRST``: a unit's busy group (20/min) must not
    hold back the cards to every other officer.
    """

    def __init__(self, outbox: Outbox, sender: Sender, bucket: TokenBucket,
                 spacing: ChatSpacing, clock: Clock, *, channel: str, batch_size: int = 50,
                 max_attempts: int = 5, backoff_base: float = 2.0, max_backoff: float = 600.0,
                 concurrency: int = 8, on_blocked: OnBlocked | None = None,
                 rate_policy: AdaptiveRate | None = None, gate: Gate | None = None,
                 account: TokenBucket | None = None,
                 flood_scope: FloodScope = FloodScope.ACCOUNT) -> None:
        if batch_size < 1 or max_attempts < 1 or concurrency < 1:
            raise ValueError("batch_size, max_attempts and concurrency must be >= 1")
        self.channel = channel
        self.stats = DrainStats()
        self._outbox, self._sender, self._clock = outbox, sender, clock
        self._bucket, self._spacing, self._rate_policy = bucket, spacing, rate_policy
        self._batch_size, self._max_attempts = batch_size, max_attempts
        self._backoff_base, self._max_backoff = backoff_base, max_backoff
        self._concurrency = concurrency
        self._on_blocked = on_blocked
        self._gate = gate
        self._account, self._flood_scope = account, flood_scope
        self._chat_floods: dict[str, float] = {}   # chat -> when its flood wait ends
        self._halt: Exception | None = None
        self._stop: asyncio.Event | None = None   # set by run(): no new send once it is set

    @property
    def rate(self) -> float:
        """The current sending rate in messages per second (lower after flood waits)."""
        return self._bucket.rate

    async def run_once(self) -> int:
        """Claim one batch and send it; returns how many rows were claimed.

        Send errors never escape; a storage error does, after the in-flight sends have finished.
        """
        if self._rate_policy is not None:
            self._rate_policy.apply(self._bucket)
        items = await self._outbox.claim(self.channel, self._batch_size, self._clock.utcnow())
        if items:
            await self._dispatch(items)
        return len(items)

    async def run(self, stop: asyncio.Event, idle_sleep: float = 0.5) -> None:
        """Drain until ``stop`` is set, waiting out storage outages without losing a row.

        Setting ``stop`` also ends the batch in hand before its next send (a lost lease must
        not send on); rows it leaves 'sending' are requeued by the next drain that starts.
        """
        self._stop = stop
        orphans_possible, failures = True, 0
        while not stop.is_set():
            try:
                if orphans_possible:
                    await self._requeue_orphans()
                    orphans_possible = False
                claimed = await self.run_once()
            except Exception:
                failures += 1
                log.exception("%s drain: storage error, retrying (%d)", self.channel, failures)
                # The failed batch may have left rows 'sending': put them back once storage is up.
                orphans_possible = True
                await self._pause(stop, _storage_backoff(failures, idle_sleep))
                continue
            failures = 0
            if claimed == 0:
                await self._pause(stop, idle_sleep)

    async def _dispatch(self, items: list[OutboxItem]) -> None:
        """Start each send when its chat is ready and a token and a slot are free."""
        self._halt = None
        queue = list(items)
        slots = asyncio.Semaphore(self._concurrency)
        tasks: list[asyncio.Task[None]] = []
        while queue:
            # Slot before token: a token taken while waiting for a slot would let sends bunch up.
            await slots.acquire()
            item = await self._take_ready(queue)
            if not await self._may_send(item, queue):
                slots.release()
                continue
            await self._spend()
            # storage went away, or we must stop: leave the rest 'sending' for requeue
            if self._halt is not None or (self._stop is not None and self._stop.is_set()):
                slots.release()
                break
            self._spacing.record(item.pacing_key)
            task = asyncio.create_task(self._deliver_guarded(item))
            task.add_done_callback(lambda _: slots.release())
            tasks.append(task)
        await asyncio.gather(*tasks)
        if self._halt is not None:
            raise self._halt

    async def _spend(self) -> None:
        """One token of this drain's own rate, then one of the account's (shared) budget."""
        await self._bucket.acquire()
        if self._account is not None:
            await self._account.acquire()

    async def _may_send(self, item: OutboxItem, queue: list[OutboxItem]) -> bool:
        """Ask the gate; a broadcast paused or cancelled since the claim gives its rows back."""
        if self._gate is None or await self._gate(item.broadcast_id):
            return True
        held = [item] + [i for i in queue if i.broadcast_id == item.broadcast_id]
        queue[:] = [i for i in queue if i.broadcast_id != item.broadcast_id]
        await self._outbox.release([i.id for i in held])
        self.stats.withheld += len(held)
        return False

    async def _take_ready(self, queue: list[OutboxItem]) -> OutboxItem:
        """The first queued item whose chat may receive now, waiting for the soonest if none."""
        while True:
            for index, item in enumerate(queue):
                if self._spacing.is_ready(item.pacing_key):
                    return queue.pop(index)
            await self._clock.sleep(min(self._spacing.delay(i.pacing_key) for i in queue))

    async def _deliver_guarded(self, item: OutboxItem) -> None:
        try:
            await self._deliver(item)
        except Exception as exc:  # only storage gets here: sender errors are handled below
            log.error("%s drain: could not record item %s: %r", self.channel, item.id, exc)
            if self._halt is None:
                self._halt = exc

    async def _deliver(self, item: OutboxItem) -> None:
        """Send one item and record its outcome right after, whatever it was."""
        try:
            message_ref = await self._sender.send(item)
        except SendError as exc:
            await self._classify(item, exc)
        except Exception as exc:
            log.exception("%s drain: unexpected error sending item %s", self.channel, item.id)
            await self._fail(item, type(exc).__name__)
        else:
            await self._outbox.mark_sent(item.id, message_ref)
            self.stats.sent += 1

    async def _classify(self, item: OutboxItem, exc: SendError) -> None:
        match exc:
            case FloodWait():
                await self._flood_wait(item, exc.retry_after)
            case RecipientGone():
                await self._blocked(item)
            case ChatNotFound() if item.last_error == CHAT_NOT_FOUND:
                await self._blocked(item)
            case ChatNotFound():
                await self._retry(item, self._backoff_base, CHAT_NOT_FOUND)
            case TransientSendError():
                await self._transient(item, str(exc) or type(exc).__name__)
            case OutOfReach():
                await self._outbox.mark_unreached(item.id, exc.reason)
                self.stats.unreached += 1
            case PermanentSendError():
                await self._fail(item, exc.reason)
            case _:
                await self._fail(item, type(exc).__name__)

    async def _flood_wait(self, item: OutboxItem, retry_after: float) -> None:
        """Pause every send of this account until the deadline (or, chat first, only the chat's
        while no other chat floods); the item waits for it too."""
        self.stats.flood_waits += 1
        if self._chat_flood_only(item, retry_after):
            log.info("%s drain: flood wait %.1f s for one chat", self.channel, retry_after)
            await self._outbox.retry_later(item.id, self._clock.utcnow()
                                           + timedelta(seconds=retry_after), FLOOD_WAIT)
            return
        deadline = self._clock.now() + retry_after
        self._bucket.pause_until(deadline)
        if self._account is not None:
            self._account.pause_until(deadline)
        if self._rate_policy is not None:
            self._bucket.set_rate(self._rate_policy.on_flood_wait())
        log.warning("%s drain: flood wait %.1f s, rate now %.1f/s",
                    self.channel, retry_after, self._bucket.rate)
        not_before = self._clock.utcnow() + timedelta(seconds=retry_after)
        await self._outbox.retry_later(item.id, not_before, FLOOD_WAIT)

    def _chat_flood_only(self, item: OutboxItem, retry_after: float) -> bool:
        if self._flood_scope is not FloodScope.CHAT_FIRST:
            return False
        now = self._clock.now()
        self._chat_floods = {c: t for c, t in self._chat_floods.items() if t > now}
        others = set(self._chat_floods) - {item.pacing_key}
        self._chat_floods[item.pacing_key] = now + retry_after
        self._spacing.defer(item.pacing_key, retry_after)
        return not others

    async def _transient(self, item: OutboxItem, reason: str) -> None:
        attempt = item.attempts + 1
        if attempt >= self._max_attempts:
            await self._fail(item, reason)
            return
        delay = min(self._max_backoff, self._backoff_base ** attempt)
        await self._retry(item, delay, reason)

    async def _retry(self, item: OutboxItem, delay: float, reason: str) -> None:
        not_before = self._clock.utcnow() + timedelta(seconds=delay)
        await self._outbox.retry_later(item.id, not_before, reason)
        self.stats.retried += 1

    async def _blocked(self, item: OutboxItem) -> None:
        await self._outbox.mark_blocked(item.id)
        self.stats.blocked += 1
        if self._on_blocked is None:
            return
        try:
            await self._on_blocked(item)
        except Exception:  # the row is already final; a failing hook must not stop the drain
            log.exception("%s drain: on_blocked failed for item %s", self.channel, item.id)

    async def _fail(self, item: OutboxItem, reason: str) -> None:
        await self._outbox.mark_failed(item.id, reason)
        self.stats.failed += 1

    async def _requeue_orphans(self) -> None:
        # No batch of ours is in flight here, and no other drain serves this account.
        count = await self._outbox.requeue_stale(self.channel, self._clock.utcnow())
        if count:
            log.info("%s drain: requeued %d rows left 'sending'", self.channel, count)

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        """Sleep on the clock, waking early if ``stop`` is set."""
        if stop.is_set():
            return
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()


def _storage_backoff(failures: int, idle_sleep: float) -> float:
    """Seconds to wait after the n-th storage failure in a row: doubling, capped."""
    return min(_STORAGE_RETRY_CAP, max(idle_sleep, 0.5) * 2 ** min(failures, 10))
