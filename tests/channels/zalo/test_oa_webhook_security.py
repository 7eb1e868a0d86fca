"""The OA webhook refuses or ignores whatever is not a fresh, signed Zalo event, leaving no trace."""
from __future__ import annotations

import json

from handlers.domain import SubscriberStatus
from tests.channels.zalo.harness import footprint, running_zalo

RESIDENT = "5550001112223334"


async def test_forged_stale_malformed_huge_and_unknown_events_leave_no_trace(app, database_url, oa,
                                                                             oa_tokens):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        before = await footprint(app, "zalo_oa")
        event = oa.message_event("user_send_text", RESIDENT, text="/start")
        assert await oa.deliver(event, key="not-the-oa-secret-key") == 401        # forged
        assert await oa.deliver(event, signature="mac=" + "0" * 64) == 401
        body = json.dumps(event).encode()
        assert await oa.post_raw(body, {"Content-Type": "application/json"}) == 401  # unsigned
        tampered = dict(event, message=dict(event["message"], text="/huy"))
        signature = oa.sign(json.dumps(event).encode(), event["timestamp"])
        assert await oa.deliver(tampered, signature=signature) == 401            # body changed
        oa.clock_offset = -10 * 60                                                # 10 min old
        stale = oa.message_event("user_send_text", RESIDENT, text="/start")
        oa.clock_offset = 0
        assert await oa.deliver(stale) == 401                    # signed, but a replay
        assert await oa.post_raw(b"{not json", {"X-ZEvent-Signature": "mac=00"}) == 400
        huge = oa.message_event("user_send_text", RESIDENT, text="x" * 200_000)
        assert await oa.deliver(huge) == 413
        unknown = oa.event("user_submit_info", RESIDENT, sender={"id": RESIDENT},
                           message={"msg_id": "m-1"})
        assert await oa.deliver(unknown) == 200                  # Zalo must not retry it
        bogus = oa.message_event("user_send_bogus", RESIDENT, text="/start")
        assert await oa.deliver(bogus) == 200                    # not a documented event
        nameless = oa.event("", RESIDENT)
        assert await oa.deliver(nameless) == 200
        await oa.wait_idle()
        assert oa.messages_to(RESIDENT) == []
        assert await footprint(app, "zalo_oa") == before


async def test_a_replayed_event_is_answered_once(app, database_url, oa, oa_tokens):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        await oa.user_sends(RESIDENT, "/start")
        await oa.wait_for(RESIDENT, "Bạn đang sống ở xã")
        event = await oa.user_sends(RESIDENT, "/khancap")
        await oa.wait_for(RESIDENT, "Số điện thoại khẩn cấp")
        assert await oa.deliver(event) == 200          # Zalo retries: same msg_id
        await oa.wait_idle()
        emergency = [m for m in oa.messages_to(RESIDENT) if "Số điện thoại khẩn cấp" in m.text]
        assert len(emergency) == 1
        assert len((await footprint(app, "zalo_oa"))["updates"]) == 2


async def test_follow_unfollow_media_and_location(app, database_url, oa, oa_tokens):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        await oa.user_follows(RESIDENT)                                 # a follow welcomes
        await oa.wait_for(RESIDENT, "KHÔNG phải đường dây khẩn cấp")
        await oa.wait_for(RESIDENT, "Bạn đang sống ở xã")
        await oa.user_sends_attachment(RESIDENT, "user_send_image", "image",
                                       {"url": "https://photo.example/1.jpg"})
        await oa.wait_for(RESIDENT, "chỉ đọc được chữ")
        await oa.user_sends_attachment(RESIDENT, "user_send_location", "location",
                                       {"coordinates": {"latitude": "21.35",
                                                        "longitude": "106.12"}})
        await oa.wait_for(RESIDENT, "chỉ đọc được chữ")
        await oa.user_sends_attachment(RESIDENT, "user_send_location", "location",
                                       {"coordinates": "somewhere"})   # a shape we don't know
        await oa.wait_for(RESIDENT, "chỉ đọc được chữ")
        await oa.user_sends(RESIDENT, "viet ngoc")
        topics = await oa.wait_for(RESIDENT, "chủ đề nào")
        await oa.user_sends(RESIDENT, "xong")
        await oa.wait_for(RESIDENT, "Đăng ký xong")
        assert topics.buttons == []
        await oa.user_unfollows(RESIDENT)
        await oa.wait_idle()
        async with app.uow() as uow:
            sub = await uow.subscribers.get("zalo_oa", RESIDENT)
        assert sub.status is SubscriberStatus.BLOCKED
        await oa.user_follows(RESIDENT)                                  # back again
        await oa.wait_for(RESIDENT, "Chào mừng bạn quay lại")
        await oa.wait_idle()
    kinds = (await footprint(app, "zalo_oa"))["ledger"]
    assert kinds == ["subscribed", "blocked", "resubscribed"]
