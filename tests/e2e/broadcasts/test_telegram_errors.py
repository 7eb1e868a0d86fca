"""Every class of send error over HTTP: flood waits, 5xx, bad requests, photos, restarts."""
from __future__ import annotations

import asyncio

from sqlalchemy import event, exc

from tests.e2e.broadcasts.faults import FaultyBotApi
from tests.e2e.broadcasts.people import (broadcast, broadcast_row, ledger_of, outbox_rows,
                                        resident)
from tests.e2e.broadcasts.telegram import bot, deliveries, until, until_status

TEXT = "Cảnh báo: ứng dụng vay tiền nhanh lãi cắt cổ"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
       b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


async def residents(app, api, count: int, first: int = 5000) -> list[int]:
    users = list(range(first, first + count))
    for user in users:
        await resident(app, user)
        api.add_user(user)
    return users


def copies(api, users, text=TEXT) -> dict[int, int]:
    return {user: len(deliveries(api, user, text)) for user in users}


async def test_flood_waits_5xx_and_bad_requests_never_stop_a_broadcast(app, database_url):
    async with FaultyBotApi(global_rate=10.0, global_burst=5) as api:   # below our rate
        users = await residents(app, api, 40)
        api.fail(users[3], 502, "Bad Gateway", times=1)
        api.fail(users[4], 500, "Internal Server Error", times=1)
        api.fail(users[5], 400, "Bad Request: message is too long")
        async with bot(database_url, api, broadcast_rate=20.0):
            broadcast_id = await broadcast(app, TEXT)
            await until_status(app, broadcast_id, "finished", timeout=40)
        rows = {r.chat_id: r for r in await outbox_rows(app, broadcast_id)}
    got = copies(api, users)
    assert api.count_429 > 0                                    # the limit was really hit
    assert all(got[u] == 1 for u in users if u != users[5]), got   # each exactly once
    assert got[users[5]] == 0 and rows[str(users[5])].state == "failed"
    assert rows[str(users[5])].last_error == "Message is too long"
    assert rows[str(users[3])].attempts >= 1 and rows[str(users[3])].state == "sent"
    failed = await ledger_of(app, "delivery_failed")
    assert len(failed) == 1 and failed[0].data == {"reason": "Message is too long"}
    # after the first flood waits the rate adapts: 429s stop well before the end
    last_429 = max(c.at for c in api.calls if c.status == 429)
    last_send = max(c.at for c in api.calls if c.method == "sendMessage")
    assert last_send - last_429 > 0.5


async def test_a_photo_is_uploaded_once_then_sent_by_file_id(app, database_url, tmp_path):
    photo = tmp_path / "canh-bao.png"
    photo.write_bytes(PNG)
    async with FaultyBotApi() as api:
        users = await residents(app, api, 12)
        async with bot(database_url, api):
            broadcast_id = await broadcast(app, TEXT, photo=str(photo))
            await until_status(app, broadcast_id, "finished")
        row = await broadcast_row(app, broadcast_id)
    sends = api.calls_of("sendPhoto")
    assert len(sends) == 12 and api.calls_of("sendMessage") == []
    uploads = [c for c in sends if c.params["photo"] != row.photo_file_id]
    assert len(uploads) == 1 and row.photo_file_id
    assert all(copies(api, users, "Báo cho công an")[u] == 1 for u in users)
    assert all(api.messages_to(u)[0].photo == row.photo_file_id for u in users)


async def test_a_photo_telegram_rejects_leaves_the_text_going_out(app, database_url):
    async with FaultyBotApi() as api:
        users = await residents(app, api, 10)
        api.add_user(9001)
        async with bot(database_url, api):
            mark = api.mark()   # the status message may be drawn before the status is read
            broadcast_id = await broadcast(app, TEXT, photo="not-a-file-id",
                                           status_channel="telegram", status_chat="9001")
            await until_status(app, broadcast_id, "finished")
            await api.wait_for(9001, lambda m: "không nhận ảnh" in (m.text or "") and
                               "đã gửi xong" in m.text, timeout=10, since=mark)
        row = await broadcast_row(app, broadcast_id)
    assert "wrong file identifier" in row.photo_error.lower()
    assert copies(api, users) == {u: 1 for u in users}
    assert all(api.messages_to(u)[0].kind == "text" for u in users)


