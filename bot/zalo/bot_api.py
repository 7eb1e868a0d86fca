"""The Zalo Bot Platform over HTTP: `/bot<TOKEN>/<method>`, `{ok, result}` envelope.

The token sits in the URL path, so no URL of this module is ever logged or put in an error.
"""
from __future__ import annotations


import aiohttp

from bot.zalo.errors import ZaloApiError, ZaloUnavailable

TIMEOUT = 20.0


class BotApiClient:
    def __init__(self, http: aiohttp.ClientSession, api_url: str, token: str) -> None:
        self._http, self._base = http, f"{api_url}/bot{token}"

    async def call(self, method: str, params: dict | None = None, *,
                   timeout: float = TIMEOUT) -> object:
        """The `result` of a method; the envelope's `ok` decides, not the HTTP status (a bad
        token has been seen as HTTP 200 with ok: false)."""
        try:
            async with self._http.post(f"{self._base}/{method}", json=params or {},
                                       timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                status = response.status
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise ZaloUnavailable(f"{method}: {type(error).__name__}") from None
        if not isinstance(body, dict) or "ok" not in body:
            raise ZaloUnavailable(f"{method}: http {status}, not an envelope")
        if body["ok"] is not True:
            code = body.get("error_code")
            raise ZaloApiError(code if isinstance(code, int) else status,
                               str(body.get("description", ""))[:200])
        return body.get("result")

    async def send_message(self, chat_id: str, text: str) -> str:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return _message_id(result)

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> str:
        params = {"chat_id": chat_id, "photo": url}
        if caption:
            params["caption"] = caption
        return _message_id(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def get_updates(self, wait: int) -> list[dict]:
        """Long-poll for updates; Zalo returns one update (or none) per call, without offsets."""
        try:
            result = await self.call("getUpdates", {"timeout": str(wait)}, timeout=wait + 10)
        except ZaloApiError as error:
            if error.code == 408:      # the long poll ended without an update
                return []
            raise
        items = result if isinstance(result, list) else [result]
        return [item for item in items if isinstance(item, dict)]

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")


def _message_id(result: object) -> str:
    return str(result.get("message_id", "")) if isinstance(result, dict) else ""
