"""The OA Open API over HTTP: `access_token` header, `{"error": 0, "data": ...}` envelope."""
from __future__ import annotations

import logging

import aiohttp

from bot.zalo.errors import OA_TOKEN_ERRORS, ZaloApiError, ZaloUnavailable
from bot.zalo.tokens import TokenKeeper

log = logging.getLogger(__name__)
CS_PATH = "/v3.0/oa/message/cs"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"
MAX_IMAGE_BYTES = 1024 * 1024        # the OA refuses larger uploads
UPLOAD_FILE_PATH = "/v2.0/oa/upload/file"
MAX_FILE_BYTES = 5 * 1024 * 1024     # PDF, DOC, DOCX only
FILE_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
TIMEOUT = aiohttp.ClientTimeout(total=20)


class OAClient:
    def __init__(self, http: aiohttp.ClientSession, api_url: str, tokens: TokenKeeper) -> None:
        self._http, self._root, self._tokens = http, api_url, tokens

    async def send(self, user_id: str, message: dict) -> str:
        """Send one consultation message; returns Zalo's message id."""
        data = await self.call(CS_PATH, json={"recipient": {"user_id": user_id},
                                              "message": message})
        return str(data.get("message_id") or data.get("msg_id") or "")

    async def upload_image(self, content: bytes, filename: str, content_type: str) -> str:
        """Upload an image (JPG/PNG, at most 1 MB); returns its attachment_id."""
        if len(content) > MAX_IMAGE_BYTES:
            raise ValueError("image larger than 1 MB")
        data = await self.call(UPLOAD_IMAGE_PATH, form=_file_form(content, filename, content_type))
        return str(data.get("attachment_id") or "")

    async def upload_file(self, content: bytes, filename: str) -> str:
        """Upload a PDF, DOC or DOCX (at most 5 MB); returns the token a file message carries."""
        content_type = FILE_TYPES.get(filename[filename.rfind("."):].lower())
        if content_type is None or len(content) > MAX_FILE_BYTES:
            raise ValueError("the OA takes PDF, DOC or DOCX files of at most 5 MB")
        data = await self.call(UPLOAD_FILE_PATH, form=_file_form(content, filename, content_type))
        return str(data.get("token") or "")

    async def send_file(self, user_id: str, token: str) -> str:
        """A file message (no text: Zalo shows the file's name)."""
        return await self.send(user_id, {"attachment": {"type": "file",
                                                        "payload": {"token": token}}})

    async def call(self, path: str, *, json: dict | None = None, form=None) -> dict:
        """POST and return `data`; a rejected access token is refreshed and tried once more."""
        token = await self._tokens.access_token()
        try:
            return await self._post(path, token, json, form)
        except ZaloApiError as error:
            if error.code not in OA_TOKEN_ERRORS:
                raise
            log.info("zalo oa token rejected, refreshing", extra={"code": error.code})
        fresh = await self._tokens.refresh(rejected=token)
        return await self._post(path, fresh.access_token, json, form)

    async def _post(self, path: str, token: str, json: dict | None, form) -> dict:
        try:
            async with self._http.post(f"{self._root}{path}", json=json,
                                       data=form() if form else None,
                                       headers={"access_token": token},
                                       timeout=TIMEOUT) as response:
                if response.status >= 500:
                    raise ZaloUnavailable(f"oa http {response.status}")
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise ZaloUnavailable(f"oa: {type(error).__name__}") from error
        if not isinstance(body, dict) or not isinstance(body.get("error"), int):
            raise ZaloUnavailable("oa: not an envelope")
        if body["error"] != 0:
            raise ZaloApiError(body["error"], str(body.get("message", "")))
        data = body.get("data")
        return data if isinstance(data, dict) else {}


def _file_form(content: bytes, filename: str, content_type: str):
    """A builder of the one-file multipart form the OA's uploads take (a fresh form per attempt:
    aiohttp consumes a FormData when it is sent, and a refreshed token means a second POST)."""
    def form() -> aiohttp.FormData:
        data = aiohttp.FormData()
        data.add_field("file", content, filename=filename, content_type=content_type)
        return data
    return form
