"""The pure parts of the Zalo adapters: signature, event parsing, rendering, the window."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.datafiles import load_catalog
from bot.zalo.bot_channel import parse_update
from bot.zalo.oa_events import parse_event
from bot.zalo.render import MAX_BUTTONS, bot_texts, oa_messages, reply_hint, split
from bot.zalo.signature import mac, signature_ok, timestamp_fresh
from bot.zalo.webhooks import unwrap
from bot.zalo.window import InteractionWindow, Reach
from handlers.dialogue import option, typed_choice
from handlers.messages import Kind, Message
from tests.fakes.resident import Resident


def test_signature_is_sha256_of_app_id_body_timestamp_and_key():
    body = b'{"event_name":"user_send_text","timestamp":"1732521600000"}'
    # Pinned (sha256 of b"123" + body + b"1732521600000" + b"key"): plain SHA-256, not HMAC.
    digest = mac("123", body, "1732521600000", "key")
    assert digest == "dbc8c7a9a320f647c9ec2eca182ae3606accee5e8bf828f6f1cc8a538288fef6"
    assert signature_ok(f"mac={digest}", "123", body, "1732521600000", "key")
    assert signature_ok(f"MAC={digest.upper()}", "123", body, "1732521600000", "key")
    assert not signature_ok(f"mac={digest}", "123", body + b" ", "1732521600000", "key")
    assert not signature_ok(f"mac={digest}", "123", body, "1732521600001", "key")
    assert not signature_ok("", "123", body, "1732521600000", "key")


def test_stale_or_future_timestamps_are_refused():
    now = 1_800_000_000_000
    assert timestamp_fresh(str(now - 299_000), now, 300)
    assert not timestamp_fresh(str(now - 301_000), now, 300)
    assert not timestamp_fresh(str(now + 301_000), now, 300)
    assert not timestamp_fresh("soon", now, 300)


def oa_event(name, **fields):
    return {"app_id": "1", "event_name": name, "timestamp": "1732521600000", **fields}


@pytest.mark.parametrize("payload,expected", [
    ({"coordinates": {"latitude": "21.3", "longitude": "106.1"}}, (21.3, 106.1)),
    ({"coordinates": {"lat": 21.3, "lng": 106.1}}, (21.3, 106.1)),
    ({"latitude": 21.3, "longitude": 106.1}, (21.3, 106.1)),
    ({"coordinates": {"latitude": "91", "longitude": "0"}}, None),
    ({"coordinates": "21.3,106.1"}, None),
])
def test_locations_are_parsed_defensively(payload, expected):
    event = parse_event(oa_event("user_send_location", sender={"id": "u1"}, message={
        "msg_id": "m1", "attachments": [{"type": "location", "payload": payload}]}))
    if expected is None:
        assert event.inbound.kind is Kind.MEDIA and event.inbound.media == "location"
    else:
        assert event.inbound.kind is Kind.LOCATION and event.inbound.location == expected


def test_events_we_do_not_act_on_are_ignored():
    assert parse_event(oa_event("user_submit_info", sender={"id": "u1"})) is None
    assert parse_event(oa_event("oa_send_text", sender={"id": "oa"}, message={"msg_id": "1"}))\
        is None
    assert parse_event(oa_event("user_send_text", message={"msg_id": "1", "text": "hi"})) is None
    assert parse_event(oa_event("user_send_text", sender={"id": "u1"}, message={"text": "x"}))\
        is None
    assert parse_event(oa_event("user_seen_message", message={"msg_ids": []})) is None


def test_receipts_keep_message_ids_and_commands_are_recognised():
    seen = parse_event(oa_event("user_seen_message", sender={"id": "oa"},
                                recipient={"id": "u1"}, message={"msg_ids": ["a", "b", "a"]}))
    assert seen.receipt == ("seen", ("a", "b")) and not seen.interaction
    received = parse_event(oa_event("user_received_message", message={"msg_id": "a"}))
    assert received.receipt == ("received", ("a",))
    text = parse_event(oa_event("user_send_text", sender={"id": "u1"},
                                message={"msg_id": "x" * 100, "text": "/CaiDat now"}))
    assert text.inbound.kind is Kind.COMMAND and text.inbound.command == "caidat"
    assert len(text.key) <= 64 and text.interaction


def test_bot_updates_private_text_media_and_groups():
    base = {"from": {"id": "c1", "is_bot": False}, "chat": {"id": "c1", "chat_type": "PRIVATE"},
            "message_id": "m1", "date": 1}
    key, inbound = parse_update({"event_name": "message.text.received",
                                 "message": dict(base, text="2")})
    assert key == "m1" and inbound.kind is Kind.TEXT and inbound.user_id == "c1"
    _, photo = parse_update({"event_name": "message.image.received",
                             "message": dict(base, photo_url="https://x/y.jpg")})
    assert photo.kind is Kind.MEDIA and photo.media == "photo"
    group = dict(base, chat={"id": "g1", "chat_type": "GROUP"}, text="/start")
    assert parse_update({"event_name": "message.text.received", "message": group}) is None
    assert unwrap({"ok": True, "result": {"event_name": "x"}}) == {"event_name": "x"}
    assert unwrap({"event_name": "x", "message": {}}) == {"event_name": "x", "message": {}}


@pytest.fixture(scope="module")
def t():
    catalog = load_catalog()
    return lambda key, **values: catalog.t("vi", key, **values)


def test_reply_hints_read_naturally(t):
    assert reply_hint(t, 1) == "👉 Trả lời 1 để chọn."
    assert reply_hint(t, 2) == "👉 Trả lời 1 hoặc 2 để chọn."
    assert reply_hint(t, 3) == "👉 Trả lời 1, 2 hoặc 3 để chọn."
    assert reply_hint(t, 9) == "👉 Trả lời một số từ 1 đến 9 để chọn."


def test_long_text_is_split_at_sentence_ends_within_2000_characters():
    sentence = "Không chuyển tiền cho người lạ gọi điện xưng là công an. "
    parts = split(sentence * 80)
    assert len(parts) > 1 and all(len(p) <= 2000 for p in parts)
    assert all(p.endswith("công an.") for p in parts)
    assert "".join(p + " " for p in parts) == sentence * 80


def test_oa_buttons_when_they_fit_numbers_when_not(t):
    few = Message("Chọn", buttons=((option("s", "a", "Một"), option("s", "b", "Hai")),))
    (only,) = oa_messages(few, t)
    buttons = only["attachment"]["payload"]["buttons"]
    assert [(b["title"], b["type"]) for b in buttons] == [("Một", "oa.query.show"),
                                                          ("Hai", "oa.query.show")]
    many = Message("Chọn", buttons=tuple((option("s", str(i), f"Mục {i}"),)
                                         for i in range(MAX_BUTTONS + 1)))
    (numbered,) = oa_messages(many, t)
    assert "attachment" not in numbered and "6. Mục 5" in numbered["text"]
    assert bot_texts(few, t) == ["Chọn\n\n1. Một\n2. Hai\n👉 Trả lời 1 hoặc 2 để chọn."]


def test_duplicate_labels_fall_back_to_numbers(t):
    twins = Message("?", buttons=((option("s", "a", "Xem"), option("s", "b", "Xem")),))
    payloads = [b["payload"] for b in oa_messages(twins, t)[0]["attachment"]["payload"]["buttons"]]
    assert payloads == ["1", "2"]
    assert [typed_choice(twins, p) for p in payloads] == ["a", "b"]


async def test_every_oa_payload_on_the_real_screens_picks_its_own_option(app, t):
    """Walk the resident's screens; each OA button payload, typed back, means that button."""
    resident = Resident(app, channel="zalo_oa")
    screens = []
    await resident.command("start")
    screens.append(resident.screen())
    await resident.type("cao thuong")
    screens.append(resident.screen())
    await resident.type("xong")
    for command in ("caidat", "ngonngu", "huy", "thuvien"):
        await resident.command(command)
        screens.append(resident.screen())
    checked = 0
    for screen in screens:
        for message in oa_messages(screen, t):
            for button in message.get("attachment", {}).get("payload", {}).get("buttons", []):
                key = typed_choice(screen, button["payload"])
                wanted = next(b for b in screen.numbered() if b.label == button["title"])
                assert key == wanted.payload.split(":", 1)[1]
                checked += 1
    assert checked >= 9


def test_the_interaction_window():
    window = InteractionWindow.from_hours(48, 168)
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    assert window.reach(None, now) is Reach.CLOSED
    assert window.reach(now - timedelta(hours=47), now) is Reach.FREE
    assert window.reach(now - timedelta(hours=49), now) is Reach.PAID
    assert window.reach(now - timedelta(days=7, minutes=1), now) is Reach.CLOSED

