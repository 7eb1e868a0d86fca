"""Pacing for one channel account: token buckets (with priority for interactive replies),
per-chat spacing, an adaptive rate."""
from __future__ import annotations

import asyncio
import math

from delivery.clock import Clock

# Float refills can leave 0.9999999 tokens; waiting for the last 1e-9 would spin on tiny sleeps.
_EPSILON = 1e-9


class TokenBucket:
    """At most ``rate × t + burst`` acquisitions in any window of t seconds.

    One bucket per bot account: Telegram's ~30 messages/s limit is per bot, across all chats.
    An ``urgent`` acquirer (a resident waiting for a reply) takes the next free token before any
    waiting bulk acquirer (a drain), which waits in FIFO order behind the others.
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self._rate = float(rate)
        self._burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock.now()
        self._paused_until = -math.inf
        self._lock = asyncio.Lock()  # FIFO: bulk waiters are served in the order they arrived
        self._urgent = 0             # urgent acquirers waiting now: bulk ones let them go first

    @property
    def rate(self) -> float:
        """Tokens added per second."""
        return self._rate

    @property
    def burst(self) -> int:
        """The most tokens the bucket holds."""
        return self._burst

    @property
    def paused_until(self) -> float:
        """Monotonic deadline of the current pause (-inf when never paused)."""
        return self._paused_until

    def is_paused(self) -> bool:
        """Whether a flood-wait pause is in force now."""
        return self._clock.now() < self._paused_until

    async def acquire(self, *, urgent: bool = False) -> None:
        """Wait for a token (and for any pause to end), then take it; ``urgent`` goes first."""
        if urgent:
            await self._acquire_urgent()
            return
        async with self._lock:
            while (wait := self._wait_time()) > 0 or self._urgent:
                await self._clock.sleep(wait if wait > 0 else 1 / self._rate)
            self._tokens -= 1

    async def _acquire_urgent(self) -> None:
        self._urgent += 1
        try:
            while (wait := self._wait_time()) > 0:
                await self._clock.sleep(wait)
            self._tokens -= 1
        finally:
            self._urgent -= 1

    def is_full(self) -> bool:
        """Whether the bucket holds its whole burst (nothing taken lately)."""
        self._refill(self._clock.now())
        return self._tokens >= self._burst - _EPSILON

    def try_acquire(self) -> bool:
        """Take a token if one is free right now, without waiting."""
        if self._lock.locked() or self._urgent or self._wait_time() > 0:
            return False
        self._tokens -= 1
        return True

    def pause_until(self, deadline: float) -> None:
        """Stop all acquisitions until the monotonic ``deadline`` (a 429 concerns the whole bot)."""
        if deadline <= self._paused_until:
            return
        self._refill(self._clock.now())
        self._paused_until = deadline
        # Resume with an empty bucket: a burst right after a flood wait invites the next one.
        self._tokens = min(self._tokens, 0.0)
        self._stamp = max(self._stamp, deadline)

    def set_rate(self, rate: float) -> None:
        """Change the refill rate from now on."""
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self._refill(self._clock.now())
        self._rate = float(rate)

    def _wait_time(self) -> float:
        now = self._clock.now()
        if now < self._paused_until:
            return self._paused_until - now
        self._refill(now)
        if self._tokens >= 1 - _EPSILON:
            return 0.0
        return (1 - self._tokens) / self._rate

    def _refill(self, now: float) -> None:
        elapsed = now - self._stamp
        if elapsed > 0:
            self._tokens = min(float(self._burst), self._tokens + elapsed * self._rate)
            self._stamp = now


class ChatSpacing:
    """Tells when a chat may next receive, so a drain defers that chat instead of blocking all."""

    _PRUNE_FLOOR = 1024

    def __init__(self, min_interval: float = 1.0, *, clock: Clock) -> None:
        self._interval = min_interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self._prune_at = self._PRUNE_FLOOR

    @property
    def min_interval(self) -> float:
        """Seconds kept between two messages to one chat."""
        return self._interval

    def ready_at(self, chat_id: str) -> float:
        """Monotonic time from which ``chat_id`` may receive again."""
        last = self._last.get(chat_id)
        return -math.inf if last is None else last + self._interval

    def delay(self, chat_id: str) -> float:
        """Seconds to wait before ``chat_id`` may receive (0 when it may now)."""
        return max(0.0, self.ready_at(chat_id) - self._clock.now())

    def is_ready(self, chat_id: str) -> bool:
        """Whether ``chat_id`` may receive now."""
        return self.delay(chat_id) == 0.0

    def record(self, chat_id: str) -> None:
        """Note that a message to ``chat_id`` starts now."""
        self._last[chat_id] = max(self._clock.now(), self._last.get(chat_id, -math.inf))
        if len(self._last) >= self._prune_at:
            self._prune()

    def defer(self, chat_id: str, seconds: float) -> None:
        """Keep ``chat_id`` waiting for ``seconds`` from now (a 429 for that chat alone)."""
        until = self._clock.now() + seconds - self._interval
        self._last[chat_id] = max(until, self._last.get(chat_id, -math.inf))

    def __len__(self) -> int:
        return len(self._last)

    def _prune(self) -> None:
        # A 200,000-recipient broadcast touches each chat once: forget chats that are ready again.
        now = self._clock.now()
        self._last = {c: t for c, t in self._last.items() if t + self._interval > now}
        self._prune_at = max(self._PRUNE_FLOOR, 2 * len(self._last))


class AdaptiveRate:
    """AIMD: a flood wait cuts the rate by ``factor``; each quiet period adds back ``step``.

    ``step`` is a fraction of the configured rate; the rate never leaves [floor, configured].
    """

    def __init__(self, configured: float, *, clock: Clock, factor: float = 0.8,
                 floor: float = 1.0, quiet_period: float = 60.0, step: float = 0.1) -> None:
        if configured <= 0 or not 0 < factor < 1 or quiet_period <= 0:
            raise ValueError("need configured > 0, 0 < factor < 1 and quiet_period > 0")
        self._configured = float(configured)
        self._clock = clock
        self._factor = factor
        self._floor = min(floor, self._configured)
        self._quiet = quiet_period
        self._step = step * self._configured
        self._rate = self._configured
        self._calm_since = clock.now()

    @property
    def configured(self) -> float:
        """The rate the deployment asked for (the ceiling)."""
        return self._configured

    def on_flood_wait(self) -> float:
        """Lower the rate after a 429 and restart the quiet period; returns the new rate."""
        self._rate = max(self._floor, self._rate * self._factor)
        self._calm_since = self._clock.now()
        return self._rate

    def current(self) -> float:
        """The rate now, after adding one step per full quiet period since the last change."""
        periods = int((self._clock.now() - self._calm_since) // self._quiet)
        if periods > 0 and self._rate < self._configured:
            self._rate = min(self._configured, self._rate + periods * self._step)
            self._calm_since += periods * self._quiet
        return self._rate

    def apply(self, bucket: TokenBucket) -> float:
        """Set ``bucket`` to the current rate if it differs; returns that rate."""
        rate = self.current()
        if rate != bucket.rate:
            bucket.set_rate(rate)
        return rate
