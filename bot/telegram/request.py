"""The bot's HTTP client for the Bot API: python-telegram-bot's request seam on aiohttp.

python-telegram-bot turns the status and body into its own errors (RetryAfter for 429,
Forbidden for 403, BadRequest for 400, ...) in BaseRequest.post; this class only moves bytes.
It replaces the default HTTPXRequest because httpx costs about 2 ms of CPU per request, the
largest share of a bulletin's cost in broadcast_benchmark.py; aiohttp (already the Zalo and
webhook client) parses HTTP in C. getUpdates keeps python-telegram-bot's own client.
"""
from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_UNSET = type(BaseRequest.DEFAULT_NONE)   # python-telegram-bot's "not given" marker
_DEFAULTS = {"read": 5.0, "connect": 5.0, "pool": 1.0}   # python-telegram-bot's defaults


class AiohttpRequest(BaseRequest):
    """One pooled aiohttp session (``connection_pool_size`` connections to the Bot API)."""

    def __init__(self, connection_pool_size: int = 256, **timeouts: float | None) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {**_DEFAULTS, **timeouts}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (in the running loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",))

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """Send one request; (status, body) back, whatever the status."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        data: Any = request_data.json_parameters if request_data else None
        if files:
            data = _form(data or {}, files)
        timeout = self._timeout(read_timeout, connect_timeout, pool_timeout)
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as res:
                return res.status, await res.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _timeout(self, read: Any, connect: Any, pool: Any) -> aiohttp.ClientTimeout:
        # As httpx does: read is per read of the socket (a large download may take longer in
        # all), waiting for a free connection counts towards connect. aiohttp has no write
        # timeout; an upload that stalls ends at its first read timeout.
        read, connect, pool = (self._value(v, k) for v, k in
                               ((read, "read"), (connect, "connect"), (pool, "pool")))
        waits = [v for v in (connect, pool) if v is not None]
        return aiohttp.ClientTimeout(total=None, connect=sum(waits) if len(waits) == 2 else None,
                                     sock_connect=connect, sock_read=read)

    def _value(self, value: Any, name: str) -> float | None:
        return self._timeouts[name] if isinstance(value, _UNSET) else value


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    """Parameters and files as one multipart body, as the Bot API takes uploads."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, part in files.items():
        filename, content, mimetype = part if isinstance(part, tuple) else (None, part, None)
        form.add_field(name, content, filename=filename or name, content_type=mimetype)
    return form
