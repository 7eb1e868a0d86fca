"""A fake Bot API that answers given chats with scripted errors first (5xx, odd 400s)."""
from __future__ import annotations

from tests.fakes.botapi.server import FakeBotApi
from tests.fakes.botapi.spec import ApiError


class FaultyBotApi(FakeBotApi):
    """``fail(chat, code, description, times)``: the next sends to that chat get that error."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.faults: dict[int, list[ApiError]] = {}

    def fail(self, chat_id: int, code: int, description: str, times: int = 1) -> None:
        self.faults.setdefault(chat_id, []).extend(
            ApiError(code, description) for _ in range(times))

    async def _call(self, method: str, params: dict):
        chat = params.get("chat_id")
        if method.startswith("send") and isinstance(chat, int) and self.faults.get(chat):
            raise self.faults[chat].pop(0)
        return await super()._call(method, params)
