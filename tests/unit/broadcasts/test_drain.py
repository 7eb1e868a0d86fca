"""The drain sends each row once at the channel's pace and records every outcome."""
from __future__ import annotations

import asyncio

import pytest

from delivery.drain import CHAT_NOT_FOUND, FLOOD_WAIT
from delivery.errors import (ChatNotFound, FloodWait, PermanentSendError, RecipientGone,
                               SendError, TransientSendError)
from delivery.pacing import AdaptiveRate
from tests.unit.broadcasts.conftest import assert_within_rate

CHATS = [f"chat{n}" for n in range(40)]


async def drain_until_settled(drain, outbox, clock, *, limit: float = 600.0) -> None:
    """Run batches, idling 0.5 s like ``run`` does, until no row is pending or sending."""
    deadline = clock.now() + limit
    while clock.now() < deadline:
        if await drain.run_once() == 0:
            if not any(s in ("pending", "sending") for s in outbox.states()):
                return
            await clock.sleep(0.5)
    raise AssertionError(f"outbox did not settle: {outbox.states()}")


async def test_every_row_is_sent_once_at_the_bucket_pace(make_drain, outbox, sender, clock):
    outbox.add_many([f"c{n}" for n in range(120)])
    drain = make_drain(rate=25, burst=1, batch_size=50)
    start = clock.now()
    await drain_until_settled(drain, outbox, clock)
    assert outbox.states() == {"sent": 120}
    assert sorted(c.item_id for c in sender.delivered) == sorted(outbox.rows)
    times = [c.at for c in sender.calls]
    assert_within_rate(times, 25, 1)
    assert max(times) - start == pytest.approx(119 / 25, abs=0.01)  # at the limit, not below it
    assert drain.stats.sent == 120 and drain.stats.finished == 120
    assert all(r.message_ref and r.history == ["pending", "sending", "sent"]
               for r in outbox.rows.values())


async def test_a_slow_send_does_not_stall_the_others(make_drain, outbox, sender, clock):
    outbox.add_many(CHATS)
    sender.slow["chat0"] = 5.0  # one HTTP call hangs for five seconds
    sender.latency = 0.05
    drain = make_drain(rate=20, concurrency=8)
    start = clock.now()
    await drain.run_once()
    others = [c.at - start for c in sender.calls if c.chat_id != "chat0"]
    assert max(others) == pytest.approx(39 / 20, abs=0.01)
    assert sender.max_in_flight <= 8
    assert outbox.states() == {"sent": 40}


async def test_concurrency_bounds_sends_in_flight(make_drain, outbox, sender, clock):
    outbox.add_many(CHATS)
    sender.latency = 1.0
    drain = make_drain(rate=1000, burst=1000, concurrency=4)
    start = clock.now()
    await drain.run_once()
    assert sender.max_in_flight == 4
    assert clock.now() - start == pytest.approx(10)  # 40 sends, 4 at a time, 1 s each


async def test_flood_wait_pauses_everything_until_its_deadline(make_drain, outbox, sender, clock):
    outbox.add_many(CHATS)
    sender.will("chat5", FloodWait(retry_after=7))
    drain = make_drain(rate=25, concurrency=1)
    await drain_until_settled(drain, outbox, clock)
    flood_at = sender.times_for("chat5")[0]
    after = [c.at for c in sender.calls if c.at > flood_at]
    assert min(after) >= flood_at + 7  # nobody was sent to during the pause
    assert len(sender.times_for("chat5")) == 2  # re-sent exactly once, after the deadline
    assert sender.times_for("chat5")[1] >= flood_at + 7
    row = outbox.row_for("chat5")
    assert row.state == "sent" and row.attempts == 1 and row.last_error == FLOOD_WAIT
    assert row.history == ["pending", "sending", "pending", "sending", "sent"]
    assert drain.stats.flood_waits == 1 and drain.stats.sent == 40
    assert len(sender.delivered) == 40


async def test_flood_wait_with_sends_in_flight_starts_none_during_the_pause(make_drain, outbox,
                                                                              sender, clock):
    outbox.add_many([f"c{n}" for n in range(100)])
    sender.latency = 0.25  # the 429 arrives a quarter second after the request left
    sender.will("c10", FloodWait(retry_after=4))
    drain = make_drain(rate=25, concurrency=8)
    await drain_until_settled(drain, outbox, clock)
    answered_at = sender.times_for("c10")[0] + 0.25
    during = [c for c in sender.calls if answered_at < c.at < answered_at + 4]
    assert during == []
    assert len(sender.delivered) == 100 and outbox.states() == {"sent": 100}
    assert_within_rate([c.at for c in sender.calls], 25, 1)


