"""FakeZaloOA: a strict fake of the Zalo OA Open API and OAuth v4 server, on loopback.

It answers like Zalo (HTTP 200 with `{"error": <code>}`), checks the `access_token` header,
hands out single-use refresh tokens, enforces the 7-day reply window and a per-minute rate,
and plays the users: it signs each webhook event (X-ZEvent-Signature) and POSTs it to the bot.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass

from aiohttp import web

from tests.fakes.zalo.common import Call, FakeServer, MinuteLimiter, Sent

FILE_TYPES = {"application/pdf": ".pdf", "application/msword": ".doc",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}
BUTTON_TYPES = {"oa.query.show", "oa.query.hide", "oa.open.url", "oa.open.phone",
                "oa.open.sms"}
ERRORS = {-32: "Rate limit exceeded", -201: "Parameter is invalid", -211: "Out of quota",
          -213: "User has not followed OA", -216: "Access token is invalid",
          -220: "Access token has expired", -230: "User has not interacted with OA in 7 days"}


class Refused(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


@dataclass
class ZaloUser:
    user_id: str
    follows: bool = True
    last_interaction: float = 0.0


class FakeZaloOA(FakeServer):
    def __init__(self, *, app_id: str = "3141592653589793", app_secret: str = "fake-app-secret",
                 secret_key: str = "fake-oa-secret-key", rate_per_minute: int | None = None,
                 access_lifetime: int = 90000, window_days: float = 7) -> None:
        super().__init__()
        self.app_id, self.app_secret, self.secret_key = app_id, app_secret, secret_key
        self.oa_id = "579745863508352884"
        self.limiter = MinuteLimiter(rate_per_minute)
        self.access_lifetime, self.window = access_lifetime, window_days * 86400
        self.access_tokens: dict[str, float] = {}      # token -> expiry (epoch seconds)
        self.refresh_token = ""                        # the only one Zalo would accept now
        self.spent_refresh_tokens: set[str] = set()
        self.users: dict[str, ZaloUser] = {}
        self.attachments: set[str] = set()
        self.files: dict[str, tuple[str, bytes]] = {}    # upload token -> (file name, bytes)
        self.cdn: dict[str, bytes] = {}                  # what Zalo's CDN serves, by name
        self.cdn_fetches: list[str] = []
        self.webhook_url = ""
        self.deliveries: list[tuple[int, dict]] = []
        self.clock_offset = 0.0                          # seconds added to "now" for events

    # ------------------------------------------------------------------ server
    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3.0/oa/message/cs", self._cs)
        app.router.add_post("/v2.0/oa/upload/image", self._upload)
        app.router.add_post("/v2.0/oa/upload/file", self._upload_file)
        app.router.add_get("/cdn/{name}", self._cdn)
        app.router.add_post("/v4/oa/access_token", self._oauth)

    def issue_tokens(self) -> tuple[str, str]:
        """A fresh pair, as an officer gets when authorising the app (for the settings)."""
        access = "AT-" + secrets.token_urlsafe(16)
        self.access_tokens[access] = time.time() + self.access_lifetime
        self.refresh_token = "RT-" + secrets.token_urlsafe(16)
        return access, self.refresh_token

    def expire_access_tokens(self) -> None:
        self.access_tokens = {token: 0.0 for token in self.access_tokens}

    def _answer(self, path: str, params: dict, data: dict | None = None,
                code: int = 0) -> web.Response:
        self.calls.append(Call(path, code == 0, code, params))
        self.touch()
        if code:
            return web.json_response({"error": code, "message": ERRORS.get(code, "Error")})
        return web.json_response({"error": 0, "message": "Success", "data": data or {}})

    def _authorised(self, request: web.Request) -> None:
        expiry = self.access_tokens.get(request.headers.get("access_token", ""))
        if expiry is None:
            raise Refused(-216)
        if expiry < time.time():
            raise Refused(-220)
        if not self.limiter.allow():
            raise Refused(-32)

    async def _cs(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        try:
            self._authorised(request)
            if not isinstance(body, dict):
                raise Refused(-201)
            user_id, message = self._validate_cs(body)
            self._reachable(user_id)
        except Refused as refused:
            return self._answer("cs", body if isinstance(body, dict) else {}, code=refused.code)
        msg_id = uuid.uuid4().hex
        buttons = (message.get("attachment") or {}).get("payload", {}).get("buttons", [])
        self.record(Sent(user_id, message.get("text", ""), msg_id, buttons, message))
        return self._answer("cs", body, {"message_id": msg_id, "user_id": user_id})

    def _validate_cs(self, body: dict) -> tuple[str, dict]:
        recipient, message = body.get("recipient"), body.get("message")
        if not isinstance(recipient, dict) or not isinstance(message, dict):
            raise Refused(-201)
        user_id = recipient.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise Refused(-201)
        text, attachment = message.get("text"), message.get("attachment")
        if text is not None and (not isinstance(text, str) or not 1 <= len(text) <= 2000):
            raise Refused(-201)
        if attachment is None and text is None:
            raise Refused(-201)
        if attachment is not None:
            self._validate_attachment(attachment, text)
        return user_id, message

    def _validate_attachment(self, attachment: object, text: object) -> None:
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if attachment.get("type") == "file":      # an uploaded file's token, and no text
            if text is not None or not isinstance(payload, dict) or \
                    payload.get("token") not in self.files:
                raise Refused(-201)
            return
        if attachment.get("type") != "template" or not isinstance(payload, dict):
            raise Refused(-201)
        if payload.get("template_type") == "media":
            elements = payload.get("elements")
            if not isinstance(elements, list) or len(elements) != 1:
                raise Refused(-201)
            element = elements[0]
            if element.get("media_type") != "image" or not (
                    element.get("attachment_id") in self.attachments or
                    str(element.get("url", "")).startswith("http")):
                raise Refused(-201)
            return
        buttons = payload.get("buttons")
        if text is None or not isinstance(buttons, list) or not 1 <= len(buttons) <= 5:
            raise Refused(-201)
        for button in buttons:
            title, kind, value = button.get("title"), button.get("type"), button.get("payload")
            if not isinstance(title, str) or not 1 <= len(title) <= 100 or kind not in BUTTON_TYPES:
                raise Refused(-201)
            if kind.startswith("oa.query") and not (isinstance(value, str) and
                                                     1 <= len(value) <= 1000):
                raise Refused(-201)

    def _reachable(self, user_id: str) -> None:
        user = self.users.get(user_id)
        if user is None or self.now() - user.last_interaction > self.window:
            raise Refused(-230)
        if not user.follows:
            raise Refused(-213)

    async def _upload(self, request: web.Request) -> web.Response:
        try:
            self._authorised(request)
            form = await request.post()
            upload = form.get("file")
            if upload is None or not hasattr(upload, "file"):
                raise Refused(-201)
            content = upload.file.read()
            if len(content) > 1024 * 1024 or upload.content_type not in ("image/jpeg", "image/png"):
                raise Refused(-201)
        except Refused as refused:
            return self._answer("upload", {}, code=refused.code)
        attachment_id = hashlib.sha1(content).hexdigest()
        self.attachments.add(attachment_id)
        return self._answer("upload", {"bytes": len(content)}, {"attachment_id": attachment_id})

    async def _cdn(self, request: web.Request) -> web.Response:
        """The CDN link a user's photo or file arrives as; gone (404) once it has expired."""
        name = request.match_info["name"]
        self.cdn_fetches.append(name)
        if name not in self.cdn:
            return web.Response(status=404)
        return web.Response(body=self.cdn[name], content_type="image/jpeg")

    def cdn_url(self, name: str) -> str:
        return f"{self.url}/cdn/{name}"

    async def _upload_file(self, request: web.Request) -> web.Response:
        """PDF, DOC or DOCX of at most 5 MB, as the OA's file upload takes."""
        try:
            self._authorised(request)
            form = await request.post()
            upload = form.get("file")
            if upload is None or not hasattr(upload, "file"):
                raise Refused(-201)
            content = upload.file.read()
            if len(content) > 5 * 1024 * 1024 or upload.content_type not in FILE_TYPES or \
                    not upload.filename.lower().endswith(FILE_TYPES[upload.content_type]):
                raise Refused(-201)
        except Refused as refused:
            return self._answer("upload_file", {}, code=refused.code)
        token = secrets.token_urlsafe(24)
        self.files[token] = (upload.filename, content)
        return self._answer("upload_file", {"bytes": len(content)}, {"token": token})

    def files_sent_to(self, user_id: str) -> list[tuple[str, bytes]]:
        """The (name, bytes) of every file message the OA sent to this user, in order."""
        return [self.files[m.raw["attachment"]["payload"]["token"]]
                for m in self.sent if m.user_id == user_id
                and (m.raw.get("attachment") or {}).get("type") == "file"]

    async def _oauth(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.touch()
        problem = None
        if request.headers.get("secret_key") != self.app_secret:
            problem = (-14002, "Invalid secret key")
        elif form.get("app_id") != self.app_id or form.get("grant_type") != "refresh_token":
            problem = (-14001, "Invalid parameter")
        elif not self.refresh_token or form.get("refresh_token") != self.refresh_token:
            problem = (-14014, "Invalid refresh token")
        if problem:
            self.calls.append(Call("oauth", False, problem[0], form))
            return web.json_response({"error": problem[0], "error_name": problem[1],
                                      "error_description": problem[1]})
        self.spent_refresh_tokens.add(self.refresh_token)
        access, refresh = self.issue_tokens()
        self.calls.append(Call("oauth", True, 0, form))
        return web.json_response({"access_token": access, "refresh_token": refresh,
                                  "expires_in": str(self.access_lifetime)})

    # ------------------------------------------------------------------ the users
    def now(self) -> float:
        return time.time() + self.clock_offset

    def user(self, user_id: str) -> ZaloUser:
        return self.users.setdefault(str(user_id), ZaloUser(str(user_id)))

    def event(self, name: str, user_id: str, **fields) -> dict:
        body = {"app_id": self.app_id, "event_name": name,
                "timestamp": str(int(self.now() * 1000)), "user_id_by_app": "app-" + user_id}
        body.update(fields)
        return body

    def message_event(self, name: str, user_id: str, **message) -> dict:
        user = self.user(user_id)
        user.last_interaction = self.now()
        message = {"msg_id": uuid.uuid4().hex, **message}
        return self.event(name, user_id, sender={"id": user_id},
                          recipient={"id": self.oa_id}, message=message)

    def sign(self, body: bytes, timestamp: str, key: str | None = None) -> str:
        data = self.app_id.encode() + body + timestamp.encode() + (key or self.secret_key).encode()
        return "mac=" + hashlib.sha256(data).hexdigest()

    async def deliver(self, event: dict, *, key: str | None = None,
                      signature: str | None = None) -> int:
        """POST an event to the bot's webhook, signed like Zalo (or as told); returns status."""
        body = json.dumps(event, ensure_ascii=False).encode()
        header = signature or self.sign(body, str(event.get("timestamp", "")), key)
        return await self.post_raw(body, {"X-ZEvent-Signature": header,
                                          "Content-Type": "application/json"})

    async def post_raw(self, body: bytes, headers: dict) -> int:
        async with self.http.post(self.webhook_url, data=body, headers=headers) as response:
            status = response.status
        self.deliveries.append((status, {"bytes": len(body)}))
        self.touch()
        return status

    async def user_sends(self, user_id: str, text: str) -> dict:
        event = self.message_event("user_send_text", str(user_id), text=text)
        assert await self.deliver(event) == 200
        return event

    async def user_taps(self, message: Sent, title_part: str) -> dict:
        """Tap an `oa.query.show` button: Zalo sends its payload back as the user's text."""
        button = message.button(title_part)
        assert button["type"] == "oa.query.show"
        return await self.user_sends(message.user_id, button["payload"])

    async def user_follows(self, user_id: str) -> dict:
        user = self.user(user_id)
        user.follows, user.last_interaction = True, self.now()
        event = self.event("follow", user_id, oa_id=self.oa_id, follower={"id": user_id},
                           source="testing")
        assert await self.deliver(event) == 200
        return event

    async def user_unfollows(self, user_id: str) -> dict:
        self.user(user_id).follows = False
        event = self.event("unfollow", user_id, oa_id=self.oa_id, follower={"id": user_id},
                           source="testing")
        assert await self.deliver(event) == 200
        return event

    async def user_sends_attachment(self, user_id: str, name: str, kind: str,
                                    payload: dict, text: str = "") -> dict:
        message = {"attachments": [{"type": kind, "payload": payload}]}
        if text:
            message["text"] = text
        event = self.message_event(name, str(user_id), **message)
        assert await self.deliver(event) == 200
        return event

    async def user_receipt(self, name: str, user_id: str, msg_ids: list[str]) -> dict:
        # As some sources describe it: the OA is the sender of a receipt, the user the recipient.
        message = {"msg_ids": msg_ids} if name == "user_seen_message" else {"msg_id": msg_ids[0]}
        event = self.event(name, user_id, sender={"id": self.oa_id},
                           recipient={"id": str(user_id)}, message=message)
        assert await self.deliver(event) == 200
        return event
