"""Steps of the tip line as a person does them on each Zalo product, and running the bot with
Telegram and Zalo at once (an officer on Telegram, a resident on Zalo)."""
from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

from sqlalchemy import select

from handlers.domain import Role
from storage.tables.tips import NotificationRow, TipMessageRow, TipRow
from tests.e2e.tips_helpers import invite
from tests.channels.zalo.harness import choose, number_of, running_zalo

PHOTO = "https://photo-talk.zadn.vn/2024/tip/7f3a9c.jpg"
LOCATION = (21.35, 106.1)


@asynccontextmanager
async def running_with_telegram(database_url: str, api, **zalo):
    """The real bot with its Zalo channels and Telegram (polling the fake Bot API) at once."""
    async with running_zalo(database_url, telegram_token=api.token, telegram_api_url=api.url,
                            telegram_mode="polling", **zalo) as app:
        for _ in range(200):
            if [c.method.lower() for c in api.calls].count("deletewebhook") >= 2:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("telegram polling did not start")
        yield app


def receipt_parts(text: str) -> tuple[str, str]:
    """(receipt code, tip label) from the receipt message."""
    code = re.search(r"Mã tra cứu của bạn: (\w{4}-\w{4})", text).group(1)
    return code, re.search(r"tin báo #(\w{4})", text).group(1)


async def join_on_zalo(fake, app, user_id: str, unit: str, name: str) -> None:
    """An officer redeems an invite on Zalo by typing the printed deep-link command."""
    code = await invite(app, Role.OFFICER, unit)
    await fake.user_sends(user_id, f"/start inv_{code.replace('-', '')}")
    await fake.wait_for(user_id, "nhập họ tên")
    await fake.user_sends(user_id, name)
    await fake.wait_for(user_id, name)


async def tip_on_oa(oa, user: str, text: str) -> tuple[str, dict]:
    """A resident sends a drugs tip with a photo and a shared location on the OA, tapping the
    buttons (each tap comes back as text); returns the receipt and the confirming event."""
    await oa.user_sends(user, "/tobao")
    await choose(oa, await oa.wait_for(user, "Trước khi gửi tin báo"), "tiếp tục")
    await choose(oa, await oa.wait_for(user, "liên quan đến việc gì"), "Ma túy")
    await choose(oa, await oa.wait_for(user, "xảy ra ở đâu"), "Nơi tôi ở")
    await oa.wait_for(user, "mô tả sự việc")
    await oa.user_sends(user, text)
    await oa.wait_for(user, "gửi kèm ảnh")
    await oa.user_sends_attachment(user, "user_send_image", "image",
                                   {"url": PHOTO, "thumbnail": PHOTO + "?thumb"})
    await oa.wait_for(user, "Đã nhận 1 tệp")
    media = await oa.wait_for(user, "gửi kèm ảnh")
    await oa.user_sends_attachment(user, "user_send_location", "location", {"coordinates": {
        "latitude": str(LOCATION[0]), "longitude": str(LOCATION[1])}})
    await oa.wait_for(user, "Đã thêm vị trí")
    await choose(oa, media, "Xong")
    await choose(oa, await oa.wait_for(user, "để lại số điện thoại"), "ẩn danh")
    confirm = await oa.wait_for(user, "Kiểm tra lại tin báo")
    assert "Tệp đính kèm: 1" in confirm.text
    sent = await oa.user_taps(confirm, "Gửi tin báo")
    return (await oa.wait_for(user, "Mã tra cứu của bạn")).text, sent


async def tip_on_bot(zbot, user: str, text: str, start: str = "/tobao") -> tuple[str, dict]:
    """The same on the Bot Platform, every choice typed as its number. The Bot Platform has no
    location messages, so the place is the resident's commune."""
    await zbot.user_sends(user, start)
    for prompt, choice in (("Trước khi gửi tin báo", "tiếp tục"),
                           ("liên quan đến việc gì", "Ma túy"), ("xảy ra ở đâu", "Nơi tôi ở")):
        screen = await zbot.wait_for(user, prompt)
        await zbot.user_sends(user, number_of(screen, choice))
    await zbot.wait_for(user, "mô tả sự việc")
    await zbot.user_sends(user, text)
    await zbot.wait_for(user, "gửi kèm ảnh")
    await zbot.push(zbot.update(user, "message.image.received", photo_url=PHOTO))
    await zbot.wait_for(user, "Đã nhận 1 tệp")
    media = await zbot.wait_for(user, "gửi kèm ảnh")
    await zbot.user_sends(user, number_of(media, "Xong"))
    contact = await zbot.wait_for(user, "để lại số điện thoại")
    await zbot.user_sends(user, number_of(contact, "ẩn danh"))
    confirm = await zbot.wait_for(user, "Kiểm tra lại tin báo")
    sent = await zbot.user_sends(user, number_of(confirm, "Gửi tin báo"))
    return (await zbot.wait_for(user, "Mã tra cứu của bạn")).text, sent


async def tip_state(app) -> dict:
    """The one tip, its thread, and where its notifications went."""
    async with app.uow() as uow:
        tip = (await uow.session.scalars(select(TipRow))).one()
        uow.session.expunge(tip)
        thread = list(await uow.session.scalars(select(TipMessageRow.direction).where(
            TipMessageRow.tip_id == tip.id).order_by(TipMessageRow.id)))
        notes = (await uow.session.execute(select(
            NotificationRow.channel, NotificationRow.chat_id, NotificationRow.tip_id,
            NotificationRow.state).order_by(NotificationRow.id))).all()
    return {"tip": tip, "thread": thread, "notifications": [tuple(n) for n in notes]}