async def test_flood_wait_lowers_the_rate_with_a_policy(make_drain, outbox, sender, clock):
    outbox.add_many(CHATS[:10])
    sender.will("chat2", FloodWait(3))
    drain = make_drain(rate=25, concurrency=1, rate_policy=AdaptiveRate(25, clock=clock))
    await drain.run_once()
    assert drain.rate == pytest.approx(20)


async def test_blocked_recipients_are_marked_and_reported(make_drain, outbox, sender):
    outbox.add_many(CHATS[:6], subscriber_id=None)
    sender.will("chat1", RecipientGone("bot was blocked by the user"))
    sender.will("chat4", RecipientGone("user is deactivated"))
    reported = []

    async def on_blocked(item):
        reported.append(item.chat_id)

    drain = make_drain(on_blocked=on_blocked)
    await drain.run_once()
    assert outbox.states() == {"sent": 4, "blocked": 2}
    assert sorted(reported) == ["chat1", "chat4"]
    assert drain.stats.blocked == 2


async def test_a_failing_on_blocked_hook_does_not_stop_the_drain(make_drain, outbox, sender):
    outbox.add_many(CHATS[:5])
    sender.will("chat0", RecipientGone())

    async def on_blocked(item):
        raise RuntimeError("subscriber table locked")

    drain = make_drain(on_blocked=on_blocked)
    await drain.run_once()
    assert outbox.states() == {"sent": 4, "blocked": 1}


async def test_chat_not_found_is_retried_once_then_blocked(make_drain, outbox, sender, clock):
    outbox.add_many(["gone", "flaky"])
    sender.will("gone", ChatNotFound(), ChatNotFound())
    sender.will("flaky", ChatNotFound(), None)
    reported = []

    async def on_blocked(item):
        reported.append(item.chat_id)

    drain = make_drain(on_blocked=on_blocked)
    await drain.run_once()
    assert outbox.row_for("gone").state == "pending"
    assert outbox.row_for("gone").last_error == CHAT_NOT_FOUND
    await drain_until_settled(drain, outbox, clock)
    assert outbox.row_for("gone").state == "blocked" and reported == ["gone"]
    assert outbox.row_for("flaky").state == "sent"
    assert len(sender.times_for("gone")) == 2
    assert drain.stats.retried == 2 and drain.stats.blocked == 1


async def test_transient_errors_back_off_then_give_up(make_drain, outbox, sender, clock):
    outbox.add("shaky")
    sender.will("shaky", *[TransientSendError("502 Bad Gateway")] * 10)
    drain = make_drain(max_attempts=5, backoff_base=2.0)
    await drain_until_settled(drain, outbox, clock)
    times = sender.times_for("shaky")
    assert len(times) == 5  # max_attempts sends in all
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert [round(g) for g in gaps] == [2, 4, 8, 16]  # not_before doubles (claim is polled)
    assert all(g >= expected for g, expected in zip(gaps, [2, 4, 8, 16]))
    row = outbox.row_for("shaky")
    assert row.state == "failed" and row.last_error == "502 Bad Gateway" and row.attempts == 4
    assert drain.stats.retried == 4 and drain.stats.failed == 1


async def test_transient_error_then_success_is_sent(make_drain, outbox, sender, clock):
    outbox.add("x")
    sender.will("x", TransientSendError(), None)
    drain = make_drain()
    await drain_until_settled(drain, outbox, clock)
    assert outbox.row_for("x").state == "sent"
    assert outbox.row_for("x").last_error == "TransientSendError"


async def test_permanent_errors_fail_with_their_reason(make_drain, outbox, sender):
    outbox.add_many(["a", "b"])
    sender.will("a", PermanentSendError("Bad Request: message is too long"))
    drain = make_drain()
    await drain.run_once()
    assert outbox.row_for("a").state == "failed"
    assert outbox.row_for("a").last_error == "Bad Request: message is too long"
    assert outbox.row_for("b").state == "sent"


async def test_unknown_exceptions_do_not_stop_the_drain(make_drain, outbox, sender):
    outbox.add_many(CHATS[:10])
    sender.will("chat3", KeyError("payload"))
    sender.will("chat6", SendError("a subclass nobody classified"))
    drain = make_drain()
    assert await drain.run_once() == 10
    assert outbox.row_for("chat3").state == "failed"
    assert outbox.row_for("chat3").last_error == "KeyError"
    assert outbox.row_for("chat6").last_error == "SendError"
    assert outbox.states() == {"sent": 8, "failed": 2}


