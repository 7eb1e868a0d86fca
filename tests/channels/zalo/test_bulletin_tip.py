"""A bulletin on Zalo says what to type to send a tip about it ("/tobao 12"), since Zalo has no
deep links into a chat; a tip sent that way is credited to the bulletin, as a Telegram deep
link's is."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables.core import LedgerRow
from storage.tables.tips import TipRow
from tests.channels.zalo.harness import running_zalo
from tests.channels.zalo.test_bot_resident import onboard
from tests.channels.zalo.tip_steps import tip_on_bot
from tests.e2e.broadcasts.people import broadcast
from tests.e2e.broadcasts.telegram import FAST

RESIDENT = "b7c1d2e3f4a5e6"
TEXT = "Cảnh báo: kẻ gian giả danh công an gọi điện đòi chuyển tiền"


async def test_a_tip_typed_from_a_zalo_bulletin_is_credited_to_it(app, database_url, zbot):
    async with running_zalo(database_url, bot=zbot, **FAST):
        await onboard(zbot, RESIDENT)
        broadcast_id = await broadcast(app, TEXT)
        bulletin = await zbot.wait_for(RESIDENT, "giả danh công an")
        assert f"Gõ /tobao {broadcast_id} để báo cho công an" in bulletin.text
        await tip_on_bot(zbot, RESIDENT, "Số máy 0912 345 678 gọi giả danh công an huyện",
                         start=f"/tobao {broadcast_id}")
        await zbot.wait_idle()
    async with app.uow() as uow:
        prompted = (await uow.session.scalars(select(TipRow.prompted_by))).one()
        submitted = (await uow.session.scalars(select(LedgerRow.data).where(
            LedgerRow.kind == "tip_submitted"))).one()
    assert prompted == str(broadcast_id)
    assert submitted["prompted_by"] == str(broadcast_id)
