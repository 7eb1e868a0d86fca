"""Fixtures for the broadcast engine's unit tests: virtual time, fake outbox and sender."""
from __future__ import annotations

import pytest

from delivery.drain import Drain
from delivery.pacing import ChatSpacing, TokenBucket
from tests.fakes.broadcasts import MemoryOutbox, ScriptedSender
from tests.fakes.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def outbox() -> MemoryOutbox:
    return MemoryOutbox()


@pytest.fixture
def sender(clock, outbox) -> ScriptedSender:
    return ScriptedSender(clock, outbox)


@pytest.fixture
def make_drain(clock, outbox, sender):
    """Build a drain over the fixtures; keyword arguments override the defaults."""

    def build(*, rate: float = 25.0, burst: int = 1, min_interval: float = 1.0, **options) -> Drain:
        bucket = TokenBucket(rate, burst, clock)
        spacing = ChatSpacing(min_interval, clock=clock)
        options.setdefault("channel", "telegram")
        return Drain(outbox, sender, bucket, spacing, clock, **options)

    return build


def assert_within_rate(times: list[float], rate: float, burst: int) -> None:
    """No window [times[i], times[j]] holds more than rate × width + burst events."""
    times = sorted(times)
    for i in range(len(times)):
        for j in range(i, len(times)):
            count = j - i + 1
            assert count <= rate * (times[j] - times[i]) + burst + 1e-6, (
                f"{count} events in {times[j] - times[i]:.4f} s at rate {rate}, burst {burst}")
