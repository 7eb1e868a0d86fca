"""The in-memory outbox follows the Outbox protocol's contract (storage must do the same)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes.broadcasts import MemoryOutbox

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)


async def test_claim_takes_due_pending_rows_of_its_channel_in_order():
    outbox = MemoryOutbox()
    ids = outbox.add_many(["a", "b", "c", "d"])
    outbox.add("z", channel="zalo")
    items = await outbox.claim("telegram", 3, T0)
    assert [i.id for i in items] == ids[:3]
    assert all(outbox.rows[i].state == "sending" for i in ids[:3])
    assert [i.chat_id for i in await outbox.claim("telegram", 10, T0)] == ["d"]
    assert await outbox.claim("telegram", 10, T0) == []


async def test_retry_later_waits_for_not_before_and_counts_the_attempt():
    outbox = MemoryOutbox()
    outbox.add("a")
    (item,) = await outbox.claim("telegram", 1, T0)
    await outbox.retry_later(item.id, T0 + timedelta(seconds=30), "flood_wait")
    assert await outbox.claim("telegram", 1, T0 + timedelta(seconds=29)) == []
    (again,) = await outbox.claim("telegram", 1, T0 + timedelta(seconds=30))
    assert again.attempts == 1 and again.last_error == "flood_wait"


async def test_requeue_stale_returns_only_old_sending_rows_of_the_channel():
    outbox = MemoryOutbox()
    outbox.add_many(["old1", "old2", "new", "done"])
    outbox.add("zalo-old", channel="zalo")
    old = await outbox.claim("telegram", 2, T0)
    await outbox.claim("zalo", 1, T0)
    newer = await outbox.claim("telegram", 2, T0 + timedelta(minutes=10))
    await outbox.mark_sent(newer[1].id, "m1")
    count = await outbox.requeue_stale("telegram", T0 + timedelta(minutes=5))
    assert count == 2
    assert all(outbox.rows[i.id].state == "pending" and outbox.rows[i.id].attempts == 0
               for i in old)  # a crash is not the recipient's fault: no attempt counted
    assert outbox.row_for("new").state == "sending"  # claimed after the cut-off: still leased
    assert outbox.row_for("done").state == "sent"  # final rows are never touched
    assert outbox.row_for("zalo-old").state == "sending"  # another channel's drain owns it
    assert await outbox.requeue_stale("telegram", T0 + timedelta(minutes=10)) == 1


async def test_final_states_cannot_be_left():
    outbox = MemoryOutbox()
    outbox.add("a")
    (item,) = await outbox.claim("telegram", 1, T0)
    await outbox.mark_blocked(item.id)
    with pytest.raises(AssertionError):
        await outbox.mark_sent(item.id, "late")
