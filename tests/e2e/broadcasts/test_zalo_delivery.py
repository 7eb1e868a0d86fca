"""One bulletin to Telegram and both Zalo products: the real bot, the strict fakes, real storage.

Residents outside the OA's reply window are not sent anything; their rows end 'unreached' with
one delivery_out_of_reach ledger event each, and the status counts show them.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from handlers.domain import SubscriberStatus
from tests.e2e.broadcasts.people import (broadcast, ledger_of, outbox_rows, resident,
                                        subscriber_status)
from tests.e2e.broadcasts.telegram import FAST, bot, deliveries, until_status
from tests.fakes.botapi.server import FakeBotApi
from tests.fakes.zalo.botplatform import FakeZaloBot
from tests.fakes.zalo.oa import FakeZaloOA
from tests.channels.zalo.harness import bot_settings, oa_settings, running_zalo

TEXT = "Cảnh báo: kẻ gian giả danh công an gọi điện đòi chuyển tiền"
PHOTO = "https://example.org/canh-bao.jpg"


class TimedZaloBot(FakeZaloBot):
    """The Bot Platform fake, noting when each message arrived."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.arrivals: list[float] = []

    def record(self, sent) -> None:
        self.arrivals.append(time.monotonic())
        super().record(sent)


class TimedZaloOA(FakeZaloOA):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.arrivals: list[float] = []

    def record(self, sent) -> None:
        self.arrivals.append(time.monotonic())
        super().record(sent)


@pytest.fixture
async def api():
    async with FakeBotApi(per_chat_rate=1.0, per_chat_burst=30) as fake:
        yield fake


@pytest.fixture
async def oa():
    async with TimedZaloOA() as fake:
        yield fake


@pytest.fixture
async def zbot():
    async with TimedZaloBot() as fake:
        yield fake


async def interacted(app, oa, user: str, hours_ago: float | None) -> None:
    """The user last wrote to the OA ``hours_ago`` (None: never), as Zalo and we remember it."""
    if hours_ago is None:
        return
    at = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    oa.user(user).last_interaction = at.timestamp()
    async with app.uow() as uow:
        await uow.zalo_interactions.touch("zalo_oa", user, at)
        await uow.commit()


async def zalo_people(app, oa, zbot) -> dict[str, list[str]]:
    """OA and Bot Platform residents of Cao Thượng (and one elsewhere) for a fraud bulletin."""
    groups = {"oa_in": ["6001", "6002", "6003"], "oa_out": ["6101", "6102"],
              "oa_gone": ["6201"], "oa_no": ["6301"],
              "bot_in": ["z-7001", "z-7002"], "bot_gone": ["z-7101"], "bot_no": ["z-7301"]}
    hours = {"6001": 1, "6002": 30, "6003": 24 * 5,     # free window, and the billed days
             "6101": 24 * 10, "6102": None,              # 10 days ago; never wrote
             "6201": 2, "6301": 1}
    for user, ago in hours.items():
        await resident(app, user, channel="zalo_oa",
                       slug="viet-ngoc" if user in groups["oa_no"] else "cao-thuong")
        await interacted(app, oa, user, ago)
    oa.user("6201").follows = False                      # unfollowed: Zalo answers -213
    for user in groups["bot_in"] + groups["bot_gone"] + groups["bot_no"]:
        await resident(app, user, channel="zalo_bot",
                       slug="viet-ngoc" if user in groups["bot_no"] else "cao-thuong")
        zbot.chats.add(user)
    zbot.blocked.add("z-7101")                           # blocked the bot: HTTP-like 403
    return groups


def zalo_text(text: str, broadcast_id: int) -> str:
    """A bulletin as Zalo residents get it: the text, then what to type to send a tip."""
    return (f"{text}\n\n🔎 Có thông tin liên quan? Gõ /tobao {broadcast_id} để báo cho công an "
            "(có thể ẩn danh).")


def zalo_settings(oa, tokens, zbot, **more) -> dict:
    return {**oa_settings(oa, tokens), **bot_settings(zbot, "polling"), **more}