async def test_a_restart_mid_broadcast_loses_nothing_and_repeats_nothing(app, database_url):
    async with FaultyBotApi() as api:
        users = await residents(app, api, 60)
        async with bot(database_url, api, broadcast_rate=20.0):
            broadcast_id = await broadcast(app, TEXT)
            await until(lambda: _sent_at_least(app, broadcast_id, 15), what="15 sent")
        before = sum(copies(api, users).values())
        assert 15 <= before < 60                                # stopped half-way
        async with bot(database_url, api, broadcast_rate=20.0):   # a new process
            await until_status(app, broadcast_id, "finished")
    assert copies(api, users) == {u: 1 for u in users}


async def test_the_database_going_away_mid_broadcast_loses_no_row(app, database_url):
    async with FaultyBotApi() as api:
        users = await residents(app, api, 50)
        async with bot(database_url, api, broadcast_rate=20.0) as running:
            broadcast_id = await broadcast(app, TEXT)
            await until(lambda: _sent_at_least(app, broadcast_id, 10), what="10 sent")
            down = _take_database_away(running.engine)
            await asyncio.sleep(3.0)                             # longer than the lease
            sent_during = sum(copies(api, users).values())
            await asyncio.sleep(1.0)
            assert sum(copies(api, users).values()) == sent_during   # the drain waits
            down.clear()                                          # ... and it is back
            await until_status(app, broadcast_id, "finished", timeout=40)
    got = copies(api, users)
    assert set(got) == set(users) and all(n >= 1 for n in got.values())   # nothing lost
    assert sum(got.values()) - len(users) <= 8           # repeats: at most the sends in flight
    assert {r.state for r in await outbox_rows(app, broadcast_id)} == {"sent"}


def _take_database_away(engine) -> set:
    """Every new checkout of a connection fails until the returned set is cleared."""
    flag = {"down"}

    def checkout(dbapi_connection, record, proxy):
        if flag:
            raise exc.OperationalError("checkout", {}, ConnectionError("database unavailable"))
    event.listen(engine.sync_engine, "checkout", checkout)
    return flag


async def _sent_at_least(app, broadcast_id: int, count: int) -> bool:
    return len([r for r in await outbox_rows(app, broadcast_id) if r.state == "sent"]) >= count



async def test_a_photo_sent_in_the_chat_is_previewed_and_reused_by_file_id(app, database_url):
    from handlers.domain import Role
    from tests.e2e.broadcasts.people import member
    from tests.e2e.broadcasts.telegram import greet, has, press
    async with FaultyBotApi() as api:
        users = await residents(app, api, 5)
        await resident(app, 9001)
        await member(app, 9001, Role.OFFICER)
        api.add_user(9001)
        async with bot(database_url, api):
            await greet(api, 9001)
            api.user_sends(9001, "/phatcanhbao")
            await api.wait_for(9001, has("Phát bản tin cảnh báo"))
            mark = api.mark()
            sent = api.user_sends(9001, photo=True, caption=TEXT)
            file_id = sent["message"]["photo"][-1]["file_id"]
            topics = await api.wait_for(9001, has("chủ đề nào"), since=mark)
            topics = await press(api, 9001, topics, "Lừa đảo")
            audience = await press(api, 9001, await press(api, 9001, topics, "Tiếp"), "Tiếp")
            when = await press(api, 9001, audience, "Người dân")
            expiry = await press(api, 9001, when, "Gửi ngay")
            mark = api.mark()
            api.user_presses(9001, expiry.message_id, "bc_expiry:24h")
            preview = await api.wait_for(9001, has("Số người sẽ nhận: 6"), since=mark)
            assert [m.photo for m in api.messages_to(9001) if m.kind == "photo"] == [file_id]
            api.user_presses(9001, preview.message_id, "bc_preview:send")
            await until(lambda: _photos_sent(api, users, file_id), what="photos to residents")
    assert all(api.messages_to(u)[0].caption.startswith(TEXT) for u in users)
    uploads = [c for c in api.calls_of("sendPhoto") if c.params["photo"] != file_id]
    assert uploads == []                                   # never uploaded: Telegram's own id


async def _photos_sent(api, users, file_id) -> bool:
    return all(any(m.photo == file_id for m in api.messages_to(u)) for u in users)
