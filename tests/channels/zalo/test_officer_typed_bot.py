"""An officer on the Zalo Bot Platform is told what to type, never to press (see
tests/e2e/test_officer_typed_wording.py for the walk of every officer screen)."""
from __future__ import annotations

from tests.channels.zalo.harness import number_of, running_zalo
from tests.channels.zalo.tip_steps import join_on_zalo
from tests.e2e.test_officer_typed_wording import pressing, tip_with_photo

ZALO_OFFICER = "6000111122225555"


async def test_zalo_bot_officer_is_told_what_to_type(app, database_url, zbot):
    """On the Zalo Bot Platform: the same compose screens, typed, with the card of a tip."""
    async with running_zalo(database_url, bot=zbot):
        await join_on_zalo(zbot, app, ZALO_OFFICER, "cao-thuong", "Trung úy Lê Văn Bình")
        await tip_with_photo(app, "zalo_bot")
        card = await zbot.wait_for(ZALO_OFFICER, "Tin báo #")
        assert "🗂 1 tệp đính kèm" in card.text
        await zbot.user_sends(ZALO_OFFICER, "/phatcanhbao")
        await zbot.wait_for(ZALO_OFFICER, "gõ nội dung bản tin mới")
        await zbot.user_sends(ZALO_OFFICER, "Cảnh báo: giả danh công an gọi điện")
        photo = await zbot.wait_for(ZALO_OFFICER, "Kèm ảnh?")
        await zbot.user_sends(ZALO_OFFICER, number_of(photo, "Không kèm ảnh"))
        topics = await zbot.wait_for(ZALO_OFFICER, "Bản tin thuộc chủ đề nào")
        assert 'gõ số của "Tiếp"' in topics.text
        await zbot.wait_idle()
    said = "\n".join(m.text for m in zbot.messages_to(ZALO_OFFICER))
    assert not [line for line in said.splitlines() if pressing(line)]
