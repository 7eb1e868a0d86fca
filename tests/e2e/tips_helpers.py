"""Shared steps for tip-line end-to-end tests."""
from __future__ import annotations

from datetime import datetime, timezone

from handlers.domain import Role
from handlers.membership import CreateInvite, create_invite
from tests.e2e.harness import button


def has(text: str):
    return lambda message: text in (message.text or "")


async def invite(app, role: Role, unit: str | None, team: str | None = None) -> str:
    async with app.uow() as uow:
        new = await create_invite(CreateInvite(role, unit, team, 7, "test",
                                               datetime.now(timezone.utc)), uow, app.sealer)
        await uow.commit()
    return new.code


async def join(api, app, user_id: int, role: Role, unit: str | None, name: str,
               team: str | None = None) -> None:
    """A person redeems an invite through the bot, as they would from the printed link."""
    code = await invite(app, role, unit, team)
    api.user_sends(user_id, f"/start inv_{code.replace('-', '')}")
    await api.wait_for(user_id, has("nhập họ tên"))
    api.user_sends(user_id, name)
    await api.wait_for(user_id, has(name))


async def send_tip(api, user_id: int, text: str, *, photo: bool = False,
                   location: tuple[float, float] | None = None) -> str:
    """A resident goes through the whole tip flow; returns the receipt message text."""
    api.user_sends(user_id, "/tobao")
    safety = await api.wait_for(user_id, has("Trước khi gửi tin báo"))
    api.user_presses(user_id, safety.message_id, button(safety, "tiếp tục"))
    category = await api.wait_for(user_id, has("liên quan đến việc gì"))
    api.user_presses(user_id, category.message_id, button(category, "Ma túy"))
    place = await api.wait_for(user_id, has("xảy ra ở đâu"))
    api.user_presses(user_id, place.message_id, button(place, "Nơi tôi ở"))
    await api.wait_for(user_id, has("mô tả sự việc"))
    api.user_sends(user_id, text)
    media = await api.wait_for(user_id, has("gửi kèm ảnh"))
    if photo:
        api.user_sends(user_id, photo=True)
        media = await api.wait_for(user_id, has("Đã nhận 1 tệp"))
        media = await api.wait_for(user_id, has("gửi kèm ảnh"))
    if location:
        api.user_sends(user_id, location=location)
        await api.wait_for(user_id, has("Đã thêm vị trí"))
    api.user_presses(user_id, media.message_id, button(media, "Xong" if photo else "Bỏ qua"))
    contact = await api.wait_for(user_id, has("để lại số điện thoại"))
    api.user_presses(user_id, contact.message_id, button(contact, "ẩn danh"))
    confirm = await api.wait_for(user_id, has("Kiểm tra lại tin báo"))
    api.user_presses(user_id, confirm.message_id, button(confirm, "Gửi tin báo"))
    receipt = await api.wait_for(user_id, has("Mã tra cứu của bạn"))
    return receipt.text
