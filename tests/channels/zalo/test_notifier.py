"""Notification rows delivered on Zalo by the real senders against the fake servers: rendering,
photos by link, files Zalo cannot show, the interaction window, typed choices afterwards."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from sqlalchemy import select

from bot.zalo.bot_api import BotApiClient
from bot.zalo.notifier import ZaloBotNotificationSender, ZaloOANotificationSender
from bot.zalo.oa_api import OAClient
from bot.zalo.offers import resolve
from bot.zalo.tokens import TokenKeeper
from bot.zalo.window import InteractionWindow
from delivery.clock import SystemClock
from delivery.drain import Drain
from delivery.errors import RecipientGone
from delivery.pacing import ChatSpacing, TokenBucket
from handlers.messages import Attachment, Button, Inbound, Kind, Message, Outgoing
from storage.outboxes.notifications import SqlNotificationOutbox
from storage.tables.tips import NotificationRow
from tests.channels.zalo.test_senders import interacted
from tests.channels.zalo.tip_steps import PHOTO

OFFICER = "6000111122225555"
WINDOW = InteractionWindow.from_hours(48, 168)
TELEGRAM_FILE = "AgACAgIAAxkBAAIBQ2Zb-telegram-file-id"
CARD = Message(
    text="🆕 Tin báo #7K3M · Ma túy\n\n" + "Có người bán ma túy đá ở quán nước. " * 80,
    buttons=tuple((Button(f"Việc {n}", f"tip:act{n}:12"),) for n in range(1, 8)),
    attachments=(Attachment("photo", PHOTO), Attachment("photo", TELEGRAM_FILE),
                 Attachment("video", "https://video.zadn.vn/v.mp4")), protect=True)


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def oa_client(app, oa, oa_tokens, http) -> OAClient:
    access, refresh = oa_tokens
    tokens = TokenKeeper(app.uow, http, sealer=app.sealer, app_id=oa.app_id,
                         app_secret=oa.app_secret,
                         oauth_url=oa.url, access_token=access, refresh_token=refresh)
    return OAClient(http, oa.url, tokens)


async def queued(app, channel: str, chat_id: str, message: Message = CARD):
    """One notification row, claimed as the drain would claim it."""
    async with app.uow() as uow:
        uow.notifications.add(Outgoing(channel=channel, chat_id=chat_id, message=message))
        await uow.commit()
    outbox = SqlNotificationOutbox(app.engine)
    (item,) = await outbox.claim(channel, 10, datetime.now(timezone.utc))
    return outbox, item


async def test_oa_card_photo_by_link_other_files_named_text_split_choices_typeable(
        app, oa, oa_client):
    await interacted(app, oa, hours_ago=60, user=OFFICER)       # paid part of the window
    outbox, item = await queued(app, "zalo_oa", OFFICER)
    ref = await ZaloOANotificationSender(oa_client, outbox, app, WINDOW).send(item)
    sent = oa.messages_to(OFFICER)
    image = sent[0].raw["attachment"]["payload"]
    assert image["elements"] == [{"media_type": "image", "url": PHOTO}] and len(sent) == 3
    assert all(1 <= len(m.text) <= 2000 for m in sent[1:]) and sent[-1].msg_id == ref
    assert "🗂 Kèm theo 2 tệp (ảnh, video)" in sent[-1].text and TELEGRAM_FILE not in sent[-1].text
    assert "7. Việc 7" in sent[-1].text and sent[-1].buttons == []
    typed = await resolve(app, Inbound(channel="zalo_oa", user_id=OFFICER, kind=Kind.TEXT,
                                       text="3"))
    assert typed.kind is Kind.BUTTON and typed.payload == "tip:act3:12"
    other = await resolve(app, Inbound(channel="zalo_oa", user_id="someone", kind=Kind.TEXT,
                                       text="3"))
    assert other.kind is Kind.TEXT


async def test_oa_rows_outside_the_window_are_held_and_reported_not_sent(app, oa, oa_client):
    await interacted(app, oa, hours_ago=8 * 24, user=OFFICER)
    async with app.uow() as uow:
        uow.notifications.add(Outgoing(channel="zalo_oa", chat_id=OFFICER, message=CARD))
        await uow.commit()
    outbox, clock = SqlNotificationOutbox(app.engine), SystemClock()
    drain = Drain(outbox, ZaloOANotificationSender(oa_client, outbox, app, WINDOW),
                  TokenBucket(5, 5, clock), ChatSpacing(0.0, clock=clock), clock,
                  channel="zalo_oa")
    assert await drain.run_once() == 1
    assert [c for c in oa.calls if c.path == "cs"] == []
    async with app.uow() as uow:
        row = (await uow.session.execute(select(NotificationRow.state, NotificationRow.last_error,
                                                NotificationRow.attempts))).one()
    assert tuple(row) == ("unreached", "zalo_outside_window", 0)
    assert drain.stats.unreached == 1 and drain.stats.sent == 0


async def test_bot_platform_photo_by_link_numbered_choices_and_refusals(app, zbot, http):
    zbot.chats.add(OFFICER)
    client = BotApiClient(http, zbot.url, zbot.token)
    outbox, item = await queued(app, "zalo_bot", OFFICER)
    await ZaloBotNotificationSender(client, outbox, app).send(item)
    sent = zbot.messages_to(OFFICER)
    assert sent[0].raw["photo"] == PHOTO and len(sent) == 3
    assert "👉 Trả lời một số từ 1 đến 7 để chọn." in sent[-1].text
    assert all(len(m.text) <= 2000 for m in sent[1:])
    zbot.blocked.add(OFFICER)
    outbox, item = await queued(app, "zalo_bot", OFFICER, Message(text="Hỏi thêm"))
    with pytest.raises(RecipientGone):
        await ZaloBotNotificationSender(client, outbox, app).send(item)
    typed = await resolve(app, Inbound(channel="zalo_bot", user_id=OFFICER, kind=Kind.TEXT,
                                       text="việc 2"))
    assert typed.payload == "tip:act2:12"              # the last message actually shown


async def test_offers_expire_with_the_reply_window(app, zbot, http):
    zbot.chats.add(OFFICER)
    outbox, item = await queued(app, "zalo_bot", OFFICER)
    await ZaloBotNotificationSender(BotApiClient(http, zbot.url, zbot.token), outbox,
                                    app).send(item)
    async with app.uow() as uow:
        await uow.zalo_offers.put("zalo_bot", "old-user", "sealed",
                                  datetime.now(timezone.utc) - timedelta(days=8))
        assert await uow.zalo_offers.purge(datetime.now(timezone.utc) - timedelta(days=7)) == 1
        await uow.commit()
    late = datetime.now(timezone.utc) + timedelta(days=8)
    async with app.uow() as uow:
        assert await uow.zalo_offers.get("zalo_bot", OFFICER, late - timedelta(days=7)) is None
