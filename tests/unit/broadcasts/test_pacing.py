"""The token bucket, per-chat spacing and the adaptive rate, on virtual time."""
from __future__ import annotations

import asyncio
import random

import pytest

from delivery.pacing import AdaptiveRate, ChatSpacing, TokenBucket
from tests.fakes.clock import FakeClock
from tests.unit.broadcasts.conftest import assert_within_rate


async def _acquire_times(bucket: TokenBucket, clock: FakeClock, count: int,
                         workers: int = 1) -> list[float]:
    times: list[float] = []

    async def worker(share: int) -> None:
        for _ in range(share):
            await bucket.acquire()
            times.append(clock.now())

    shares = [count // workers + (i < count % workers) for i in range(workers)]
    await asyncio.gather(*(worker(s) for s in shares))
    return times


@pytest.mark.parametrize("rate,burst,workers", [(25, 1, 1), (30, 5, 4), (7.5, 3, 8), (300, 30, 3)])
async def test_bucket_never_exceeds_rate_times_t_plus_burst(rate, burst, workers):
    clock = FakeClock()
    bucket = TokenBucket(rate, burst, clock)
    times = await _acquire_times(bucket, clock, 300, workers)
    assert len(times) == 300
    assert_within_rate(times, rate, burst)
    # ... and it is not slower than it needs to be.
    assert max(times) - min(times) == pytest.approx((300 - burst) / rate, abs=1e-6)


async def test_bucket_with_random_gaps_between_acquires_keeps_the_bound():
    clock = FakeClock()
    bucket = TokenBucket(10, 4, clock)
    rng = random.Random(7)
    times = []
    for _ in range(200):
        await clock.sleep(rng.choice([0, 0, 0.05, 0.3, 1.2]))
        await bucket.acquire()
        times.append(clock.now())
    assert_within_rate(times, 10, 4)


async def test_pause_stops_every_acquirer_until_the_deadline():
    clock = FakeClock(start=0.0)
    bucket = TokenBucket(10, 5, clock)
    await _acquire_times(bucket, clock, 3)
    bucket.pause_until(clock.now() + 7)
    assert bucket.is_paused()
    times = await _acquire_times(bucket, clock, 20, workers=4)
    assert min(times) >= 7
    assert_within_rate(times, 10, 1)  # resumes from an empty bucket, not with a burst
    assert not bucket.is_paused()


async def test_an_earlier_pause_does_not_shorten_a_later_one():
    clock = FakeClock(start=0.0)
    bucket = TokenBucket(10, 1, clock)
    bucket.pause_until(5)
    bucket.pause_until(2)
    assert bucket.paused_until == 5


async def test_set_rate_changes_the_pace_from_now_on():
    clock = FakeClock(start=0.0)
    bucket = TokenBucket(10, 1, clock)
    first = await _acquire_times(bucket, clock, 11)
    bucket.set_rate(2)
    second = await _acquire_times(bucket, clock, 5)
    assert first[-1] == pytest.approx(1.0)
    assert second[-1] - first[-1] == pytest.approx(2.5)
    assert bucket.rate == 2


def test_try_acquire_takes_only_free_tokens():
    clock = FakeClock()
    bucket = TokenBucket(1, 2, clock)
    assert [bucket.try_acquire() for _ in range(3)] == [True, True, False]


def test_bucket_rejects_nonsense():
    with pytest.raises(ValueError):
        TokenBucket(0, 1, FakeClock())
    with pytest.raises(ValueError):
        TokenBucket(1, 0, FakeClock())


async def test_chat_spacing_tells_when_a_chat_may_receive_again():
    clock = FakeClock(start=0.0)
    spacing = ChatSpacing(1.0, clock=clock)
    assert spacing.is_ready("a") and spacing.delay("a") == 0
    spacing.record("a")
    assert not spacing.is_ready("a") and spacing.is_ready("b")
    await clock.sleep(0.25)
    assert spacing.delay("a") == pytest.approx(0.75)
    assert spacing.ready_at("a") == 1.0
    await clock.sleep(0.75)
    assert spacing.is_ready("a")


async def test_chat_spacing_forgets_chats_that_are_ready_again():
    clock = FakeClock(start=0.0)
    spacing = ChatSpacing(1.0, clock=clock)
    for n in range(1000):
        spacing.record(str(n))
    await clock.sleep(2)
    for n in range(1000, 2100):
        spacing.record(str(n))
    assert len(spacing) < 2100  # the first thousand were pruned ...
    assert not spacing.is_ready("2099") and spacing.is_ready("5")  # ... and nothing else


async def test_adaptive_rate_drops_after_flood_waits_down_to_the_floor():
    clock = FakeClock(start=0.0)
    policy = AdaptiveRate(25, clock=clock, factor=0.8, floor=15)
    assert policy.on_flood_wait() == pytest.approx(20)
    assert policy.on_flood_wait() == pytest.approx(16)
    assert policy.on_flood_wait() == 15
    assert policy.current() == 15


async def test_adaptive_rate_recovers_step_by_step_after_quiet_periods():
    clock = FakeClock(start=0.0)
    policy = AdaptiveRate(20, clock=clock, factor=0.5, quiet_period=60, step=0.1)
    policy.on_flood_wait()
    assert policy.current() == 10
    await clock.sleep(59)
    assert policy.current() == 10
    await clock.sleep(1)
    assert policy.current() == pytest.approx(12)
    await clock.sleep(120)
    assert policy.current() == pytest.approx(16)
    policy.on_flood_wait()  # a new flood wait restarts the quiet period
    await clock.sleep(59)
    assert policy.current() == pytest.approx(8)
    await clock.sleep(3600)
    assert policy.current() == 20  # never above the configured rate


async def test_adaptive_rate_applies_itself_to_a_bucket():
    clock = FakeClock(start=0.0)
    bucket = TokenBucket(25, 1, clock)
    policy = AdaptiveRate(25, clock=clock)
    policy.on_flood_wait()
    assert policy.apply(bucket) == pytest.approx(20) and bucket.rate == pytest.approx(20)
