"""Bot API methods that send messages: sendMessage, send<Media>, copy/forward, generic send*."""
from __future__ import annotations

import random
import re
import time
from typing import Any

from .formatting import check_length, parse_text
from .model import SentMessage
from .spec import ApiError, UploadedFile, bad

MEDIA_METHODS = {"sendPhoto": "photo", "sendDocument": "document", "sendVideo": "video", "sendAudio": "audio",
                 "sendVoice": "voice", "sendAnimation": "animation", "sendSticker": "sticker",
                 "sendVideoNote": "video_note"}
_ACTION_FIELDS = {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "copy_text",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay"}
_NOT_RATE_LIMITED = {"sendChatAction", "sendMessageDraft", "sendRichMessageDraft"}


def counts_for_rate_limit(method: str) -> bool:
    if method in _NOT_RATE_LIMITED:
        return False
    return method.startswith(("send", "editMessage")) or method in (
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class SendingMixin:
    # ------------------------------------------------------------ shared checks
    def _resolve_chat(self, chat_id: Any, *, send: bool = False) -> dict:
        chat = None
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next((c for c in self._chats.values()
                         if c.get("username", "").lower() == chat_id[1:].lower()), None)
        if chat is None:
            raise bad("chat not found")
        if send:
            if chat["type"] == "private":
                u = self._users.get(chat["id"], {})
                if u.get("deactivated"):
                    raise ApiError(403, "Forbidden: user is deactivated")
                if u.get("blocked"):
                    raise ApiError(403, "Forbidden: bot was blocked by the user")
            elif chat["id"] in self._kicked_groups:
                kind = "group chat" if chat["type"] == "group" else chat["type"] + " chat"
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        return chat

    def _rate(self, method: str, chat_id: Any) -> None:
        if counts_for_rate_limit(method):
            self._limiter.check(chat_id)

    def _text(self, p: dict, key: str = "text", *, caption: bool = False) -> tuple[str | None, list]:
        if key not in p:
            return None, []
        ents_key = "caption_entities" if caption else "entities"
        plain, ents = parse_text(p[key], p.get("parse_mode"), p.get(ents_key))
        check_length(plain, caption=caption)
        return plain, ents

    def _markup(self, p: dict) -> dict | None:
        markup = p.get("reply_markup")
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for b in row:
                if not (_ACTION_FIELDS & set(b)):
                    raise bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                if "callback_data" in b and not 1 <= len(b["callback_data"].encode("utf-8")) <= 64:
                    raise bad("BUTTON_DATA_INVALID")
                if "url" in b and not b["url"].strip():
                    raise bad("BUTTON_URL_INVALID")
        return markup

    def _reply_to(self, chat: dict, p: dict) -> SentMessage | None:
        rp = p.get("reply_parameters")
        if not rp:
            return None
        cid = chat["id"] if rp.get("chat_id") is None else self._resolve_chat(rp["chat_id"])["id"]
        m = self._messages.get((cid, rp["message_id"]))
        if m is None or m.deleted:
            if rp.get("allow_sending_without_reply"):
                return None
            raise bad("message to be replied not found")
        return m

    def _bot_message(self, chat: dict, method: str, p: dict, *, text: str | None = None, entities=(),
                     is_caption: bool = False, kind: str = "text", content: dict | None = None,
                     markup: dict | None = None, reply_to: SentMessage | None = None) -> SentMessage:
        mid = self._new_message_id(chat["id"])
        payload: dict[str, Any] = {"message_id": mid, "from": dict(self.bot_user), "chat": dict(chat),
                                   "date": int(time.time())}
        payload.update(content or {})
        if text is not None:
            payload["caption" if is_caption else "text"] = text
            if entities:
                payload["caption_entities" if is_caption else "entities"] = list(entities)
        if markup and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        if p.get("protect_content"):
            payload["has_protected_content"] = True
        if reply_to is not None:
            payload["reply_to_message"] = {k: v for k, v in reply_to.payload.items() if k != "reply_to_message"}
        photo = payload["photo"][-1]["file_id"] if "photo" in payload else None
        doc = payload["document"]["file_id"] if "document" in payload else None
        sm = SentMessage(message_id=mid, chat_id=chat["id"], text=text, reply_markup=markup, photo=photo,
                         document=doc, protect_content=bool(p.get("protect_content")), kind=kind,
                         raw_text=p.get("caption" if is_caption else "text"), parse_mode=p.get("parse_mode"),
                         entities=list(entities), is_caption=is_caption, method=method, params=p,
                         payload=payload, date=payload["date"],
                         reply_to_message_id=reply_to.message_id if reply_to else None)
        self._store(sm)
        self._touch(sm)
        return sm

    # ------------------------------------------------------------ files
    def _input_file(self, value: Any, kind: str) -> dict:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad("file must be non-empty")
            ext = (value.filename or "file.bin").rsplit(".", 1)[-1][:8] if "." in (value.filename or "") else "bin"
            return self._new_file(value.data, f"{kind}s", ext, file_name=value.filename,
                                  mime_type=value.content_type)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and re.match(r"^https?://\S+$", value):
            return self._new_file(b"", f"{kind}s", "bin", source_url=value)
        raise bad("wrong file identifier/HTTP URL specified")

    def _media_object(self, kind: str, f: dict, p: dict) -> Any:
        base = {"file_id": f["file_id"], "file_unique_id": f["file_unique_id"], "file_size": f["file_size"]}
        if kind == "photo":
            return [dict(base, width=320, height=320), dict(base, width=1280, height=1280)]
        field = next(x for x in self.spec.types["Message"]["fields"] if x["name"] == kind)
        obj = self.spec.synth(field["types"][0], base)
        if f.get("file_name") and "file_name" in {x["name"] for x in self.spec.types[field["types"][0]]["fields"]}:
            obj["file_name"] = f["file_name"]
        for k in ("duration", "width", "height"):
            if isinstance(p.get(k), int) and k in obj:
                obj[k] = p[k]
        return obj

    # ------------------------------------------------------------ methods
    async def api_sendMessage(self, p: dict) -> dict:
        chat = self._resolve_chat(p["chat_id"], send=True)
        text, ents = self._text(p)
        markup = self._markup(p)
        reply_to = self._reply_to(chat, p)
        self._rate("sendMessage", chat["id"])
        return self._bot_message(chat, "sendMessage", p, text=text, entities=ents, markup=markup,
                                 reply_to=reply_to).payload

    async def _send_media(self, method: str, p: dict) -> dict:
        kind = MEDIA_METHODS[method]
        chat = self._resolve_chat(p["chat_id"], send=True)
        f = self._input_file(p[kind], kind)
        caption, ents = self._text(p, "caption", caption=True)
        markup = self._markup(p)
        reply_to = self._reply_to(chat, p)
        self._rate(method, chat["id"])
        return self._bot_message(chat, method, p, text=caption, entities=ents, is_caption=caption is not None,
                                 kind=kind, content={kind: self._media_object(kind, f, p)}, markup=markup,
                                 reply_to=reply_to).payload

    async def api_sendMediaGroup(self, p: dict) -> list:
        chat = self._resolve_chat(p["chat_id"], send=True)
        media = p["media"]
        if not 2 <= len(media) <= 10:
            raise bad("wrong number of media: must include 2-10 items")
        prepared = []
        for item in media:
            ref = item["media"]
            if ref.startswith("attach://"):
                up = self._request_files.get(ref[len("attach://"):])
                if up is None:
                    raise bad(f"can't find attached file \"{ref[len('attach://'):]}\"")
                ref = up
            kind = item["type"]
            caption, ents = self._text(dict(item, parse_mode=item.get("parse_mode")), "caption", caption=True)
            prepared.append((kind, self._input_file(ref, kind), caption, ents, item))
        reply_to = self._reply_to(chat, p)
        self._rate("sendMediaGroup", chat["id"])
        group_id = str(random.randrange(10**17, 10**18))
        out = []
        for kind, f, caption, ents, item in prepared:
            sm = self._bot_message(chat, "sendMediaGroup", p, text=caption, entities=ents,
                                   is_caption=caption is not None, kind=kind,
                                   content={kind: self._media_object(kind, f, item), "media_group_id": group_id},
                                   reply_to=reply_to)
            sm.media_group_id = group_id
            out.append(sm.payload)
        return out

    def _source_message(self, p: dict, what: str) -> SentMessage:
        src_chat = self._resolve_chat(p["from_chat_id"])
        m = self._messages.get((src_chat["id"], p["message_id"]))
        if m is None or m.deleted:
            raise bad(f"message to {what} not found")
        if m.protect_content or m.payload.get("has_protected_content"):
            raise bad(f"message has protected content and can't be {'forwarded' if what == 'forward' else 'copied'}")
        return m

    async def api_copyMessage(self, p: dict) -> dict:
        chat = self._resolve_chat(p["chat_id"], send=True)
        src = self._source_message(p, "copy")
        markup = self._markup(p)
        reply_to = self._reply_to(chat, p)
        text, ents = src.text, src.entities
        if "caption" in p and src.kind != "text":  # a new caption replaces the original one
            text, ents = self._text(p, "caption", caption=True)
        self._rate("copyMessage", chat["id"])
        content = {k: v for k, v in src.payload.items() if k in self._content_fields}
        sm = self._bot_message(chat, "copyMessage", p, text=text, entities=ents, is_caption=src.kind != "text",
                               kind=src.kind, content=content, markup=markup, reply_to=reply_to)
        return {"message_id": sm.message_id}

    async def api_forwardMessage(self, p: dict) -> dict:
        chat = self._resolve_chat(p["chat_id"], send=True)
        src = self._source_message(p, "forward")
        self._rate("forwardMessage", chat["id"])
        sender = src.payload.get("from") or dict(self.bot_user)
        content = {k: v for k, v in src.payload.items() if k in self._content_fields}
        content["forward_origin"] = {"type": "user", "sender_user": sender, "date": src.date}
        return self._bot_message(chat, "forwardMessage", p, text=src.text, entities=src.entities,
                                 is_caption=src.kind != "text", kind=src.kind, content=content).payload

    async def api_copyMessages(self, p: dict) -> list:
        return [await self.api_copyMessage(dict(p, message_id=mid)) for mid in p["message_ids"]]

    async def api_forwardMessages(self, p: dict) -> list:
        return [{"message_id": (await self.api_forwardMessage(dict(p, message_id=mid)))["message_id"]}
                for mid in p["message_ids"]]

    _content_fields = {"photo", "document", "video", "audio", "voice", "animation", "sticker", "video_note",
                       "location", "contact", "venue", "dice", "poll"}

    async def _generic_send(self, method: str, p: dict) -> dict:
        """send<Kind> for kinds without special rules (location, contact, dice, poll, venue, ...)."""
        chat = self._resolve_chat(p["chat_id"], send=True)
        markup = self._markup(p)
        reply_to = self._reply_to(chat, p)
        caption, ents = self._text(p, "caption", caption=True)
        self._rate(method, chat["id"])
        kind = _snake(method[len("send"):])
        fields = {f["name"]: f["types"][0] for f in self.spec.types["Message"]["fields"]}
        content = {}
        if kind in fields:
            t = fields[kind]
            over = {}
            for f in self.spec.types.get(t, {}).get("fields", []):
                if f["name"] in p and f["types"][0] in ("String", "Integer", "Float", "Boolean"):
                    try:  # copy a parameter into the object only if its type fits
                        over[f["name"]] = self.spec.check(f["types"][0], p[f["name"]], f["name"])
                    except Exception:
                        pass
            if kind == "dice":
                over.setdefault("emoji", "🎲")
                over["value"] = random.randint(1, 6)
            if kind == "poll":
                over["options"] = [self.spec.synth("PollOption", {"text": o.get("text", "")})
                                   for o in p.get("options", [])]
                over.setdefault("id", str(random.randrange(10**17, 10**18)))
                over.setdefault("is_anonymous", True)
                over.setdefault("type", "regular")
            content[kind] = self.spec.synth(t, over)
        return self._bot_message(chat, method, p, text=caption, entities=ents, is_caption=caption is not None,
                                 kind=kind, content=content, markup=markup, reply_to=reply_to).payload
