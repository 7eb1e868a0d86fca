"""Simulated people: users writing to the bot, pressing buttons, blocking it; groups."""
from __future__ import annotations

import secrets
import time
from typing import Any

from .formatting import auto_entities
from .model import SentMessage


class PeopleMixin:
    # state defined in FakeBotApi.__init__: _users, _chats, _messages, _callbacks, bot_user ...

    # ------------------------------------------------------------ users and chats
    def _ensure_user(self, user_id: int, first_name: str = "Dân", language_code: str | None = "vi") -> dict:
        u = self._users.get(user_id)
        if u is None:
            u = self._users[user_id] = {"first_name": first_name, "language_code": language_code,
                                        "blocked": False, "deactivated": False, "username": None}
        return u

    def _user_obj(self, user_id: int) -> dict:
        u = self._users[user_id]
        obj: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": u["first_name"]}
        if u.get("username"):
            obj["username"] = u["username"]
        if u.get("language_code"):
            obj["language_code"] = u["language_code"]
        return obj

    def _private_chat(self, user_id: int) -> dict:
        chat = self._chats.get(user_id)
        if chat is None:
            u = self._users[user_id]
            chat = self._chats[user_id] = {"id": user_id, "type": "private", "first_name": u["first_name"]}
            if u.get("username"):
                chat["username"] = u["username"]
        return chat

    def add_user(self, user_id: int, *, first_name: str = "Dân", language_code: str | None = "vi",
                 username: str | None = None, started: bool = True) -> dict:
        """Register a user; with started=True the private chat exists (as if they had pressed Start)."""
        u = self._ensure_user(user_id, first_name, language_code)
        u.update(first_name=first_name, language_code=language_code, username=username)
        if started:
            self._private_chat(user_id)
        return self._user_obj(user_id)

    def add_unstarted_user(self, user_id: int, *, first_name: str = "Dân", language_code: str | None = "vi") -> dict:
        """A user who never wrote to the bot: sending to them gives 400 chat not found."""
        return self.add_user(user_id, first_name=first_name, language_code=language_code, started=False)

    def add_group(self, chat_id: int, title: str = "Nhóm công an", *, chat_type: str | None = None,
                  username: str | None = None) -> dict:
        """A group/supergroup/channel the bot is a member of (so it may send there)."""
        if chat_type is None:
            chat_type = "supergroup" if chat_id <= -1000000000000 else "group"
        chat = self._chats.get(chat_id) or {"id": chat_id, "type": chat_type, "title": title}
        if username:
            chat["username"] = username
        self._chats[chat_id] = chat
        return chat

    def bot_removed_from_group(self, chat_id: int) -> None:
        """Further sends to the group answer 403 Forbidden: bot was kicked from the group chat."""
        self._kicked_groups.add(chat_id)

    def user_deactivated(self, user_id: int) -> None:
        self._ensure_user(user_id)["deactivated"] = True

    # ------------------------------------------------------------ messages from people
    def _user_message(self, user_id: int, chat: dict, text: str | None = None, **kw: Any) -> dict:
        cid = chat["id"]
        mid = self._new_message_id(cid)
        msg: dict[str, Any] = {"message_id": mid, "from": self._user_obj(user_id), "chat": dict(chat),
                               "date": int(time.time())}
        if text is not None:
            msg["text"] = text
            ents = auto_entities(text)
            if ents:
                msg["entities"] = ents
        msg.update({k: v for k, v in kw.items() if v is not None})
        visible = text if text is not None else msg.get("caption")
        kind = next((k for k in ("photo", "sticker", "voice", "video", "document", "location", "contact")
                     if k in msg), "text")
        self._store(SentMessage(message_id=mid, chat_id=cid, text=visible, kind=kind, from_bot=False,
                                is_caption=text is None and "caption" in msg, payload=msg, date=msg["date"],
                                media_group_id=msg.get("media_group_id"),
                                photo=msg["photo"][-1]["file_id"] if "photo" in msg else None,
                                document=msg["document"]["file_id"] if "document" in msg else None,
                                entities=msg.get("entities", [])))
        return msg

    def _media(self, kind: str, upload: tuple[bytes, str, str] | None = None) -> Any:
        ext = {"photo": "jpg", "sticker": "webp", "voice": "oga", "video": "mp4", "document": "pdf"}[kind]
        if upload is not None:                       # (bytes, file name, mime type) of a document
            f = self._new_file(upload[0], f"{kind}s", upload[1].rsplit(".", 1)[-1])
            return {"file_id": f["file_id"], "file_unique_id": f["file_unique_id"],
                    "file_size": f["file_size"], "file_name": upload[1], "mime_type": upload[2]}
        f = self._new_file(b"\xff\xd8\xff\xe0fake-" + kind.encode() + secrets.token_bytes(16), f"{kind}s", ext)
        base = {"file_id": f["file_id"], "file_unique_id": f["file_unique_id"], "file_size": f["file_size"]}
        if kind == "photo":
            return [dict(base, width=90, height=90), dict(base, width=800, height=800)]
        if kind == "sticker":
            return dict(base, type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="👍")
        if kind == "voice":
            return dict(base, duration=3, mime_type="audio/ogg")
        if kind == "video":
            return dict(base, width=640, height=480, duration=5, mime_type="video/mp4")
        return dict(base, file_name="tai_lieu.pdf", mime_type="application/pdf")

    def user_sends(self, user_id: int, text: str | None = None, *, first_name: str = "Dân",
                   language_code: str | None = "vi", sticker: bool = False, photo: bool = False,
                   voice: bool = False, video: bool = False, document: bool = False,
                   location: tuple[float, float] | None = None, caption: str | None = None,
                   media_group_id: str | None = None, contact: str | None = None,
                   reply_to: int | None = None,
                   document_file: tuple[bytes, str, str] | None = None) -> dict:
        """A user writes to the bot in the private chat; returns the queued Update.

        A user who had blocked the bot unblocks it first (a my_chat_member update kicked->member is queued).
        `contact` is a phone number (shared contact); `reply_to` the id of a message in the chat being replied to.
        """
        u = self._ensure_user(user_id, first_name, language_code)
        if u["blocked"]:
            u["blocked"] = False
            self._queue_my_chat_member(user_id, "kicked", "member")
        chat = self._private_chat(user_id)
        extra: dict[str, Any] = {}
        for kind, on in (("sticker", sticker), ("photo", photo), ("voice", voice), ("video", video),
                         ("document", document)):
            if on:
                extra[kind] = self._media(kind, document_file if kind == "document" else None)
        if location is not None:
            extra["location"] = {"latitude": float(location[0]), "longitude": float(location[1])}
        if contact is not None:
            extra["contact"] = {"phone_number": contact, "first_name": u["first_name"], "user_id": user_id}
        if text is None and not extra:
            raise ValueError("user_sends needs text or some media")
        if caption is not None:
            if text is not None:
                raise ValueError("a message has either text or a caption")
            extra["caption"] = caption
            ents = auto_entities(caption)
            if ents:
                extra["caption_entities"] = ents
        if media_group_id is not None:
            extra["media_group_id"] = str(media_group_id)
        if reply_to is not None:
            extra["reply_to_message"] = self._get_message(user_id, reply_to).payload
        msg = self._user_message(user_id, chat, text, **extra)
        return self._enqueue({"message": msg})

    def user_edits(self, user_id: int, message_id: int, new_text: str) -> dict:
        """The user edits one of their messages in the private chat; queues an edited_message update."""
        m = self._get_message(user_id, message_id)
        if m.from_bot:
            raise ValueError(f"message {message_id} was sent by the bot, a user cannot edit it")
        m.edits.append(m.text)
        key = "caption" if m.is_caption else "text"
        m.text = new_text
        payload = dict(m.payload, **{key: new_text}, edit_date=int(time.time()))
        payload.pop("entities" if key == "text" else "caption_entities", None)
        ents = auto_entities(new_text)
        if ents:
            payload["entities" if key == "text" else "caption_entities"] = ents
        m.payload = payload
        return self._enqueue({"edited_message": payload})

    def user_presses(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None) -> dict:
        """The user presses an inline button of a bot message; `data` is not checked against the keyboard
        (so forged callback data can be simulated). Returns the queued callback_query Update."""
        cid = user_id if chat_id is None else chat_id
        self._ensure_user(user_id)
        if cid == user_id:
            self._private_chat(user_id)
        m = self._get_message(cid, message_id)
        if not m.from_bot:
            raise ValueError(f"message {message_id} in chat {cid} is not a bot message")
        qid = str(secrets.randbits(63))
        self._callbacks[qid] = {"user_id": user_id, "chat_id": cid, "message_id": message_id, "data": data,
                                "answered": False}
        query = {"id": qid, "from": self._user_obj(user_id), "message": m.payload,
                 "chat_instance": str(abs(hash(("ci", cid))) % 10**18), "data": data}
        return self._enqueue({"callback_query": query})

    def group_message(self, chat_id: int, user_id: int, text: str, *, first_name: str = "Dân") -> dict:
        """A member writes in a (super)group the bot is in (the group is created if needed)."""
        chat = self._chats.get(chat_id) if chat_id in self._chats else self.add_group(chat_id)
        self._ensure_user(user_id, first_name)
        msg = self._user_message(user_id, chat, text)
        return self._enqueue({"message": msg})

    def user_blocks_bot(self, user_id: int) -> dict:
        """Sends to the user then fail with 403; queues a my_chat_member update (member -> kicked)."""
        self._ensure_user(user_id)["blocked"] = True
        return self._queue_my_chat_member(user_id, "member", "kicked")

    def user_unblocks_bot(self, user_id: int) -> dict:
        self._ensure_user(user_id)["blocked"] = False
        return self._queue_my_chat_member(user_id, "kicked", "member")

    def _queue_my_chat_member(self, user_id: int, old: str, new: str) -> dict:
        def member(status: str) -> dict:
            d = {"user": dict(self.bot_user), "status": status}
            if status == "kicked":
                d["until_date"] = 0
            return d

        upd = {"chat": dict(self._private_chat(user_id)), "from": self._user_obj(user_id),
               "date": int(time.time()), "old_chat_member": member(old), "new_chat_member": member(new)}
        return self._enqueue({"my_chat_member": upd})

    def _get_message(self, chat_id: int, message_id: int) -> SentMessage:
        m = self._messages.get((chat_id, message_id))
        if m is None or m.deleted:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        return m
