"""A Zalo tipster's photo arrives as a CDN link that expires: the bot downloads it while the tip is
being written (from Zalo's hosts only), strips its metadata (GPS, author) and keeps it, so the
officer's card carries the picture itself after the link is gone; retention erases it with the
tip's contents. Links to other hosts are never fetched."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from handlers.domain import Role
from handlers.tips.jobs import apply_retention
from storage.tables.tips import KeptFileRow, TipRow
from tests.channels.zalo.harness import running_zalo
from tests.channels.zalo.test_oa_resident import onboard
from tests.channels.zalo.tip_steps import choose
from tests.e2e.test_tips_telegram import jpeg_with_gps
from tests.e2e.tips_helpers import has, join
from tests.fakes.botapi.server import FakeBotApi

RESIDENT = "8841203400556601"
OFFICER = 9_000_301


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def photo_tip(oa, user: str, url: str) -> None:
    await oa.user_sends(user, "/tobao")
    await choose(oa, await oa.wait_for(user, "Trước khi gửi tin báo"), "tiếp tục")
    await choose(oa, await oa.wait_for(user, "liên quan đến việc gì"), "Cờ bạc")
    await choose(oa, await oa.wait_for(user, "xảy ra ở đâu"), "Nơi tôi ở")
    await oa.wait_for(user, "mô tả sự việc")
    await oa.user_sends(user, "Sới bạc sau nhà văn hóa, ảnh chụp tối qua")
    await oa.wait_for(user, "gửi kèm ảnh")
    await oa.user_sends_attachment(user, "user_send_image", "image", {"url": url})
    await oa.wait_for(user, "Đã nhận 1 tệp")
    await choose(oa, await oa.wait_for(user, "gửi kèm ảnh"), "Xong")
    await choose(oa, await oa.wait_for(user, "để lại số điện thoại"), "ẩn danh")
    await oa.user_taps(await oa.wait_for(user, "Kiểm tra lại tin báo"), "Gửi tin báo")
    await oa.wait_for(user, "Mã tra cứu của bạn")


async def test_a_zalo_photo_is_kept_without_metadata_and_erased_with_the_tip(
        app, database_url, oa, oa_tokens, api):
    original = jpeg_with_gps()
    oa.cdn["tip-photo.jpg"] = original
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens, zalo_media_hosts="127.0.0.1",
                            telegram_token=api.token, telegram_api_url=api.url,
                            telegram_mode="polling"):
        await join(api, app, OFFICER, Role.OFFICER, "cao-thuong", "Trung úy Đỗ Hải")
        await onboard(oa, RESIDENT)
        await photo_tip(oa, RESIDENT, oa.cdn_url("tip-photo.jpg"))
        del oa.cdn["tip-photo.jpg"]                     # the CDN link expires
        await api.wait_for(OFFICER, has("Tin báo #"), timeout=15)
        await api.wait_idle()
    assert oa.cdn_fetches == ["tip-photo.jpg"]          # fetched once, while the tip was written
    [photo] = [m for m in api.messages_to(OFFICER) if m.photo]
    relayed = api.file_bytes(photo.photo)
    cleaned = Image.open(io.BytesIO(relayed))
    assert cleaned.size == (64, 48) and not cleaned.getexif()
    assert b"Nguyen Van Nguoi Bao" not in relayed and photo.protect_content
    async with app.uow() as uow:
        tip = await uow.session.scalar(select(TipRow))
        kept = await uow.session.scalar(select(KeptFileRow))
        assert tip.attachments[0]["ref"] == f"kept:{kept.id}" and kept.tip_id == tip.id
        assert b"Nguyen Van Nguoi Bao" not in kept.data and "127.0.0.1" not in str(tip.attachments)
        now = datetime.now(timezone.utc)
        await uow.session.execute(update(TipRow).values(status="closed",
                                                        closed_at=now - timedelta(days=3650)))
        await uow.commit()
    await apply_retention(app.uow, app.rules)
    async with app.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(KeptFileRow)) == 0


async def test_links_to_other_hosts_are_never_fetched(app, database_url, oa, oa_tokens):
    oa.cdn["x.jpg"] = jpeg_with_gps()
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens, zalo_media_hosts="zadn.vn"):
        await onboard(oa, RESIDENT)
        await photo_tip(oa, RESIDENT, oa.cdn_url("x.jpg"))      # 127.0.0.1: not Zalo's host
    assert oa.cdn_fetches == []
    async with app.uow() as uow:
        tip = await uow.session.scalar(select(TipRow))
        assert tip.attachments[0]["ref"] == oa.cdn_url("x.jpg")
        assert await uow.session.scalar(select(func.count()).select_from(KeptFileRow)) == 0
