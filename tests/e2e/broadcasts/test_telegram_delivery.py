"""Bulletins over HTTP: the real python-telegram-bot, the strict fake Bot API, real storage."""
from __future__ import annotations

import asyncio
import re

import pytest

from handlers.domain import Role, SubscriberStatus
from tests.e2e.broadcasts.people import (broadcast, ledger_of, member, outbox_rows, resident,
                                        subscriber_status)
from tests.e2e.broadcasts.telegram import (bot, deliveries, greet, has, press, until,
                                          until_status)
from tests.e2e.harness import button
from tests.fakes.botapi.server import FakeBotApi

OFFICER = 9001
TEXT = "Cảnh báo: kẻ gian giả danh công an gọi điện đòi chuyển tiền"


@pytest.fixture
async def api():
    async with FakeBotApi(per_chat_rate=1.0, per_chat_burst=30) as fake:
        yield fake


async def people(app, api) -> dict[str, list[int]]:
    """Who should and should not get a fraud bulletin for Cao Thượng."""
    groups = {"yes": [101, 102, 103, 104], "no": [201, 202, 203, 204, 205], "gone": [301, 302]}
    for user in (101, 102, 103):
        await resident(app, user, topics=("fraud", "drugs"))
    await resident(app, 104, topics=("fraud",), language="en")
    await resident(app, 201, topics=("drugs",))                          # other topic
    await resident(app, 202, slug="viet-ngoc")                           # other commune
    await resident(app, 203, status=SubscriberStatus.UNSUBSCRIBED)
    await resident(app, 204, status=SubscriberStatus.BLOCKED)
    await resident(app, 205, status=SubscriberStatus.ONBOARDING)
    await resident(app, 301)                                             # deactivated account
    await resident(app, 302)                                             # never started the bot
    for user in groups["yes"] + groups["no"] + [301]:
        api.add_user(user)
    api.user_deactivated(301)
    api.add_unstarted_user(302)
    await resident(app, OFFICER)
    await member(app, OFFICER, Role.OFFICER)
    api.add_user(OFFICER)
    return groups


async def test_officer_sends_over_telegram_to_exactly_the_right_residents(app, database_url, api):
    groups = await people(app, api)
    async with bot(database_url, api):
        await greet(api, OFFICER)
        api.user_sends(OFFICER, "/phatcanhbao")
        start = await api.wait_for(OFFICER, has("Phát bản tin cảnh báo"))
        mark = api.mark()
        api.user_sends(OFFICER, TEXT)
        photo = await api.wait_for(OFFICER, has("Kèm ảnh?"), since=mark)
        topics = await press(api, OFFICER, photo, "Không kèm ảnh")
        topics = await press(api, OFFICER, topics, "Lừa đảo")
        units = await press(api, OFFICER, topics, "Tiếp")
        audience = await press(api, OFFICER, units, "Tiếp")
        when = await press(api, OFFICER, audience, "Người dân")
        expiry = await press(api, OFFICER, when, "Gửi ngay")
        mark = api.mark()
        api.user_presses(OFFICER, expiry.message_id, "bc_expiry:24h")
        preview = await api.wait_for(OFFICER, has("Số người sẽ nhận: 7"), since=mark)
        shown = [m.text for m in api.messages_to(OFFICER) if TEXT in (m.text or "")][-1]
        link = re.search(r"https://t\.me/antt_test_bot\?start=tb_(\d+)", shown)
        assert link and shown.startswith(TEXT)
        broadcast_id = int(link.group(1))
        mark = api.mark()
        api.user_presses(OFFICER, preview.message_id, "bc_preview:send")
        api.user_presses(OFFICER, preview.message_id, "bc_preview:send")   # pressed twice
        await until_status(app, broadcast_id, "finished")
        status = await api.wait_for(OFFICER, has("đã gửi xong"), timeout=10, since=mark)
        assert "Đã gửi: 5/7" in status.text and "Đã chặn bot: 2" in status.text
        assert status.edits, "the status message is edited, not sent again"
        assert start is not None
    got = {user: deliveries(api, user, TEXT) for user in sum(groups.values(), [])}
    assert all(len(got[u]) == 1 for u in groups["yes"]), got
    assert all(got[u] == [] for u in groups["no"] + groups["gone"])
    assert f"start=tb_{broadcast_id}" in got[101][0].text
    assert "Know something about this?" in got[104][0].text          # the link line in English
    assert len(deliveries(api, OFFICER, "Báo cho công an")) == 2        # preview + own copy
    for user in groups["gone"]:
        assert await subscriber_status(app, user) is SubscriberStatus.BLOCKED
    rows = {r.chat_id: r for r in await outbox_rows(app, broadcast_id)}
    assert rows["302"].attempts == 1 and rows["302"].state == "blocked"   # retried once
    kinds = [e.kind for e in await ledger_of(app, "delivered", "delivery_blocked",
                                             "bulletin_published")]
    assert kinds.count("delivered") == 5 and kinds.count("delivery_blocked") == 2
    assert kinds.count("bulletin_published") == 1
    assert api.count_429 == 0


async def test_pause_and_cancel_from_the_status_message(app, database_url, api):
    for user in range(1000, 1080):
        await resident(app, user)
        api.add_user(user)
    await resident(app, OFFICER)
    await member(app, OFFICER, Role.OFFICER)
    api.add_user(OFFICER)
    async with bot(database_url, api, broadcast_rate=5.0):
        broadcast_id = await broadcast(app, TEXT, status_channel="telegram",
                                       status_chat=str(OFFICER))
        status = await api.wait_for(OFFICER, has("đang gửi"), timeout=10)
        await until(lambda: sent_count(app, broadcast_id, 3), what="three copies sent")
        await greet(api, OFFICER)
        api.user_sends(OFFICER, "/phatcanhbao")        # the officer's screen: the watch one
        listing = await api.wait_for(OFFICER, has("Phát bản tin"))
        mark = api.mark()       # the status message is edited meanwhile: wait for the list
        api.user_presses(OFFICER, listing.message_id, button(listing, "Các bản tin đã phát"))
        recent = await api.wait_for(OFFICER, has("Các bản tin gần đây"), since=mark, timeout=10)
        await press(api, OFFICER, recent, f"#{broadcast_id}")
        mark = api.mark()
        api.user_presses(OFFICER, status.message_id, "bc_watch:pause")
        await api.wait_for(OFFICER, has("tạm dừng"), since=mark)
        await until_status(app, broadcast_id, "paused")
        await asyncio.sleep(1.0)            # the gate's half second and the sends in flight
        sent_then = len([r for r in await outbox_rows(app, broadcast_id) if r.state == "sent"])
        await asyncio.sleep(1.5)                             # paused: nothing more goes out
        assert await sent_count(app, broadcast_id, sent_then + 1) is False
        mark = api.mark()
        api.user_presses(OFFICER, status.message_id, "bc_watch:cancel")
        await api.wait_for(OFFICER, has("đã hủy"), since=mark)
        await until_status(app, broadcast_id, "cancelled")
    rows = await outbox_rows(app, broadcast_id)
    sent = [r for r in rows if r.state == "sent"]
    assert len(sent) == sent_then and 3 <= len(sent) < 80
    assert {r.state for r in rows} <= {"sent", "cancelled"}
    delivered = sum(len(deliveries(api, u, TEXT)) for u in range(1000, 1080))
    assert delivered == len(sent)


async def sent_count(app, broadcast_id: int, at_least: int) -> bool:
    return len([r for r in await outbox_rows(app, broadcast_id) if r.state == "sent"]) >= at_least
