"""FakeZaloBot: a strict fake of the Zalo Bot Platform (`/bot<TOKEN>/<method>`), on loopback.

Like Zalo it answers a bad token with HTTP 200 and `ok: false`, has no buttons, no offsets in
getUpdates (an update can be handed out again: see `replay`), a webhook with a secret header,
and a quota answered with HTTP 429.
"""
from __future__ import annotations

import asyncio
import time
import uuid

from aiohttp import web

from tests.fakes.zalo.common import Call, FakeServer, MinuteLimiter, Sent

METHODS = {"getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
           "sendMessage", "sendPhoto", "sendSticker", "sendChatAction"}


class Refused(Exception):
    def __init__(self, code: int, description: str, http_status: int = 200) -> None:
        self.code, self.description, self.http_status = code, description, http_status


class FakeZaloBot(FakeServer):
    def __init__(self, *, token: str = "2718281828:fake-zalo-bot-token",
                 messages_per_minute: int | None = None) -> None:
        super().__init__()
        self.token = token
        self.limiter = MinuteLimiter(messages_per_minute)
        self.webhook: dict | None = None
        self.wrap_webhook = True            # Zalo documents a wrapped body; bare has been seen
        self.chats: set[str] = set()
        self.blocked: set[str] = set()
        self.actions: list[tuple[str, str]] = []
        self._queue: list[dict] = []
        self._queued = asyncio.Event()
        self.handed_out: list[dict] = []
        self.webhook_statuses: list[int] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/{bot_token}/{method}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            params = None
        try:
            if request.match_info["bot_token"] != f"bot{self.token}":
                raise Refused(401, "Unauthorized")         # HTTP 200, as Zalo does
            if method not in METHODS:
                raise Refused(404, "Not Found")
            if not isinstance(params, dict):
                raise Refused(400, "Bad Request: body is not a JSON object")
            result = await getattr(self, "_" + method)(params)
        except Refused as refused:
            self.calls.append(Call(method, False, refused.code, params or {}))
            self.touch()
            return web.json_response({"ok": False, "error_code": refused.code,
                                      "description": refused.description},
                                     status=refused.http_status)
        self.calls.append(Call(method, True, 0, params))
        if method != "getUpdates":
            self.touch()
        return web.json_response({"ok": True, "result": result})

    # ------------------------------------------------------------------ methods
    async def _getMe(self, params: dict) -> dict:
        return {"id": self.token.split(":")[0], "account_name": "antt_test", "can_join_groups": False}

    async def _getUpdates(self, params: dict) -> dict:
        if self.webhook is not None:
            raise Refused(409, "Conflict: webhook is active")
        wait = float(params.get("timeout", 0) or 0)
        deadline = time.monotonic() + min(wait, 2.0)        # keep tests quick
        while not self._queue:
            self._queued.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Refused(408, "Request timeout")
            try:
                await asyncio.wait_for(self._queued.wait(), remaining)
            except TimeoutError:
                pass
        update = self._queue.pop(0)
        self.handed_out.append(update)
        return update

    async def _setWebhook(self, params: dict) -> dict:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise Refused(400, "Bad Request: url")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise Refused(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _deleteWebhook(self, params: dict) -> dict:
        self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _getWebhookInfo(self, params: dict) -> dict:
        return {"url": (self.webhook or {}).get("url", "")}

    def _chat(self, params: dict) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or chat_id not in self.chats:
            raise Refused(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise Refused(403, "Forbidden: the user blocked the bot")
        if not self.limiter.allow():
            raise Refused(429, "Too Many Requests: quota exceeded", http_status=429)
        return chat_id

    async def _sendMessage(self, params: dict) -> dict:
        chat_id, text = self._chat(params), params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 2000:
            raise Refused(400, "Bad Request: text must be 1-2000 characters")
        if "reply_markup" in params:
            raise Refused(400, "Bad Request: reply_markup is not supported")
        return self._sent(chat_id, text, params)

    async def _sendPhoto(self, params: dict) -> dict:
        chat_id, photo = self._chat(params), params.get("photo")
        caption = params.get("caption", "")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            raise Refused(400, "Bad Request: photo must be a URL")
        if not isinstance(caption, str) or len(caption) > 2000:
            raise Refused(400, "Bad Request: caption too long")
        return self._sent(chat_id, caption, params)

    async def _sendSticker(self, params: dict) -> dict:
        return self._sent(self._chat(params), "", params)

    async def _sendChatAction(self, params: dict) -> bool:
        chat_id = self._chat(params)
        if params.get("action") not in ("typing", "upload_photo"):
            raise Refused(400, "Bad Request: action")
        self.actions.append((chat_id, params["action"]))
        return True

    def _sent(self, chat_id: str, text: str, params: dict) -> dict:
        message_id = uuid.uuid4().hex
        self.record(Sent(chat_id, text, message_id, raw=params))
        return {"message_id": message_id, "date": int(time.time() * 1000)}

    # ------------------------------------------------------------------ the users
    def update(self, chat_id: str, event_name: str, chat_type: str = "PRIVATE",
               **message) -> dict:
        chat_id = str(chat_id)
        if chat_type == "PRIVATE":
            self.chats.add(chat_id)
        body = {"from": {"id": chat_id, "display_name": "Resident", "is_bot": False},
                "chat": {"id": chat_id, "chat_type": chat_type},
                "message_id": uuid.uuid4().hex, "date": int(time.time() * 1000), **message}
        return {"event_name": event_name, "message": body}

    async def push(self, update: dict) -> int | None:
        """Hand an update to the bot: by webhook if one is set, else queue it for getUpdates."""
        if self.webhook is None:
            self._queue.append(update)
            self._queued.set()
            self.touch()
            return None
        body = {"ok": True, "result": update} if self.wrap_webhook else update
        return await self.post_webhook(body, self.webhook["secret_token"])

    async def post_webhook(self, body, secret: str | None, raw: bytes | None = None) -> int:
        headers = {"X-Bot-Api-Secret-Token": secret} if secret is not None else {}
        kwargs = {"data": raw} if raw is not None else {"json": body}
        async with self.http.post(self.webhook["url"], headers=headers, **kwargs) as response:
            self.webhook_statuses.append(response.status)
        self.touch()
        return response.status

    async def user_sends(self, chat_id: str, text: str) -> dict:
        update = self.update(chat_id, "message.text.received", text=text)
        await self.push(update)
        return update

    async def replay(self, update: dict) -> None:
        """getUpdates has no offset: Zalo may hand the same update out again."""
        await self.push(update)
