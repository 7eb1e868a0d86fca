"""Bot API methods: edits, deletions, callback answers, chat actions, files, commands, chat info."""
from __future__ import annotations

import json
import re
import time
from typing import Any

from .model import SentMessage
from .spec import bad

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message")
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class EditingMixin:
    def _edit_target(self, p: dict) -> SentMessage:
        if p.get("inline_message_id") and p.get("chat_id") is None:
            raise bad("MESSAGE_ID_INVALID")  # inline mode messages are not simulated
        if p.get("chat_id") is None or p.get("message_id") is None:
            raise bad("message identifier is not specified")
        chat = self._resolve_chat(p["chat_id"], send=True)
        m = self._messages.get((chat["id"], p["message_id"]))
        if m is None or m.deleted:
            raise bad("message to edit not found")
        if not m.from_bot:
            raise bad("message can't be edited")
        return m

    def _apply_edit(self, m: SentMessage, method: str, *, text: Any = ..., entities=(), markup: Any = ...) -> dict:
        payload = dict(m.payload)
        if text is not ...:
            key, ekey = ("caption", "caption_entities") if m.is_caption or m.kind != "text" else ("text", "entities")
            m.edits.append(m.text)
            m.text, m.entities = text, list(entities)
            payload.pop(key, None)
            payload.pop(ekey, None)
            if text is not None:
                payload[key] = text
            if entities:
                payload[ekey] = list(entities)
        if markup is not ...:
            if markup != m.reply_markup:
                m.markup_edits.append(m.reply_markup)
            m.reply_markup = markup
            payload.pop("reply_markup", None)
            if markup and "inline_keyboard" in markup:
                payload["reply_markup"] = markup
        payload["edit_date"] = int(time.time())
        m.payload = payload
        self._touch(m)
        return payload

    async def api_editMessageText(self, p: dict) -> Any:
        m = self._edit_target(p)
        if m.kind != "text":
            raise bad("there is no text in the message to edit")
        text, ents = self._text(p)
        if text is None:  # text became optional in Bot API 10.x (rich_message is the alternative)
            if p.get("rich_message") is None:
                raise bad("message text is empty")
            text, ents = "[rich message]", []
        markup = self._markup(p)
        if text == m.text and ents == m.entities and markup == m.reply_markup:
            raise bad(NOT_MODIFIED)
        self._rate("editMessageText", m.chat_id)
        return self._apply_edit(m, "editMessageText", text=text, entities=ents, markup=markup)

    async def api_editMessageCaption(self, p: dict) -> Any:
        m = self._edit_target(p)
        if m.kind == "text":
            raise bad("there is no caption in the message to edit")
        text, ents = self._text(p, "caption", caption=True)
        markup = self._markup(p)
        if text == m.text and ents == m.entities and markup == m.reply_markup:
            raise bad(NOT_MODIFIED)
        self._rate("editMessageCaption", m.chat_id)
        return self._apply_edit(m, "editMessageCaption", text=text, entities=ents, markup=markup)

    async def api_editMessageReplyMarkup(self, p: dict) -> Any:
        m = self._edit_target(p)
        markup = self._markup(p)
        if markup == m.reply_markup or (not markup and not m.reply_markup):
            raise bad(NOT_MODIFIED)
        self._rate("editMessageReplyMarkup", m.chat_id)
        return self._apply_edit(m, "editMessageReplyMarkup", markup=markup)

    async def api_editMessageMedia(self, p: dict) -> Any:
        m = self._edit_target(p)
        if m.kind == "text":
            raise bad("there is no media in the message to edit")
        item = p["media"]
        ref = item["media"]
        if ref.startswith("attach://"):
            ref = self._request_files.get(ref[len("attach://"):])
            if ref is None:
                raise bad("can't find attached file")
        kind = item["type"]
        f = self._input_file(ref, kind)
        caption, ents = self._text(dict(item), "caption", caption=True)
        markup = self._markup(p)
        self._rate("editMessageMedia", m.chat_id)
        for k in self._content_fields:
            m.payload.pop(k, None)
        m.payload[kind] = self._media_object(kind, f, item)
        m.kind = kind
        m.photo = f["file_id"] if kind == "photo" else None
        m.document = f["file_id"] if kind == "document" else None
        return self._apply_edit(m, "editMessageMedia", text=caption, entities=ents, markup=markup)

    async def api_deleteMessage(self, p: dict) -> bool:
        chat = self._resolve_chat(p["chat_id"])
        m = self._messages.get((chat["id"], p["message_id"]))
        if m is None or m.deleted:
            raise bad("message to delete not found")
        if chat["type"] != "private" and not m.from_bot and not self.bot_is_group_admin:
            raise bad("message can't be deleted")
        m.deleted = True
        self._touch(None)
        return True

    async def api_deleteMessages(self, p: dict) -> bool:
        chat = self._resolve_chat(p["chat_id"])
        if not 1 <= len(p["message_ids"]) <= 100:
            raise bad("too many messages to delete" if p["message_ids"] else "message_ids is empty")
        for mid in p["message_ids"]:
            m = self._messages.get((chat["id"], mid))
            if m is not None:
                m.deleted = True
        self._touch(None)
        return True

    async def api_answerCallbackQuery(self, p: dict) -> bool:
        q = self._callbacks.get(p["callback_query_id"])
        if q is None or q["answered"]:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        q["answered"] = True
        q["answer"] = {"text": p.get("text"), "show_alert": bool(p.get("show_alert", False)),
                       "url": p.get("url"), "cache_time": p.get("cache_time"), "at": time.monotonic()}
        self.answered_callbacks[p["callback_query_id"]] = q["answer"]
        return True

    async def api_sendChatAction(self, p: dict) -> bool:
        chat = self._resolve_chat(p["chat_id"], send=True)
        if p["action"] not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], p["action"]))
        return True

    async def api_getFile(self, p: dict) -> dict:
        f = self._files.get(p["file_id"])
        if f is None:
            raise bad("invalid file_id")
        return {"file_id": f["file_id"], "file_unique_id": f["file_unique_id"], "file_size": f["file_size"],
                "file_path": f["file_path"]}

    async def api_getMe(self, p: dict) -> dict:
        return dict(self.bot_user, can_join_groups=True, can_read_all_group_messages=False,
                    supports_inline_queries=False, can_connect_to_business=False, has_main_web_app=False)

    @staticmethod
    def _commands_key(p: dict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True, ensure_ascii=False), p.get("language_code") or ""

    async def api_setMyCommands(self, p: dict) -> bool:
        cmds = p["commands"]
        if len(cmds) > 100:
            raise bad("too many commands")
        for c in cmds:
            if not _COMMAND_RE.match(c["command"]):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(c["description"]) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        lang = p.get("language_code")
        if lang and not re.match(r"^[a-z]{2}$", lang):
            raise bad("invalid language code specified")
        key = self._commands_key(p)
        if cmds:
            self.commands[key] = [{"command": c["command"], "description": c["description"]} for c in cmds]
        else:
            self.commands.pop(key, None)
        return True

    async def api_getMyCommands(self, p: dict) -> list:
        return list(self.commands.get(self._commands_key(p), []))

    async def api_deleteMyCommands(self, p: dict) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def my_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Commands set with setMyCommands for that scope (default scope) and language."""
        return list(self.commands.get(self._commands_key({"scope": scope, "language_code": language_code}), []))

    async def api_getChat(self, p: dict) -> dict:
        chat = self._resolve_chat(p["chat_id"])
        return self.spec.synth("ChatFullInfo", dict(chat, accent_color_id=0, max_reaction_count=11))

    async def api_getChatMember(self, p: dict) -> dict:
        self._resolve_chat(p["chat_id"])
        uid = p["user_id"]
        if uid == self.bot_user["id"]:
            user = dict(self.bot_user)
        elif uid in self._users:
            user = self._user_obj(uid)
        else:
            raise bad("user not found")
        status = "kicked" if self._users.get(uid, {}).get("blocked") else "member"
        sub = "ChatMemberBanned" if status == "kicked" else "ChatMemberMember"
        return self.spec.synth(sub, {"user": user, "status": status})

    async def api_getChatMemberCount(self, p: dict) -> int:
        chat = self._resolve_chat(p["chat_id"])
        return 2 if chat["type"] == "private" else 1 + len({m.payload.get("from", {}).get("id")
                                                             for m in self._chat_msgs.get(chat["id"], [])})
