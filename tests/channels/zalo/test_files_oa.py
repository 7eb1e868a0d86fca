"""An officer on a Zalo Official Account gets the report as files in the chat: the Word and PDF
documents are uploaded through the OA's file upload and sent as file messages (the fake OA takes
only PDF/DOC/DOCX of at most 5 MB, as Zalo does); the spreadsheet, which the OA cannot carry,
gets the command that makes it."""
from __future__ import annotations

import io

import docx

from tests.channels.zalo.harness import running_zalo
from tests.channels.zalo.tip_steps import join_on_zalo

OFFICER = "8841203400770001"


def is_file(message) -> bool:
    return (message.raw.get("attachment") or {}).get("type") == "file"


async def test_an_oa_officer_gets_word_and_pdf_files_and_the_command_for_excel(
        app, database_url, oa, oa_tokens):
    async with running_zalo(database_url, oa=oa, tokens=oa_tokens):
        await join_on_zalo(oa, app, OFFICER, "cao-thuong", "Trung úy Lê Minh")
        await oa.user_sends(OFFICER, "/thongke")
        periods = await oa.wait_for(OFFICER, "Thống kê Thị trấn Cao Thượng")
        await oa.user_taps(periods, "Tháng này")
        offer = await oa.wait_for(OFFICER, "tải báo cáo này thành tệp")
        assert [b["title"] for b in offer.buttons][:3] == [
            "📄 Tải báo cáo (Word)", "📊 Excel", "📑 Tải báo cáo (PDF)"]

        await oa.user_taps(offer, "Word")
        await oa.wait_for(OFFICER, is_file)
        await oa.wait_for(OFFICER, "📄 Báo cáo")                  # the caption follows the file
        await oa.user_taps(offer, "PDF")
        await oa.wait_for(OFFICER, is_file)
        await oa.user_taps(offer, "Excel")
        refusal = await oa.wait_for(OFFICER, "Kênh này chưa gửi được tệp")
        assert "--format xlsx" in refusal.text

        (word_name, word), (pdf_name, pdf) = oa.files_sent_to(OFFICER)
        assert word_name.endswith(".docx") and pdf_name.endswith(".pdf")
        document = docx.Document(io.BytesIO(word))
        assert document.paragraphs[0].text == "BÁO CÁO"
        assert any("thị trấn Cao Thượng" in p.text for p in document.paragraphs)
        assert pdf.startswith(b"%PDF")
