"""A neutral Message as JSON for the notifications outbox, and back."""
from __future__ import annotations

from typing import Any

from handlers.messages import Attachment, Button, Message


def encode_message(message: Message) -> dict[str, Any]:
    return {"text": message.text, "protect": message.protect,
            "buttons": [[{"label": b.label, "payload": b.payload} for b in row]
                        for row in message.buttons],
            "attachments": [{"kind": a.kind, "ref": a.ref, "mime": a.mime, "size": a.size,
                             "group": a.group} for a in message.attachments]}


def decode_message(data: dict[str, Any]) -> Message:
    buttons = tuple(tuple(Button(label=b["label"], payload=b["payload"]) for b in row)
                    for row in data.get("buttons", []))
    attachments = tuple(Attachment(kind=a["kind"], ref=a["ref"], mime=a.get("mime", ""),
                                   size=a.get("size"), group=a.get("group", ""))
                        for a in data.get("attachments", []))
    return Message(text=data.get("text", ""), buttons=buttons, attachments=attachments,
                   protect=bool(data.get("protect")))
