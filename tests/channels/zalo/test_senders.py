"""The broadcast senders: Zalo's refusals become the drain's outcomes; the window is respected;
read receipts of bulletins are counted."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from sqlalchemy import select

from bot.zalo.bot_api import BotApiClient
from bot.zalo.errors import OutsideWindow
from bot.zalo.oa_api import OAClient
from bot.zalo.senders import Content, ZaloBotSender, ZaloOASender
from bot.zalo.tokens import TokenKeeper
from bot.zalo.window import InteractionWindow
from delivery.errors import FloodWait, PermanentSendError, RecipientGone
from delivery.item import OutboxItem
from storage.tables.core import LedgerRow
from storage.tables.zalo import ZaloOutboundRow
from tests.fakes.zalo.oa import FakeZaloOA
from tests.channels.zalo.harness import running_zalo

USER = "6000111122223333"
WINDOW = InteractionWindow.from_hours(48, 168)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def item(chat_id=USER, broadcast_id=77) -> OutboxItem:
    return OutboxItem(id=1, broadcast_id=broadcast_id, channel="zalo_oa", chat_id=chat_id,
                      language="vi")


def says(content: Content):
    async def resolve(_item: OutboxItem) -> Content:
        return content
    return resolve


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(app, oa, oa_tokens, http) -> OAClient:
    access, refresh = oa_tokens
    tokens = TokenKeeper(app.uow, http, sealer=app.sealer, app_id=oa.app_id,
                         app_secret=oa.app_secret,
                         oauth_url=oa.url, access_token=access, refresh_token=refresh)
    return OAClient(http, oa.url, tokens)


def oa_sender(app, client, content=Content("Cảnh báo"), **kwargs) -> ZaloOASender:
    return ZaloOASender(client, app.uow, WINDOW, says(content), **kwargs)


async def interacted(app, oa, hours_ago: float, user=USER) -> None:
    """The user wrote to the OA `hours_ago`, as both Zalo and our database remember it."""
    at = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    oa.user(user).last_interaction = at.timestamp()
    async with app.uow() as uow:
        await uow.zalo_interactions.touch("zalo_oa", user, at)
        await uow.commit()


async def test_oa_sender_sends_text_and_an_uploaded_image_inside_the_window(app, oa, client):
    await interacted(app, oa, hours_ago=3)
    sender = oa_sender(app, client, Content("Cảnh báo lừa đảo. " * 150, image=PNG,
                                              image_type="image/png"))
    msg_id = await sender.send(item())
    sent = oa.messages_to(USER)
    assert len(sent) == 3                                   # image, then two text parts
    assert sent[0].raw["attachment"]["payload"]["elements"][0]["attachment_id"] in oa.attachments
    assert all(len(m.text) <= 2000 and m.text.endswith(".") for m in sent[1:])
    assert sent[-1].msg_id == msg_id
    async with app.uow() as uow:
        refs = set(await uow.session.scalars(select(ZaloOutboundRow.ref)))
    assert refs == {"77"}


@pytest.mark.parametrize("hours_ago,allow_paid", [(None, True), (8 * 24, True), (72, False)])
async def test_oa_sender_holds_users_outside_the_window_without_calling_zalo(
        app, oa, client, hours_ago, allow_paid):
    if hours_ago is not None:
        await interacted(app, oa, hours_ago)
    sender = oa_sender(app, client, allow_paid=allow_paid)
    with pytest.raises(OutsideWindow) as held:
        await sender.send(item())
    assert held.value.reason == "zalo_outside_window" and isinstance(held.value, PermanentSendError)
    assert [c for c in oa.calls if c.path == "cs"] == []


async def test_zalo_refusals_become_the_drains_outcomes(app, oa, client):
    await interacted(app, oa, hours_ago=3)
    oa.user(USER).last_interaction -= 8 * 86400              # Zalo knows better: -230
    with pytest.raises(OutsideWindow):
        await oa_sender(app, client).send(item())
    await interacted(app, oa, hours_ago=1)
    oa.user(USER).follows = False                           # -213
    with pytest.raises(RecipientGone):
        await oa_sender(app, client).send(item())
    with pytest.raises(PermanentSendError) as large:
        await oa_sender(app, client, Content("x", image=b"\xff" * (1024 * 1024 + 1))).send(item())
    assert large.value.reason == "zalo_image_too_large"


async def test_rate_limit_is_a_flood_wait(app, http):
    async with FakeZaloOA(rate_per_minute=2) as oa:
        await interacted(app, oa, hours_ago=1)
        access, refresh = oa.issue_tokens()
        tokens = TokenKeeper(app.uow, http, sealer=app.sealer, app_id=oa.app_id,
                         app_secret=oa.app_secret,
                             oauth_url=oa.url, access_token=access, refresh_token=refresh)
        sender = oa_sender(app, OAClient(http, oa.url, tokens))
        await sender.send(item())
        await sender.send(item())
        with pytest.raises(FloodWait) as wait:
            await sender.send(item())
        assert wait.value.retry_after >= 30 and [c.code for c in oa.calls][-1] == -32


async def test_bot_sender_outcomes(zbot, http):
    zbot.chats.add("c1")
    sender = ZaloBotSender(BotApiClient(http, zbot.url, zbot.token),
                           says(Content("Tin. " * 500, image_url="https://img.example/a.jpg")))
    ref = await sender.send(item("c1"))
    sent = zbot.messages_to("c1")
    assert sent[0].raw["photo"] == "https://img.example/a.jpg" and sent[-1].msg_id == ref
    assert all(len(m.text) <= 2000 for m in sent)
    with pytest.raises(PermanentSendError):
        await sender.send(item("never-wrote"))              # chat not found: 400
    zbot.blocked.add("c1")
    with pytest.raises(RecipientGone):
        await sender.send(item("c1"))
    wrong = ZaloBotSender(BotApiClient(http, zbot.url, "2718281828:not-the-token"),
                          says(Content("x")))
    with pytest.raises(PermanentSendError) as refused:       # HTTP 200, ok: false
        await wrong.send(item("c1"))
    assert refused.value.reason == "zalo_bot_error_401"


async def test_bot_quota_429_is_a_flood_wait(http):
    from tests.fakes.zalo.botplatform import FakeZaloBot
    async with FakeZaloBot(messages_per_minute=1) as zbot:
        zbot.chats.add("c1")
        sender = ZaloBotSender(BotApiClient(http, zbot.url, zbot.token), says(Content("x")))
        await sender.send(item("c1"))
        with pytest.raises(FloodWait):
            await sender.send(item("c1"))


async def test_read_receipts_of_bulletins_are_counted_once(app, database_url, oa, oa_tokens,
                                                           client):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        await oa.user_sends(USER, "/start")
        await oa.wait_for(USER, "Bạn đang sống ở xã")
        await oa.user_sends(USER, "cao thuong")
        topics = await oa.wait_for(USER, "chủ đề nào")
        await oa.user_sends(USER, "xong")
        menu = await oa.wait_for(USER, "Đăng ký xong")
        bulletin_id = await oa_sender(app, client).send(item(broadcast_id=91))
        await oa.user_receipt("user_received_message", USER, [bulletin_id])
        await oa.user_receipt("user_seen_message", USER, [topics.msg_id, bulletin_id])
        await oa.user_receipt("user_seen_message", USER, [bulletin_id])     # seen again
        await oa.user_receipt("user_seen_message", USER, [menu.msg_id])     # not a bulletin
        await oa.wait_idle()
    async with app.uow() as uow:
        reads = (await uow.session.execute(select(
            LedgerRow.ref, LedgerRow.channel, LedgerRow.unit_id).where(
            LedgerRow.kind == "bulletin_read"))).all()
        row = await uow.session.get(ZaloOutboundRow, ("zalo_oa", bulletin_id))
        stamps = (row.received_at, row.seen_at)
        sub = await uow.subscribers.get("zalo_oa", USER)
    assert [tuple(r) for r in reads] == [("91", "zalo_oa", sub.unit_id)]
    assert None not in stamps
