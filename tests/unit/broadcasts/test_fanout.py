"""Fan-out helpers: streaming batches and once-per-chat recipients."""
from __future__ import annotations

import pytest

from broadcasts import fanout
from broadcasts.fanout import chunked, dedupe_recipients
from broadcasts.ports import Recipient


async def collect(stream) -> list:
    return [batch async for batch in stream]


async def test_chunked_batches_a_sync_iterable_in_order():
    assert await collect(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert await collect(chunked([], 3)) == []
    assert await collect(chunked(range(4), 2)) == [[0, 1], [2, 3]]


async def test_chunked_batches_an_async_iterable_lazily():
    pulled = []

    async def rows():
        for n in range(10):
            pulled.append(n)
            yield n

    stream = chunked(rows(), 4)
    assert await anext(stream) == [0, 1, 2, 3]
    assert pulled == [0, 1, 2, 3]  # no more read than the first batch needs
    assert await collect(stream) == [[4, 5, 6, 7], [8, 9]]


async def test_chunked_rejects_a_size_below_one():
    with pytest.raises(ValueError):
        await collect(chunked(range(3), 0))


def test_each_chat_is_a_recipient_once():
    rows = [Recipient("telegram", "1", 10), Recipient("telegram", "2", 20),
            Recipient("telegram", "1", 10), Recipient("zalo", "1", 30),
            Recipient("telegram", "2", 20)]
    assert list(dedupe_recipients(rows)) == [Recipient("telegram", "1", 10),
                                              Recipient("telegram", "2", 20),
                                              Recipient("zalo", "1", 30)]


def test_fanout_offers_the_planning_checks():
    for name in ("split_for_channel", "validate_bulletin", "validate_schedule", "next_occurrence"):
        assert callable(getattr(fanout, name))
