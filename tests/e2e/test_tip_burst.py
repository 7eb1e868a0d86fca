"""A burst of tips does not flood the duty desk: past BOT_TIP_CARDS_PER_MINUTE cards in a minute,
a unit's officers get one digest message pointing to /tinbao, then quiet for the rest of the
minute; every tip is stored and listed in the inbox, and the next minute's cards come again."""
from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import select

from bot.app import build_app
from handlers.domain import Role
from storage.tables.tips import NotificationRow, TipRow
from tests.conftest import make_settings
from tests.e2e.test_tips_dialogue import member, tip_flow
from tests.fakes.resident import Resident


async def queued(app, chat_id: str) -> list[str]:
    async with app.uow() as uow:
        rows = await uow.session.scalars(select(NotificationRow).where(
            NotificationRow.chat_id == chat_id).order_by(NotificationRow.id))
        return [row.payload["text"] for row in rows]


async def until_early_in_a_minute() -> None:
    """The burst must fall within one minute of the clock."""
    if datetime.now().second > 30:
        await asyncio.sleep(61 - datetime.now().second)


async def test_a_burst_of_tips_brings_cards_then_one_digest(app, database_url):
    burst = build_app(make_settings(database_url, tip_cards_per_minute=3))
    try:
        await member(burst, "desk", Role.OFFICER, "cao-thuong")
        await until_early_in_a_minute()
        for n in range(8):
            await tip_flow(Resident(burst, f"r{n}"), text=f"Tin báo số {n} về ma túy ở bãi sông")
        texts = await queued(burst, "desk")
        async with burst.uow() as uow:
            stored = list(await uow.session.scalars(select(TipRow.id)))
        officer = Resident(burst, "desk")
        await officer.command("tinbao")
    finally:
        await burst.close()
    assert len(stored) == 8                                   # nothing is lost
    cards = [t for t in texts if t.startswith("🆕")]
    digests = [t for t in texts if "Nhiều tin báo đến cùng lúc" in t]
    assert len(cards) == 3 and len(digests) == 1 and len(texts) == 4
    assert "/tinbao" in digests[0] and "3 thẻ tin báo" in digests[0]
    assert "Có 8 tin báo đang mở" in officer.texts()
