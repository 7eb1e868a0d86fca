"""Tests of update delivery of the fake Bot API: long polling, webhooks, waiting helpers, Application."""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from .server import FakeBotApi

pytestmark = pytest.mark.asyncio


class Receiver:
    """A tiny webhook endpoint on loopback; answers with the statuses in `script`, then 200."""

    def __init__(self, script: list[int] | None = None):
        self.script = list(script or [])
        self.requests: list[tuple[dict, dict]] = []  # (headers, json body)
        self.got = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((dict(request.headers), json.loads(body) if body.startswith(b"{") else body))
        self.got.set()
        return web.Response(status=self.script.pop(0) if self.script else 200)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/hook"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()

    async def wait_count(self, n: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n:
            assert time.monotonic() < deadline, f"only {len(self.requests)} webhook requests"
            self.got.clear()
            try:
                await asyncio.wait_for(self.got.wait(), deadline - time.monotonic())
            except TimeoutError:
                pass


async def test_long_poll_receives_user_message_and_confirms(fake_api, fake_bot):
    started = time.monotonic()
    poll = asyncio.create_task(fake_bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()  # long polling: the request is held open
    queued = fake_api.user_sends(42, "Xin chào công an")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 2
    assert [u.update_id for u in updates] == [queued["update_id"]]
    assert updates[0].message.text == "Xin chào công an" and updates[0].message.from_user.language_code == "vi"
    again = await fake_bot.get_updates(timeout=0)  # not confirmed yet: delivered again
    assert [u.update_id for u in again] == [queued["update_id"]]
    assert await fake_bot.get_updates(offset=queued["update_id"] + 1, timeout=0) == ()
    assert fake_api.pending_updates == []
    t0 = time.monotonic()
    assert await fake_bot.get_updates(timeout=1) == ()  # nothing: waits for the timeout
    assert 0.8 < time.monotonic() - t0 < 2
    for i in range(5):
        fake_api.user_sends(42, f"m{i}")
    assert len(await fake_bot.get_updates(limit=2)) == 2


async def test_second_poller_conflicts_the_first(fake_api, fake_bot):
    first = asyncio.create_task(fake_bot.get_updates(timeout=3))
    await asyncio.sleep(0.1)
    async with fake_api.make_bot() as other_instance:  # a second bot process with the same token
        second = asyncio.create_task(other_instance.get_updates(timeout=0))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await asyncio.wait_for(first, 2)
        assert await second == ()


async def test_webhook_set_conflict_and_delete(fake_api, fake_bot):
    async with Receiver() as rcv:
        with pytest.raises(BadRequest, match="(?i)secret token"):
            await fake_bot.set_webhook(rcv.url, secret_token="có dấu!")
        assert await fake_bot.set_webhook(rcv.url, secret_token="s3cr3t_TOKEN-1")
        info = await fake_bot.get_webhook_info()
        assert info.url == rcv.url and fake_api.webhook["secret_token"] == "s3cr3t_TOKEN-1"
        with pytest.raises(Conflict, match="(?i)webhook is active"):
            await fake_bot.get_updates()
        assert fake_api.calls[-1].status == 409
        assert await fake_bot.delete_webhook()
        assert fake_api.webhook is None and (await fake_bot.get_webhook_info()).url == ""
        fake_api.user_sends(1, "a")
        fake_api.user_sends(1, "b")
        await fake_bot.delete_webhook(drop_pending_updates=True)
        assert await fake_bot.get_updates(timeout=0) == ()


async def test_webhook_delivery_secret_order_retry_redeliver(fake_api, fake_bot):
    fake_api.webhook_retry_delay = 0.05
    async with Receiver(script=[500]) as rcv:  # first POST fails -> retried
        sent = [fake_api.user_sends(42, f"tin {i}") for i in range(3)]  # queued before the webhook is set
        await fake_bot.set_webhook(rcv.url, secret_token="hook_secret")
        sent.append(fake_api.user_presses(42, (await fake_bot.send_message(42, "?", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("A", callback_data="a")]]))).message_id, "a"))
        await rcv.wait_count(5)
        assert all(h.get("X-Telegram-Bot-Api-Secret-Token") == "hook_secret" for h, _ in rcv.requests)
        ids = [b["update_id"] for _, b in rcv.requests]
        assert ids == [sent[0]["update_id"]] + [u["update_id"] for u in sent]  # retry, then in order
        assert Update.de_json(rcv.requests[-1][1], fake_bot).callback_query.data == "a"
        assert [d.status for d in fake_api.webhook_deliveries[:2]] == [500, 200]
        assert fake_api.deliveries_ok() == [u["update_id"] for u in sent]
        await fake_api.wait_idle(quiet=0.05)
        assert (await fake_bot.get_webhook_info()).pending_update_count == 0
        d = await fake_api.redeliver(sent[1])
        assert d.ok and rcv.requests[-1][1] == sent[1]
        forged = await fake_api.post_raw(b'{"update_id": 1}', {"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert forged.ok and rcv.requests[-1][0]["X-Telegram-Bot-Api-Secret-Token"] == "guess"
    # the receiver is gone: connection errors are retried then recorded
    fake_api.user_sends(42, "lost")
    deadline = time.monotonic() + 3
    while sum(1 for d in fake_api.webhook_deliveries if d.error) < fake_api.webhook_max_attempts:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert (await fake_bot.get_webhook_info()).last_error_message


async def test_wait_for_and_wait_idle(fake_api, fake_bot):
    fake_api.user_sends(5, "hi")

    async def reply_later():
        await asyncio.sleep(0.1)
        await fake_bot.send_message(5, "đang xử lý")
        await asyncio.sleep(0.1)
        await fake_bot.send_message(5, "Đã tiếp nhận tin báo")

    task = asyncio.create_task(reply_later())
    msg = await fake_api.wait_for(5, lambda m: "tiếp nhận" in m.text, timeout=2)
    assert msg.text == "Đã tiếp nhận tin báo"
    await task
    old = fake_api.messages_to(5)[0]
    edit = asyncio.create_task(fake_bot.edit_message_text("đã xử lý", chat_id=5, message_id=old.message_id))
    assert (await fake_api.wait_for(5, "đã xử lý")).message_id == old.message_id  # edits count as activity
    await edit
    with pytest.raises(AssertionError, match="(?s)transcript.*tiếp nhận"):
        await fake_api.wait_for(5, "không bao giờ", timeout=0.2)
    await fake_api.wait_idle(quiet=0.1, timeout=2)
    assert [m.text for m in fake_api.messages_to(5)] == ["đã xử lý", "Đã tiếp nhận tin báo"]


async def test_application_polling_end_to_end():
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Chào <b>bạn</b>", parse_mode="HTML", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Báo tin", callback_data="tip")]]))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("OK")
        await update.callback_query.edit_message_text(f"Bạn chọn: {update.callback_query.data}")

    async with FakeBotApi() as api:
        app = (ApplicationBuilder().token(api.token).base_url(f"{api.url}/bot")
               .base_file_url(f"{api.url}/file/bot").build())
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(pressed))
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            api.user_sends(77, "/start")
            greeting = await api.wait_for(77, "Chào")
            assert api.inline_buttons(greeting) == [("Báo tin", "tip")]
            press = api.user_presses(77, greeting.message_id, "tip")
            edited = await api.wait_for(77, "Bạn chọn: tip")
            assert edited.message_id == greeting.message_id and edited.edits == ["Chào bạn"]
            assert api.callback_answered(press["callback_query"]["id"])
            await api.wait_idle(quiet=0.1)
            await app.updater.stop()
            await app.stop()
        assert api.count_by_method["deleteWebhook"] >= 1 and api.count_by_method["getUpdates"] >= 2