async def test_per_chat_spacing_defers_a_chat_while_others_proceed(make_drain, outbox, sender):
    # Three parts of a long bulletin to "busy", queued first, then twenty other chats.
    outbox.add_many(["busy", "busy", "busy"] + CHATS[:20])
    drain = make_drain(rate=25, min_interval=1.0)
    await drain.run_once()
    busy = sender.times_for("busy")
    assert len(busy) == 3
    assert all(b - a >= 1.0 for a, b in zip(busy, busy[1:]))
    others = [c.at for c in sender.calls if c.chat_id != "busy"]
    assert max(others) < busy[1]  # everyone else went first, at the full rate
    assert_within_rate([c.at for c in sender.calls], 25, 1)


async def test_spacing_holds_across_batches(make_drain, outbox, sender, clock):
    outbox.add_many(["a", "b", "a", "b", "a"])
    drain = make_drain(rate=100, batch_size=2)
    await drain_until_settled(drain, outbox, clock)
    for chat in ("a", "b"):
        times = sender.times_for(chat)
        assert all(y - x >= 1.0 for x, y in zip(times, times[1:]))


async def test_run_stops_when_asked_and_idles_meanwhile(make_drain, outbox, sender, clock):
    drain = make_drain()
    stop = asyncio.Event()
    task = asyncio.create_task(drain.run(stop, idle_sleep=0.5))
    await clock.sleep(3)
    outbox.add_many(CHATS[:5])
    await clock.sleep(2)
    assert outbox.states() == {"sent": 5}
    stop.set()
    await asyncio.wait_for(task, 1)


async def test_run_requeues_rows_a_crash_left_sending(make_drain, outbox, sender, clock):
    outbox.add_many(CHATS[:6])
    await outbox.claim("telegram", 3, clock.utcnow())  # a previous process died mid-batch
    drain = make_drain()
    stop = asyncio.Event()
    task = asyncio.create_task(drain.run(stop))
    await clock.sleep(5)
    stop.set()
    await task
    assert outbox.states() == {"sent": 6}
    assert all(r.attempts == 0 for r in outbox.rows.values())


async def test_a_crash_mid_batch_repeats_at_most_the_sends_in_flight(make_drain, outbox, sender,
                                                                      clock):
    outbox.add_many([f"c{n}" for n in range(100)])
    sender.latency = 0.3
    first = make_drain(rate=25, concurrency=8)
    task = asyncio.create_task(first.run(asyncio.Event()))
    await clock.sleep(1.5)
    task.cancel()  # kill -9: nothing after this line of the old drain runs
    await asyncio.gather(task, return_exceptions=True)
    in_flight = sender.in_flight
    assert 0 < in_flight <= 8  # the kill really happened mid-send
    sender.in_flight = 0
    second = make_drain(rate=25, concurrency=8)
    stop = asyncio.Event()
    task = asyncio.create_task(second.run(stop))
    await clock.sleep(10)
    stop.set()
    await task
    assert outbox.states() == {"sent": 100}
    delivered = [c.chat_id for c in sender.delivered]
    assert set(delivered) == {f"c{n}" for n in range(100)}  # nothing lost
    assert len(delivered) - 100 <= in_flight <= 8  # repeats bounded by the sends in flight


async def test_run_waits_out_a_storage_outage_without_losing_rows(make_drain, outbox, sender,
                                                                   clock):
    outbox.add_many([f"c{n}" for n in range(60)])
    sender.latency = 0.1
    drain = make_drain(rate=25)
    stop = asyncio.Event()
    task = asyncio.create_task(drain.run(stop))
    await clock.sleep(1.0)
    outbox.down = True  # the database goes away mid-batch
    await clock.sleep(20)
    assert not task.done()
    outbox.down = False
    await clock.sleep(40)
    stop.set()
    await task
    assert outbox.states() == {"sent": 60}
    assert {c.chat_id for c in sender.delivered} == {f"c{n}" for n in range(60)}
    assert len(sender.delivered) - 60 <= 8  # only the sends whose result could not be recorded
    requeued = [r for r in outbox.rows.values() if r.history.count("sending") > 1]
    assert requeued and all(r.attempts == 0 for r in requeued)  # the outage hit a batch


async def test_run_once_reports_a_storage_error_after_in_flight_sends(make_drain, outbox, sender):
    outbox.add_many(CHATS[:3])
    drain = make_drain()
    outbox.down = True
    with pytest.raises(ConnectionError):
        await drain.run_once()


def test_drain_rejects_nonsense_options(make_drain):
    with pytest.raises(ValueError):
        make_drain(concurrency=0)
