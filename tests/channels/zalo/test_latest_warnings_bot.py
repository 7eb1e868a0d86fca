"""On the Zalo Bot Platform (no buttons): the latest warnings list what was sent to the
resident's commune, and a bulletin's screen offers by number: back, topics, a tip, the menu."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from broadcasts.model import Status
from tests.channels.zalo.harness import number_of, running_zalo
from tests.channels.zalo.test_bot_resident import onboard
from tests.e2e.broadcasts.people import broadcast

RESIDENT = "c8d2e3f4a5b6"
SENT = "Cảnh báo: mã QR lạ dán đè ở quầy thanh toán chợ trung tâm"


async def test_zalo_resident_reads_a_bulletin_sent_five_minutes_ago_and_reports(
        app, database_url, zbot):
    sent = await broadcast(app, SENT, status=Status.FINISHED,
                           start=datetime.now(timezone.utc) - timedelta(minutes=5))
    async with running_zalo(database_url, bot=zbot):
        menu = await onboard(zbot, RESIDENT)
        await zbot.user_sends(RESIDENT, number_of(menu, "Cảnh báo mới"))
        listing = await zbot.wait_for(RESIDENT, "Cảnh báo mới nhất")
        assert number_of(listing, "📢 ") == "1" and "mã QR lạ" in listing.text
        await zbot.user_sends(RESIDENT, "1")
        shown = await zbot.wait_for(RESIDENT, SENT)
        for label in ("Quay lại danh sách", "Chủ đề khác", "Báo tin về việc này", "Menu chính"):
            number_of(shown, label)
        await zbot.user_sends(RESIDENT, number_of(shown, "Báo tin về việc này"))
        await zbot.wait_for(RESIDENT, "Trước khi gửi tin báo")
    async with app.uow() as uow:
        state = await uow.dialogues.get("zalo_bot", RESIDENT)
    assert state.step == "tip_safety" and state.data["draft"]["prompted_by"] == str(sent)
