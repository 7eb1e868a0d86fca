"""The tip line on a Zalo Official Account: a resident's anonymous tip with a photo and a location
reaches the commune's officer on Telegram, who asks a question; the question reaches the resident
on Zalo, who answers by typing the label of the "answer" choice and then the text; the answer
reaches the officer. Nothing links the tip to the resident's Zalo id, and replayed, forged or
strangers' events change nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.domain import Role
from storage.tables.zalo import ZaloOfferRow, ZaloOutboundRow
from tests.e2e.test_tips_telegram import contains_anywhere
from tests.e2e.harness import button
from tests.e2e.tips_helpers import has, join
from tests.fakes.botapi.server import FakeBotApi
from tests.channels.zalo.test_oa_resident import onboard
from tests.channels.zalo.tip_steps import PHOTO, receipt_parts, running_with_telegram, tip_on_oa, tip_state

RESIDENT = "8841203400556677"
STRANGER = "8841203400999999"
OFFICER = 9_000_101


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


async def test_oa_tip_is_answered_by_an_officer_on_telegram(app, database_url, oa, oa_tokens,
                                                             api):
    async with running_with_telegram(database_url, api, oa=oa, tokens=oa_tokens):
        await join(api, app, OFFICER, Role.OFFICER, "cao-thuong", "Trung úy Nguyễn Văn An")
        await onboard(oa, RESIDENT)
        mark = api.mark()
        receipt, confirming = await tip_on_oa(oa, RESIDENT,
                                              "Có người bán ma túy đá ở quán nước đầu thôn")
        code, label = receipt_parts(receipt)
        assert await oa.deliver(confirming) == 200          # Zalo retries the confirming tap

        card = await api.wait_for(OFFICER, has(f"Tin báo #{label}"), timeout=10, since=mark)
        assert "ma túy đá" in card.text and "21.35000, 106.10000" in card.text
        assert card.protect_content and RESIDENT not in card.text
        photos = [m for m in api.messages_to(OFFICER) if m.photo]
        assert [m.params["photo"] for m in photos] == [PHOTO] and photos[0].protect_content

        api.user_presses(OFFICER, card.message_id, button(card, "Hỏi người báo"))
        await api.wait_for(OFFICER, has("Nhập câu hỏi"))
        api.user_sends(OFFICER, "Người bán thường có mặt lúc mấy giờ?")
        await api.wait_for(OFFICER, has("Đã gửi câu hỏi"))
        question = await oa.wait_for(RESIDENT, "Công an hỏi thêm")
        assert "mấy giờ" in question.text and "Nguyễn Văn An" not in question.text
        assert [b["title"] for b in question.buttons] == ["✍️ Trả lời"]     # a real OA button

        await oa.user_sends(STRANGER, "trả lời")          # someone else typing the label
        await oa.wait_for(STRANGER, "Bạn đang sống ở xã")
        forged = oa.message_event("user_send_text", RESIDENT, text="trả lời")
        assert await oa.deliver(forged, key="not-the-oa-secret-key") == 401

        await oa.user_sends(RESIDENT, "trả lời")          # the label, typed
        await oa.wait_for(RESIDENT, "Nhập câu trả lời")
        mark = api.mark()
        answered = await oa.user_sends(RESIDENT, "Khoảng 9 giờ tối hằng ngày")
        await oa.wait_for(RESIDENT, "Đã gửi câu trả lời")
        answer = await api.wait_for(OFFICER, has("9 giờ tối"), timeout=10, since=mark)
        assert f"#{label}" in answer.text
        assert await oa.deliver(answered) == 200           # the same event again
        await oa.wait_idle()
        await api.wait_idle()

    state = await tip_state(app)
    assert state["thread"] == ["to_tipster", "from_tipster"]      # one answer, not two
    assert [n for n in state["notifications"] if n[3] != "sent"] == []
    assert len([m for m in api.messages_to(OFFICER) if "9 giờ tối" in (m.text or "")]) == 1
    assert len([m for m in oa.messages_to(RESIDENT) if "Mã tra cứu" in m.text]) == 1
    tip = state["tip"]
    assert tip.latitude == pytest.approx(21.35) and tip.attachments[0]["ref"] == PHOTO
    leaks = await contains_anywhere(app, RESIDENT, skip={
        "subscribers", "dialogue_states", "zalo_interactions", "zalo_offers"})
    assert leaks == []
    async with app.uow() as uow:
        offers = list(await uow.session.scalars(select(ZaloOfferRow.sealed)))
        outbound = list(await uow.session.scalars(select(ZaloOutboundRow.user_id)))
    assert not [o for o in offers if label in o or f"tipr:{tip.id}" in o]       # sealed
    assert RESIDENT not in outbound
