"""Only the OA events Zalo documents are acted on; an unknown name is ignored, not guessed at."""
from __future__ import annotations

import pytest

from bot.zalo.oa_events import parse_event
from handlers.messages import Kind


def event(name: str) -> dict:
    return {"app_id": "1", "event_name": name, "timestamp": "1732521600000",
            "sender": {"id": "u1"}, "recipient": {"id": "oa"},
            "message": {"msg_id": "m1", "text": "/start",
                        "attachments": [{"type": "image", "payload": {"url": "https://x/1.jpg"}}]}}


@pytest.mark.parametrize("name", ["user_send_bogus", "user_send_", "user_send_text_v2",
                                  "user_send_TEXT", "user_sends_text", "anonymous_send_text"])
def test_unknown_user_send_events_are_ignored(name):
    assert parse_event(event(name)) is None


@pytest.mark.parametrize("name,kind", [("user_send_text", Kind.COMMAND),
                                       ("user_send_image", Kind.MEDIA),
                                       ("user_send_file", Kind.MEDIA),
                                       ("user_send_audio", Kind.MEDIA),
                                       ("user_send_video", Kind.MEDIA),
                                       ("user_send_sticker", Kind.MEDIA),
                                       ("user_send_link", Kind.MEDIA),
                                       ("user_send_location", Kind.MEDIA)])
def test_documented_user_send_events_are_read(name, kind):
    parsed = parse_event(event(name))
    assert parsed is not None and parsed.inbound.kind is kind and parsed.user_id == "u1"