async def test_one_bulletin_reaches_telegram_and_both_zalo_products(app, database_url, api,
                                                                    oa, zbot):
    telegram = {"yes": [101, 102], "no": [201]}
    for user in telegram["yes"]:
        await resident(app, user)
        api.add_user(user)
    await resident(app, 201, slug="viet-ngoc")
    api.add_user(201)
    groups = await zalo_people(app, oa, zbot)
    tokens = oa.issue_tokens()
    async with bot(database_url, api, **zalo_settings(oa, tokens, zbot)):
        broadcast_id = await broadcast(app, TEXT)
        await until_status(app, broadcast_id, "finished", timeout=30)
        async with app.uow() as uow:
            view = await uow.broadcasts.get(broadcast_id)
    for user in telegram["yes"]:
        assert len(deliveries(api, user, TEXT)) == 1
    assert deliveries(api, 201, TEXT) == []
    for user in groups["oa_in"]:
        assert [m.text for m in oa.messages_to(user)] == [zalo_text(TEXT, broadcast_id)], user
    for user in groups["oa_out"] + groups["oa_gone"] + groups["oa_no"]:
        assert oa.messages_to(user) == [], user
    attempted = {c.params.get("recipient", {}).get("user_id") for c in oa.calls if c.path == "cs"}
    assert attempted.isdisjoint(groups["oa_out"]), "out-of-window residents are never attempted"
    for user in groups["bot_in"]:
        assert [m.text for m in zbot.messages_to(user)] == [zalo_text(TEXT, broadcast_id)], user
    for user in groups["bot_gone"] + groups["bot_no"]:
        assert zbot.messages_to(user) == [], user

    rows = {(r.channel, r.chat_id): r for r in await outbox_rows(app, broadcast_id)}
    assert len(rows) == 2 + 5 + 1 + 2 + 1            # one row per recipient and channel
    for user in groups["oa_out"]:
        row = rows[("zalo_oa", user)]
        assert (row.state, row.last_error, row.attempts) == ("unreached", "zalo_outside_window", 0)
    assert rows[("zalo_oa", "6201")].state == "blocked"
    assert rows[("zalo_bot", "z-7101")].state == "blocked"
    assert await subscriber_status(app, "6201", "zalo_oa") is SubscriberStatus.BLOCKED
    assert await subscriber_status(app, "z-7101", "zalo_bot") is SubscriberStatus.BLOCKED

    events = await ledger_of(app, "delivered", "delivery_failed", "delivery_blocked",
                             "delivery_out_of_reach")
    by_kind: dict[str, list] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    assert sorted(e.channel for e in by_kind["delivered"]) == (
        ["telegram"] * 2 + ["zalo_bot"] * 2 + ["zalo_oa"] * 3)
    assert "delivery_failed" not in by_kind
    assert sorted(e.channel for e in by_kind["delivery_blocked"]) == ["zalo_bot", "zalo_oa"]
    out = by_kind["delivery_out_of_reach"]
    assert len(out) == 2 and {e.channel for e in out} == {"zalo_oa"}
    assert all(e.data == {"reason": "zalo_outside_window"} and e.ref == str(broadcast_id)
               for e in out)
    assert (view.sent, view.blocked, view.failed, view.unreached) == (7, 2, 0, 2)
    assert api.count_429 == 0


async def test_long_bulletin_with_a_photo_on_both_zalo_products(app, database_url, oa, zbot):
    """Split at 2,000 characters; the photo by link (each API takes one), before the text."""
    text = " ".join(f"Câu cảnh báo số {n} về lừa đảo qua điện thoại." for n in range(80))
    assert 2000 < len(text) < 4000
    await resident(app, "6001", channel="zalo_oa")
    await interacted(app, oa, "6001", 1)
    await resident(app, "z-7001", channel="zalo_bot")
    zbot.chats.add("z-7001")
    tokens = oa.issue_tokens()
    async with running_zalo(database_url, oa=oa, tokens=tokens, bot=zbot, **FAST):
        broadcast_id = await broadcast(app, text, photo=PHOTO)
        await until_status(app, broadcast_id, "finished", timeout=30)
    for sent in (oa.messages_to("6001"), zbot.messages_to("z-7001")):
        assert len(sent) == 3, [m.text[:40] for m in sent]
        assert all(len(m.text) <= 2000 for m in sent)
        assert " ".join(m.text.strip() for m in sent[1:]) == zalo_text(text, broadcast_id)
    element = oa.messages_to("6001")[0].raw["attachment"]["payload"]["elements"][0]
    assert element == {"media_type": "image", "url": PHOTO}
    assert zbot.messages_to("z-7001")[0].raw["photo"] == PHOTO


async def test_each_zalo_product_is_paced_at_its_own_rate(app, database_url, api, oa, zbot):
    """BOT_ZALO_RATE=2: each product's sends spread out at 2/s, in parallel with each other and
    with Telegram, which goes at its own (faster) rate."""
    oa_users = [f"60{n:02d}" for n in range(8)]
    bot_users = [f"z-70{n:02d}" for n in range(8)]
    for user in oa_users:
        await resident(app, user, channel="zalo_oa")
        await interacted(app, oa, user, 1)
    for user in bot_users:
        await resident(app, user, channel="zalo_bot")
        zbot.chats.add(user)
    for user in range(1000, 1008):
        await resident(app, user)
        api.add_user(user)
    tokens = oa.issue_tokens()
    async with bot(database_url, api, **zalo_settings(oa, tokens, zbot, zalo_rate=2.0)):
        broadcast_id = await broadcast(app, TEXT)
        await until_status(app, broadcast_id, "finished", timeout=30)
    telegram = [c.at for c in api.calls if c.method.lower() == "sendmessage"
                and str(c.params.get("chat_id")) in {str(u) for u in range(1000, 1008)}]
    assert len(telegram) == 8 and max(telegram) - min(telegram) < 1.5
    for arrivals in (oa.arrivals, zbot.arrivals):
        assert len(arrivals) == 8
        assert max(arrivals) - min(arrivals) >= 2.9          # 8 sends, burst 1, 2/s: ≥ 3.5 s
        for start in arrivals:                               # never more than rate + burst
            assert sum(start <= t < start + 1.0 for t in arrivals) <= 3
    # the two products do not share one budget: their sends interleave
    assert min(zbot.arrivals) < max(oa.arrivals) and min(oa.arrivals) < max(zbot.arrivals)
