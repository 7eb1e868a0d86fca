"""The tip line on the Zalo Bot Platform, with the commune's officer on the Zalo OA: the tip and
its photo reach the officer's Zalo, who picks "ask" by its number on the card and types a
question; the resident gets it on the Bot Platform, types the number of "answer" and the text;
the officer gets the answer. A forged webhook and a replayed update change nothing, and nothing
links the tip to the resident's Zalo id."""
from __future__ import annotations

from tests.e2e.test_tips_telegram import contains_anywhere
from tests.channels.zalo.harness import BOT_SECRET, number_of, running_zalo
from tests.channels.zalo.test_bot_resident import onboard
from tests.channels.zalo.tip_steps import PHOTO, join_on_zalo, receipt_parts, tip_on_bot, tip_state

RESIDENT = "b7c1d2e3f4a5e6"
OFFICER = "6000111122224444"


async def test_bot_platform_tip_is_answered_by_an_officer_on_the_oa(app, database_url, oa,
                                                                    oa_tokens, zbot):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens, bot=zbot,
                            bot_mode="webhook"):
        await join_on_zalo(oa, app, OFFICER, "cao-thuong", "Trung úy Nguyễn Văn An")
        await onboard(zbot, RESIDENT)
        receipt, confirming = await tip_on_bot(zbot, RESIDENT,
                                               "Có người bán ma túy đá ở quán nước đầu thôn")
        code, label = receipt_parts(receipt)
        await zbot.replay(confirming)                       # handed out again: no second tip

        card = await oa.wait_for(OFFICER, f"Tin báo #{label}")
        assert "ma túy đá" in card.text and RESIDENT not in card.text
        image = oa.messages_to(OFFICER)[-2].raw["attachment"]["payload"]
        assert image["template_type"] == "media" and image["elements"][0]["url"] == PHOTO
        assert card.buttons == [] and "👉 Trả lời một số từ 1 đến 7" in card.text   # 7 > 5
        await oa.user_sends(OFFICER, number_of(card, "Hỏi người báo"))
        prompt = await oa.wait_for(OFFICER, "Nhập câu hỏi")
        assert [b["title"] for b in prompt.buttons] == ["✖️ Hủy"]
        await oa.user_sends(OFFICER, "Người bán thường có mặt lúc mấy giờ?")
        await oa.wait_for(OFFICER, "Đã gửi câu hỏi")

        question = await zbot.wait_for(RESIDENT, "Công an hỏi thêm")
        assert "mấy giờ" in question.text and "Nguyễn Văn An" not in question.text
        assert "1. ✍️ Trả lời" in question.text
        forged = zbot.update(RESIDENT, "message.text.received", text="1")
        assert await zbot.post_webhook({"ok": True, "result": forged}, "wrong-secret-123") == 403
        await zbot.user_sends(RESIDENT, number_of(question, "Trả lời"))
        await zbot.wait_for(RESIDENT, "Nhập câu trả lời")
        answered = await zbot.user_sends(RESIDENT, "Khoảng 9 giờ tối hằng ngày")
        await zbot.wait_for(RESIDENT, "Đã gửi câu trả lời")
        answer = await oa.wait_for(OFFICER, "9 giờ tối")
        assert f"#{label}" in answer.text and [b["title"] for b in answer.buttons] == [
            "❓ Hỏi người báo"]
        assert await zbot.post_webhook({"ok": True, "result": answered}, BOT_SECRET) == 200
        await zbot.user_sends("another-phone-01", f"/tracuu {code.lower()}")
        status = await zbot.wait_for("another-phone-01", f"Tin báo #{label}")
        assert "9 giờ tối" in status.text and "mấy giờ" in status.text
        await oa.user_sends(OFFICER, "/tinbao")              # inbox lines are choices too
        inbox = await oa.wait_for(OFFICER, "Có 1 tin báo đang mở")
        await oa.user_taps(inbox, f"#{label}")
        view = await oa.wait_for(OFFICER, f"📄 Tin báo #{label}")
        assert "9 giờ tối" in view.text and "mấy giờ" in view.text
        await zbot.wait_idle()
        await oa.wait_idle()

    state = await tip_state(app)
    assert state["thread"] == ["to_tipster", "from_tipster"]
    assert {(n[0], n[3]) for n in state["notifications"]} == {("zalo_oa", "sent"),
                                                             ("zalo_bot", "sent")}
    tipster_rows = [n for n in state["notifications"] if n[0] == "zalo_bot"]
    assert tipster_rows and all(n[1] is None and n[2] for n in tipster_rows)  # named by tip only
    assert len([m for m in oa.messages_to(OFFICER) if m.text.startswith("💬 Người báo tin")]) == 1
    assert len([m for m in zbot.messages_to(RESIDENT) if "Mã tra cứu" in m.text]) == 1
    assert state["tip"].attachments[0]["ref"] == PHOTO
    leaks = await contains_anywhere(app, RESIDENT, skip={
        "subscribers", "dialogue_states", "zalo_interactions", "zalo_offers"})
    assert leaks == []
