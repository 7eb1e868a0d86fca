"""One budget per bot account: replies go first, are paced per chat and never dropped; a 429
for one chat holds back only that chat's notifications. On virtual time."""
from __future__ import annotations

import asyncio

import pytest

from delivery.account import Account, ChatPacer
from delivery.drain import FloodScope
from delivery.errors import FloodWait
from delivery.item import OutboxItem, RecipientKind
from delivery.states import DeliveryState, may_move
from tests.fakes.clock import FakeClock
from tests.unit.broadcasts.conftest import assert_within_rate


async def test_a_reply_goes_before_every_waiting_drain_send():
    clock = FakeClock()
    account = Account(10, clock, burst=1)
    order: list[str] = []

    async def drain_send(name: str) -> None:
        await account.bucket.acquire()
        order.append(name)

    async def reply() -> None:
        await account.reply_slot("42")
        order.append("reply")

    bulk = [asyncio.create_task(drain_send(f"bulk{n}")) for n in range(5)]
    await asyncio.sleep(0)
    await asyncio.gather(*bulk, reply())
    assert order.index("reply") <= 2        # ahead of the bulk acquirers still waiting
    assert order[0] == "bulk0"              # the free token was already taken


async def test_a_chat_gets_its_burst_then_one_message_a_second():
    clock = FakeClock(start=0.0)
    pacer = ChatPacer(1.0, 3, clock)
    times = []
    for _ in range(6):
        await pacer.acquire("42")
        times.append(clock.now())
    assert times[:3] == [0.0, 0.0, 0.0] and times[3:] == pytest.approx([1.0, 2.0, 3.0])
    await pacer.acquire("43")               # another chat is not held back
    assert clock.now() == pytest.approx(3.0)


async def test_a_reply_that_gets_a_flood_wait_is_sent_again_after_it():
    clock = FakeClock(start=0.0)
    account = Account(30, clock)
    attempts: list[float] = []

    async def send() -> str:
        attempts.append(clock.now())
        if len(attempts) < 3:
            raise RuntimeError("429")
        return "ok"

    result = await account.reply("42", send, lambda e: FloodWait(5) if "429" in str(e) else None)
    assert result == "ok" and account.reply_floods == 2
    assert attempts[1] >= attempts[0] + 5 and attempts[2] >= attempts[1] + 5


async def test_any_other_error_of_a_reply_is_the_caller_s():
    account = Account(30, FakeClock())

    async def send() -> str:
        raise ValueError("bad request")

    with pytest.raises(ValueError):
        await account.reply("42", send, lambda e: None)


async def test_replies_and_drain_sends_together_stay_within_the_account_rate(make_drain, outbox,
                                                                              sender, clock):
    account = Account(30, clock, burst=3)
    outbox.add_many([f"c{n}" for n in range(60)])
    drain = make_drain(rate=25, burst=2, concurrency=8, account=account.bucket, batch_size=100)
    replies: list[float] = []

    async def reply(n: int) -> None:
        await account.reply_slot(f"r{n % 5}")
        replies.append(clock.now())

    await asyncio.gather(drain.run_once(), *(reply(n) for n in range(20)))
    sends = [c.at for c in sender.calls]
    assert len(sends) == 60 and len(replies) == 20
    assert_within_rate(sends + replies, 30, 3)
    assert max(replies) < max(sends)        # the replies did not wait for the broadcast


async def test_a_flood_wait_for_one_chat_holds_back_only_that_chat(make_drain, outbox, sender,
                                                                   clock):
    outbox.add_many([f"c{n}" for n in range(20)])
    sender.will("c3", FloodWait(retry_after=30))
    drain = make_drain(rate=10, concurrency=2, flood_scope=FloodScope.CHAT_FIRST)
    await drain.run_once()
    flood_at = sender.times_for("c3")[0]
    others = [c.at for c in sender.calls if c.chat_id != "c3"]
    assert len(others) == 19 and max(others) < flood_at + 5   # the others kept their pace
    assert outbox.row_for("c3").state == "pending" and drain.rate == 10
    assert drain.stats.flood_waits == 1


async def test_flood_waits_from_two_chats_pause_the_whole_account(make_drain, outbox, sender,
                                                                  clock):
    outbox.add_many([f"c{n}" for n in range(20)])
    sender.will("c3", FloodWait(retry_after=10))
    sender.will("c4", FloodWait(retry_after=10))
    drain = make_drain(rate=10, concurrency=1, flood_scope=FloodScope.CHAT_FIRST)
    await drain.run_once()
    second = sender.times_for("c4")[0]
    assert [c.at for c in sender.calls if second < c.at < second + 10] == []


def test_an_item_says_who_it_is_for_and_a_final_state_never_moves():
    tipster = OutboxItem(id=1, channel="telegram", recipient=RecipientKind.TIPSTER, tip_id=7,
                         notification_id=1)
    assert tipster.chat_id is None and tipster.pacing_key == "tipster:7"
    assert OutboxItem(id=2, channel="telegram", chat_id="42").pacing_key == "chat:42"
    assert may_move(DeliveryState.PENDING, DeliveryState.SENDING)
    assert may_move(DeliveryState.SENDING, DeliveryState.PENDING)        # a retry
    assert not may_move(DeliveryState.PENDING, DeliveryState.SENT)       # never unclaimed
    assert not any(may_move(final, other) for final in DeliveryState if final.is_final
                   for other in DeliveryState)
