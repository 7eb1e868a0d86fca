"""FakeBotApi: a strict fake of the Telegram Bot API HTTP server for python-telegram-bot, on loopback.

    async with FakeBotApi() as api:
        bot = telegram.Bot(api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
        api.user_sends(42, "/start")            # queues an Update for getUpdates / the webhook
        msg = await api.wait_for(42, "Xin chào")  # first bot message in chat 42 containing the text
"""
from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import secrets
import time
from typing import TYPE_CHECKING, Any
from collections.abc import Callable

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    import telegram

from .editing import EditingMixin
from .model import Call, RateLimiter, SentMessage, WebhookDelivery, inline_buttons, keyboard
from .observe import ObserveMixin
from .people import PeopleMixin
from .sending import MEDIA_METHODS, SendingMixin
from .spec import ApiError, Spec, UploadedFile, get_spec
from .updates import UpdatesMixin

__all__ = ["FakeBotApi", "Call", "SentMessage", "WebhookDelivery", "ApiError", "inline_buttons", "keyboard"]

_REQUEST_FILES: contextvars.ContextVar[dict[str, UploadedFile]] = contextvars.ContextVar("request_files", default={})
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}


class FakeBotApi(PeopleMixin, SendingMixin, EditingMixin, UpdatesMixin, ObserveMixin):
    def __init__(self, *, token: str = "123456:TEST-token", bot_username: str = "antt_test_bot",
                 global_rate: float | None = None, per_chat_rate: float | None = None,
                 per_chat_burst: int = 3, global_burst: int | None = None,
                 bot_first_name: str = "ANTT Test Bot", host: str = "127.0.0.1", port: int = 0,
                 spec: Spec | None = None, clock: Callable[[], float] | None = None):
        self.token = token
        self.spec = spec or get_spec()
        self.host, self.port = host, port
        self.url = ""
        self.bot_user = {"id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": bot_first_name,
                         "username": bot_username}
        self._limiter = RateLimiter(global_rate, global_burst, per_chat_rate, per_chat_burst,
                                    clock or time.monotonic)  # clock: only for the rate limits
        # observation
        self.calls: list[Call] = []
        self.answered_callbacks: dict[str, dict] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.webhook: dict | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_max_attempts = 4
        self.webhook_retry_delay = 0.2
        self.webhook_timeout = 5.0
        self.bot_is_group_admin = True
        self.check_responses = False  # True: validate every returned Message against the spec (slower)
        # state
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self._kicked_groups: set[int] = set()
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._chat_msgs: dict[int, list[SentMessage]] = {}
        self._next_mid: dict[int, int] = {}
        self._files: dict[str, dict] = {}
        self._files_by_path: dict[str, dict] = {}
        self._callbacks: dict[str, dict] = {}
        self._updates: list[dict] = []
        self._updates_event = asyncio.Event()
        self._last_update_id = 100000
        self._handed_out = 0
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._last_poll_at = float("-inf")
        self._webhook_task: asyncio.Task | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._delivering = 0
        self._session: aiohttp.ClientSession | None = None
        self._activity: list[tuple[int, SentMessage]] = []
        self._activity_event = asyncio.Event()
        self._seq = 0
        self._inflight = 0
        self._last_activity = float("-inf")
        self._stopping = False
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{self.host}:{self.port}"
        self._session = aiohttp.ClientSession()
        self._stopping = False
        self._restart_webhook_task()

    async def stop(self) -> None:
        self._stopping = True
        self._pulse_updates()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            try:
                await self._webhook_task
            except (asyncio.CancelledError, Exception):
                pass
            self._webhook_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For telegram.Bot(base_url=...): the bot appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def make_bot(self, token: str | None = None, **kwargs: Any) -> telegram.Bot:
        """A real telegram.Bot pointed at this fake (use `async with bot:` to initialize it)."""
        import telegram

        return telegram.Bot(token or self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    # ------------------------------------------------------------ ids and files
    @property
    def _request_files(self) -> dict[str, UploadedFile]:
        """Files uploaded with the request being handled (for attach://name references)."""
        return _REQUEST_FILES.get()

    def _new_message_id(self, chat_id: int) -> int:
        self._next_mid[chat_id] = self._next_mid.get(chat_id, 0) + 1
        return self._next_mid[chat_id]

    def _new_file(self, data: bytes, folder: str, ext: str, **meta: Any) -> dict:
        unique = hashlib.sha1(data + secrets.token_bytes(4)).hexdigest()[:16]
        file_id = "AgACAgUAAxk" + secrets.token_urlsafe(24)
        path = f"{folder}/file_{len(self._files)}.{ext}"
        rec = {"file_id": file_id, "file_unique_id": unique, "file_size": len(data), "file_path": path,
               "data": data, **{k: v for k, v in meta.items() if v is not None}}
        self._files[file_id] = rec
        self._files_by_path[path] = rec
        return rec

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id]["data"]

    # ------------------------------------------------------------ HTTP
    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path
        if path.startswith("/file/bot"):
            return await self._handle_file(request, path[len("/file/bot"):])
        if not path.startswith("/bot") or path.count("/") != 2:
            return web.json_response(NOT_FOUND, status=404)
        token, name = path[len("/bot"):].split("/", 1)
        method = self.spec.canonical(name) if name else None
        at = time.monotonic()
        is_poll = method == "getUpdates"
        if not is_poll:
            self._inflight += 1
            self._last_activity = at
        try:
            if token != self.token:
                return self._respond(name, {}, 401, UNAUTHORIZED, request)
            if method is None:
                return self._respond(name, {}, 404, NOT_FOUND, request)
            params: dict[str, Any] = {}
            try:
                params, files = await self._read_params(request)
                _REQUEST_FILES.set(files)
                params = self.spec.coerce_params(method, params, files)
                result = await self._call(method, params)
            except ApiError as exc:
                return self._respond(method, params, exc.code, exc.payload(), request)
            if self.check_responses and isinstance(result, dict) and "message_id" in result and "chat" in result:
                self.spec.validate_object("Message", result)
            return self._respond(method, params, 200, {"ok": True, "result": result}, request)
        finally:
            if not is_poll:
                self._inflight -= 1
                self._last_activity = time.monotonic()

    def _respond(self, method: str, params: dict, status: int, body: dict, request: web.Request) -> web.Response:
        # a client that went away (e.g. a cancelled long poll) never sees the answer: recorded as 499
        recorded = 499 if request.transport is None or request.transport.is_closing() else status
        self.calls.append(Call(method=method, params=params, status=recorded, at=time.monotonic(),
                               response=body, http_method=request.method))
        return web.Response(status=status, text=json.dumps(body, ensure_ascii=False),
                            content_type="application/json")

    async def _read_params(self, request: web.Request) -> tuple[dict, dict[str, UploadedFile]]:
        params: dict[str, Any] = dict(request.query.items())
        files: dict[str, UploadedFile] = {}
        if request.method != "POST" or not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
                if not isinstance(data, dict):
                    raise ApiError(400, "Bad Request: request must be a JSON object")
                params.update(data)
        elif ctype == "application/x-www-form-urlencoded":
            params.update((await request.post()).items())
        elif ctype == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
                    continue
                if part.filename is not None:
                    data = await part.read(decode=False)
                    files[part.name] = UploadedFile(part.name, part.filename,
                                                    part.headers.get("Content-Type"), bytes(data))
                else:
                    params[part.name] = await part.text()
        return params, files

    async def _call(self, method: str, params: dict) -> Any:
        handler = getattr(self, f"api_{method}", None)
        if handler is not None:
            return await handler(params)
        if method in MEDIA_METHODS:
            return await self._send_media(method, params)
        return await self._generic(method, params)

    async def _generic(self, method: str, p: dict) -> Any:
        """Any other spec method: parameters are validated; a plausible result is returned."""
        ret = self.spec.returns(method)[0]
        if ret == "Message":
            if method.startswith("send"):
                return await self._generic_send(method, p)
            if p.get("chat_id") is not None:
                m = self._edit_target(p)
                self._rate(method, m.chat_id)
                return self._apply_edit(m, method)
            return True
        if p.get("chat_id") is not None and isinstance(p["chat_id"], (int, str)):
            self._resolve_chat(p["chat_id"], send=method.startswith("send"))
        if ret == "Boolean":
            return True
        if ret == "Integer":
            return 0
        if ret == "String":
            return "https://t.me/+FakeInviteLink"
        if ret.startswith("Array of "):
            return []
        return self.spec.synth(ret)

    async def _handle_file(self, request: web.Request, rest: str) -> web.Response:
        token, _, path = rest.partition("/")
        if token != self.token:
            return web.json_response(UNAUTHORIZED, status=401)
        rec = self._files_by_path.get(path)
        if rec is None:
            return web.json_response(NOT_FOUND, status=404)
        return web.Response(body=rec["data"], content_type="application/octet-stream")
