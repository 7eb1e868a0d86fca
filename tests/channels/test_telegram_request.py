"""The bot's aiohttp client keeps python-telegram-bot's Bot API semantics: the same results, the
same error classes (429 RetryAfter, 403 Forbidden, 400 BadRequest), uploads and downloads."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.errors import classify
from bot.telegram.request import AiohttpRequest
from delivery.errors import ChatNotFound, FloodWait, RecipientGone
from tests.fakes.botapi.server import FakeBotApi

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _bot(api: FakeBotApi, **timeouts) -> Bot:
    return Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url,
               request=AiohttpRequest(**timeouts))


async def test_messages_and_the_errors_a_drain_classifies():
    async with FakeBotApi(per_chat_rate=1.0, per_chat_burst=1) as api:
        api.add_user(1)
        api.add_user(2)
        api.user_blocks_bot(2)
        async with _bot(api) as bot:
            sent = await bot.send_message(1, "Xin chào <b>bà con</b>", parse_mode="HTML")
            assert sent.chat_id == 1 and sent.text == "Xin chào bà con"
            with pytest.raises(RetryAfter) as flood:   # a second message at once to one chat
                await bot.send_message(1, "lần hai")
            with pytest.raises(Forbidden) as blocked:
                await bot.send_message(2, "chặn")
            with pytest.raises(BadRequest) as unknown:
                await bot.send_message(3, "ai?")
    assert isinstance(classify(flood.value), FloodWait)
    assert isinstance(classify(blocked.value), RecipientGone)
    assert isinstance(classify(unknown.value), ChatNotFound)


async def test_a_photo_is_uploaded_and_downloaded_again():
    async with FakeBotApi() as api:
        api.add_user(1)
        async with _bot(api) as bot:
            sent = await bot.send_photo(1, InputFile(PNG, filename="a.png"), caption="ảnh")
            assert sent.caption == "ảnh"
            file = await bot.get_file(sent.photo[-1].file_id)
            assert bytes(await file.download_as_bytearray()) == PNG


async def _slow_server(delay: float):
    async def answer(request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        return web.json_response({"ok": True, "result": True})
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def test_a_slow_answer_is_timed_out_and_no_server_is_a_network_error():
    runner, port = await _slow_server(2.0)
    request = AiohttpRequest(read=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
        await runner.cleanup()
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
    finally:
        await request.shutdown()
