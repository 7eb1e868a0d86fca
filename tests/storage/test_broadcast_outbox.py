"""The broadcast tables on the real database (SQLite and PostgreSQL): fan-out, claims, leases."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from broadcasts.model import Audience, Status
from broadcasts.recurrence import next_occurrence
from handlers.domain import Role, SubscriberStatus
from storage.repositories.broadcast_lifecycle import BroadcastLifecycle
from storage.outboxes.broadcast import SqlOutbox
from storage.outboxes.lease import DrainLease
from tests.e2e.broadcasts.people import (broadcast, broadcast_row, ledger_of, many_residents,
                                        member, outbox_rows, resident)

CHANNELS = ["telegram"]


def lifecycle(app, **options) -> BroadcastLifecycle:
    return BroadcastLifecycle(app.engine, next_occurrence, **options)


def now() -> datetime:
    return datetime.now(timezone.utc)


async def start_and_fan_out(app, broadcast_id: int, **options) -> BroadcastLifecycle:
    steps = lifecycle(app, **options)
    assert broadcast_id in await steps.start_due(now())
    await steps.fan_out(CHANNELS)
    return steps


async def test_fan_out_reaches_exactly_the_chosen_residents_once_each(app):
    await resident(app, 1)                                    # every topic: one row, not seven
    await resident(app, 2, topics=("fraud",))
    await resident(app, 3, topics=("drugs",))                 # another topic
    await resident(app, 4, slug="viet-ngoc")                  # another commune
    await resident(app, 5, status=SubscriberStatus.UNSUBSCRIBED)
    await resident(app, 6, status=SubscriberStatus.BLOCKED)
    await resident(app, 7, status=SubscriberStatus.ONBOARDING)
    await resident(app, 8, channel="console")                 # no drain for this channel
    await resident(app, 9, slug="nha-nam", topics=("fraud", "theft"))
    bid = await broadcast(app, topics=("fraud", "theft"), units=("cao-thuong", "nha-nam"))
    await start_and_fan_out(app, bid, batch=2)
    rows = await outbox_rows(app, bid)
    assert sorted(r.chat_id for r in rows) == ["1", "2", "9"]
    assert {r.state for r in rows} == {"pending"}
    info = await broadcast_row(app, bid)
    assert info.fanout_done and info.total == 3 and info.status == "running"
    published = await ledger_of(app, "bulletin_published")
    assert len(published) == 2 and all(e.ref == str(bid) for e in published)


async def test_team_members_and_both_audiences_count_a_person_once(app):
    await resident(app, 1)
    await resident(app, 2)
    await member(app, 2, Role.TEAM_MEMBER)                    # also a subscriber
    await member(app, 3, Role.TEAM_MEMBER)
    await member(app, 4, Role.TEAM_MEMBER, slug="viet-ngoc")
    await member(app, 5, Role.OFFICER)
    team = await broadcast(app, audience=Audience.TEAM)
    both = await broadcast(app, audience=Audience.BOTH)
    async with app.uow() as uow:
        counted = await uow.broadcasts.count_recipients(["fraud"], [(await uow.units.by_slug(
            "cao-thuong")).id], False, "both", CHANNELS)
    assert counted == 3
    steps = lifecycle(app)
    await steps.start_due(now())
    await steps.fan_out(CHANNELS)
    assert sorted(r.chat_id for r in await outbox_rows(app, team)) == ["2", "3"]
    assert sorted(r.chat_id for r in await outbox_rows(app, both)) == ["1", "2", "3"]


async def test_fan_out_in_batches_resumes_and_never_adds_twice(app):
    await many_residents(app, 250)
    bid = await broadcast(app)
    steps = lifecycle(app, batch=40)
    await steps.start_due(now())
    async with app.engine.begin() as conn:   # a crash after two batches: cursor stays at 80
        from sqlalchemy import update

        from storage.tables.broadcasts import BroadcastRow
        await conn.execute(update(BroadcastRow).values(fanout_lease_until=now()))
    assert await steps.fan_out(CHANNELS) == 250
    assert await steps.fan_out(CHANNELS) == 0               # done: a second run adds nothing
    assert len({r.chat_id for r in await outbox_rows(app, bid)}) == 250


async def test_claims_lease_rows_of_running_broadcasts_only_and_never_twice(app):
    for n in range(1, 21):
        await resident(app, n)
    bid = await broadcast(app)
    paused = await broadcast(app)
    steps = await start_and_fan_out(app, bid)
    await steps.fan_out(CHANNELS)
    async with app.uow() as uow:
        await uow.broadcasts.change(paused, {"running"}, "paused", now())
        await uow.commit()
    outbox = SqlOutbox(app.engine)
    first, second = await asyncio.gather(outbox.claim("telegram", 8, now()),
                                         outbox.claim("telegram", 8, now()))
    third = await outbox.claim("telegram", 8, now())
    ids = [i.id for i in first + second + third]
    assert len(ids) == len(set(ids)) == 20                  # disjoint, all of the running one
    assert {i.broadcast_id for i in first + second + third} == {bid}
    assert await outbox.claim("zalo", 8, now()) == []


async def test_outcomes_are_recorded_with_their_ledger_rows(app):
    ids = [await resident(app, n) for n in range(1, 5)]
    bid = await broadcast(app)
    steps = await start_and_fan_out(app, bid)
    outbox = SqlOutbox(app.engine)
    items = await outbox.claim("telegram", 10, now())
    assert items[0].language == "vi" and items[0].broadcast_id == bid and items[0].subscriber_id in ids
    await outbox.mark_sent(items[0].id, "1:55")
    await outbox.mark_blocked(items[1].id)
    await outbox.mark_failed(items[2].id, "Bad Request: nonsense")
    await outbox.retry_later(items[3].id, now() + timedelta(hours=1), "chat_not_found")
    await outbox.mark_sent(items[0].id, "again")            # no longer 'sending': ignored
    assert await outbox.claim("telegram", 10, now()) == []   # the retry waits for not_before
    later = await outbox.claim("telegram", 10, now() + timedelta(hours=2))
    assert [i.last_error for i in later] == ["chat_not_found"] and later[0].attempts == 1
    assert await outbox.requeue_stale("telegram", now() + timedelta(hours=2)) == 1
    kinds = [(e.kind, e.ref, e.topic) for e in await ledger_of(app, "delivered",
                                                               "delivery_blocked",
                                                               "delivery_failed")]
    assert kinds == [("delivered", str(bid), "fraud"), ("delivery_blocked", str(bid), "fraud"),
                     ("delivery_failed", str(bid), "fraud")]
    assert not await steps.finish_done(now())               # one row still pending


async def test_expiry_and_finish_write_final_counts(app):
    for n in range(1, 4):
        await resident(app, n)
    soon = await broadcast(app, expires=now() + timedelta(seconds=30))
    steps = await start_and_fan_out(app, soon)
    outbox = SqlOutbox(app.engine)
    (item,) = await outbox.claim("telegram", 1, now())
    await outbox.mark_sent(item.id, "ok")
    assert await steps.expire_due(now() + timedelta(minutes=1)) == [soon]
    row = await broadcast_row(app, soon)
    assert (row.status, row.sent, row.expired) == ("expired", 1, 2)
    assert len(await ledger_of(app, "delivery_expired")) == 2
    done = await broadcast(app)
    await steps.start_due(now())
    await steps.fan_out(CHANNELS)
    for item in await outbox.claim("telegram", 10, now()):
        await outbox.mark_sent(item.id, "ok")
    assert await steps.finish_done(now()) == [done]
    assert (await broadcast_row(app, done)).sent == 3


async def test_recurring_bulletin_fires_once_per_time_even_with_two_schedulers(app):
    await resident(app, 1)
    due = now() - timedelta(minutes=1)
    parent = await broadcast(app, recurrence="daily@08:00", start=due)
    first, second = lifecycle(app), lifecycle(app)
    fired = await asyncio.gather(first.fire_recurring(now()), second.fire_recurring(now()))
    assert sum(fired) == 1
    row = await broadcast_row(app, parent)
    assert row.status == "scheduled" and row.start_at.replace(tzinfo=timezone.utc) > now()
    started = await first.start_due(now()) + await second.start_due(now())
    assert len(started) == 1
    assert (await broadcast_row(app, started[0])).parent_id == parent


async def test_cancel_withdraws_unsent_copies_and_a_finished_one_cannot_change(app):
    for n in range(1, 4):
        await resident(app, n)
    bid = await broadcast(app)
    await start_and_fan_out(app, bid)
    async with app.uow() as uow:
        assert await uow.broadcasts.change(bid, {"running", "paused"}, "cancelled", now())
        assert not await uow.broadcasts.change(bid, {"running", "paused"}, "cancelled", now())
        await uow.commit()
    assert {r.state for r in await outbox_rows(app, bid)} == {"cancelled"}
    async with app.uow() as uow:
        assert (await uow.broadcasts.get(bid)).status == Status.CANCELLED.value


async def test_one_lease_holder_at_a_time_and_takeover_after_expiry(app):
    first = DrainLease(app.engine, "telegram", "first", ttl=0.5)
    second = DrainLease(app.engine, "telegram", "second", ttl=0.5)
    results = await asyncio.gather(first.acquire(), second.acquire())
    assert sorted(results) == [False, True]
    holder, other = (first, second) if results[0] else (second, first)
    assert await holder.acquire() and not await other.acquire()
    await asyncio.sleep(0.7)                                   # the holder died: no renewal
    assert await other.acquire() and not await holder.acquire()
    await other.release()
    assert await holder.acquire()
    assert await holder.holder_now() == holder.holder


async def test_outcomes_finishing_together_keep_every_state_transition(app):
    """Sends that finish at the same moment are written in one group: each row still gets its
    own state, reference, reason and ledger row, and a row no longer 'sending' is left alone."""
    for n in range(1, 8):
        await resident(app, n)
    bid = await broadcast(app)
    await start_and_fan_out(app, bid)
    outbox = SqlOutbox(app.engine)
    items = await outbox.claim("telegram", 10, now())
    sent, blocked, failed, unreached, retried, sent_too, stale = (i.id for i in items)
    await outbox.release([stale])                             # e.g. a lease lost meanwhile
    later = now() + timedelta(hours=1)
    await asyncio.gather(
        outbox.mark_sent(sent, "1:55"), outbox.mark_blocked(blocked),
        outbox.mark_failed(failed, "Bad Request: nonsense"),
        outbox.mark_unreached(unreached, "outside the window"),
        outbox.retry_later(retried, later, "flood_wait"), outbox.mark_sent(sent_too, "2:56"),
        outbox.mark_sent(stale, "never"), outbox.mark_sent(sent, "twice"))
    rows = {r.id: r for r in await outbox_rows(app, bid)}
    assert [(rows[i].state, rows[i].message_ref, rows[i].last_error) for i in
            (sent, blocked, failed, unreached, sent_too, stale)] == [
        ("sent", "1:55", None), ("blocked", None, None), ("failed", None, "Bad Request: nonsense"),
        ("unreached", None, "outside the window"), ("sent", "2:56", None), ("pending", None, None)]
    assert all(rows[i].done_at is not None for i in (sent, blocked, failed, unreached, sent_too))
    retry = rows[retried]
    assert (retry.state, retry.attempts, retry.last_error) == ("pending", 1, "flood_wait")
    assert retry.claimed_at is None and retry.not_before.replace(tzinfo=timezone.utc) == later
    ledger = await ledger_of(app, "delivered", "delivery_blocked", "delivery_failed",
                             "delivery_out_of_reach")
    assert sorted((e.kind, e.data) for e in ledger) == [
        ("delivered", None), ("delivered", None), ("delivery_blocked", None),
        ("delivery_failed", {"reason": "Bad Request: nonsense"}),
        ("delivery_out_of_reach", {"reason": "outside the window"})]
    assert {(e.ref, e.topic, e.channel) for e in ledger} == {(str(bid), "fraud", "telegram")}
