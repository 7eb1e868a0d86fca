"""Files from Zalo into Inbound.attachments (defensively), files out to Zalo, typed choices of
the last message, and secrets out of the logs."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.cli import log_secrets
from bot.datafiles import load_catalog
from bot.logs import configure
from bot.zalo.bot_channel import parse_update
from bot.zalo.notifier import photo_links, with_file_note
from bot.zalo.oa_events import parse_event
from bot.zalo.offers import offered, picked
from handlers.messages import Attachment, Button, Kind, Message
from tests.conftest import make_settings

PHOTO = "https://photo-talk.zadn.vn/abc/1.jpg"


def oa_message(name, *attachments, text=None):
    message = {"msg_id": "m-1", "attachments": list(attachments)}
    if text is not None:
        message["text"] = text
    return parse_event({"app_id": "1", "event_name": name, "timestamp": "1732521600000",
                        "sender": {"id": "u1"}, "message": message}).inbound


@pytest.mark.parametrize("name,payload,kind", [
    ("user_send_image", {"thumbnail": PHOTO + "?t", "url": PHOTO}, "photo"),
    ("user_send_video", {"url": "https://video.zadn.vn/v.mp4", "description": "x"}, "video"),
    ("user_send_audio", {"url": "https://voice.zadn.vn/a.aac"}, "voice"),
    ("user_send_file", {"url": "https://f.zdn.vn/b.pdf", "size": "20480", "name": "b.pdf",
                        "type": "pdf"}, "document"),
])
def test_oa_files_become_attachments(name, payload, kind):
    inbound = oa_message(name, {"type": "x", "payload": payload}, text="Ảnh ở đầu thôn")
    assert inbound.kind is Kind.MEDIA and inbound.text == "Ảnh ở đầu thôn"
    (item,) = inbound.attachments
    assert item.kind == kind and item.ref == payload["url"]
    if kind == "document":
        assert item.size == 20480 and item.mime == "application/pdf"


def test_oa_attachment_by_id_and_malformed_items_are_ignored_not_fatal():
    inbound = oa_message("user_send_image",
                         "not a dict", {"payload": "not a dict"}, {"type": "image"},
                         {"payload": {"url": "ftp://photo/1.jpg"}},
                         {"payload": {"url": "https://a b/1.jpg"}},
                         {"payload": {"url": "https://x/" + "y" * 2000}},
                         {"payload": {"id": True}}, {"payload": {"id": {"nested": 1}}},
                         {"payload": {"url": PHOTO, "size": "-5"}},
                         {"payload": {"attachment_id": "a1b2c3", "size": 12}})
    assert [(a.ref, a.size) for a in inbound.attachments] == [(PHOTO, None), ("a1b2c3", 12)]
    assert oa_message("user_send_image").attachments == ()
    broken = parse_event({"app_id": "1", "event_name": "user_send_file", "timestamp": "1",
                          "sender": {"id": "u1"}, "message": {"msg_id": "m", "attachments": 7}})
    assert broken.inbound.kind is Kind.MEDIA and broken.inbound.attachments == ()
    sticker = oa_message("user_send_sticker", {"payload": {"url": PHOTO}})
    assert sticker.attachments == ()          # a sticker is not a file a tip keeps


def test_bot_platform_photos_become_attachments():
    def update(**message):
        return {"event_name": "message.image.received", "message": {
            "message_id": "m1", "from": {"id": "c1"}, "chat": {"id": "c1"}, **message}}
    _, new = parse_update(update(photo_url=PHOTO, caption="ở chợ"))
    _, old = parse_update(update(photo=PHOTO))
    _, broken = parse_update(update(photo_url=["x"]))
    assert new.attachments == (Attachment(kind="photo", ref=PHOTO),) and new.text == "ở chợ"
    assert old.attachments == new.attachments
    assert broken.kind is Kind.MEDIA and broken.attachments == ()


def test_only_linked_photos_are_shown_again_the_rest_is_named():
    catalog = load_catalog()

    def t(key, **values):
        return catalog.t("vi", key, **values)
    message = Message(text="Tin báo #7K3M", attachments=(
        Attachment("photo", PHOTO), Attachment("photo", "AgACAgIAAxkBAAIB-telegram-file-id"),
        Attachment("voice", "https://voice.zadn.vn/a.aac"), Attachment("sticker", "x")))
    assert photo_links(message) == [PHOTO]
    noted = with_file_note(message, t)
    assert noted.text.startswith("Tin báo #7K3M\n\n🗂 Kèm theo 3 tệp (ảnh, ghi âm, tệp khác)")
    assert with_file_note(Message(text="x", attachments=(Attachment("photo", PHOTO),)), t).text \
        == "x"


def test_a_typed_number_or_label_picks_from_the_last_message():
    card = Message(text="card", buttons=((Button("✋ Nhận xử lý", "tip:take:4"),
                                          Button("❓ Hỏi người báo", "tip:ask:4")),))
    answer = Message(text="question", buttons=((Button("✍️ Trả lời", "tipr:4:abc"),),))
    choices = offered([card, answer])
    assert choices == [("✍️ Trả lời", "tipr:4:abc")]
    assert picked(choices, "1") == picked(choices, " tra loi ") == "tipr:4:abc"
    assert picked(choices, "2") is None and picked(choices, "trả lời giúp") is None
    assert picked(offered([card]), "2.") == "tip:ask:4"
    assert offered([answer, Message(text="done")]) == [] and offered([]) == []


def test_every_configured_secret_is_scrubbed_from_the_logs():
    settings = make_settings(
        "sqlite+aiosqlite:///unused.db", telegram_token="123456:TG-token-abcdef",
        zalo_oa_app_id="31415", zalo_oa_app_secret="oa-app-secret-1", zalo_oa_secret_key="oa-key-2",
        zalo_oa_access_token="oa-access-3", zalo_oa_refresh_token="oa-refresh-4",
        zalo_bot_token="2718:zalo-bot-token-5", zalo_bot_mode="webhook",
        zalo_bot_webhook_secret="bot-hook-secret-6", public_url="https://bot.example")
    secrets = log_secrets(settings)
    assert {"oa-app-secret-1", "oa-key-2", "oa-access-3", "oa-refresh-4",
            "2718:zalo-bot-token-5", "bot-hook-secret-6", "123456:TG-token-abcdef",
            "test-secret-key-0123456789"} <= set(secrets)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        configure("INFO", secrets, stream=stream)
        logging.getLogger("bot.zalo.test").warning(
            "refresh failed for oa-refresh-4", extra={"url": "/bot2718:zalo-bot-token-5/x",
                                                      "header": "oa-key-2"})
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    line = json.loads(stream.getvalue())
    assert line["event"] == "refresh failed for [redacted]"
    assert line["url"] == "/bot[redacted]/x" and line["header"] == "[redacted]"
