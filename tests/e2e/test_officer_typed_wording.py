"""Officers on channels where people type (console, Zalo) get words for typing: no screen they
can reach says "bấm" (press) or shows Telegram's 📎, and every screen with options says what
to type. The class test walks every screen an officer, a commander, an administrator and a team
member can reach from each of their commands, on each typed channel, with a tip in the inbox
that carries a photo, a question and a note; and it reads the notifications they were sent."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.domain import Role
from handlers.messages import TYPED_CHANNELS, Attachment, Inbound, Kind, Reply
from storage.tables.tips import NotificationRow
from tests.e2e.harness import button, running_bot
from tests.e2e.test_console import chat
from tests.e2e.test_console_officer import OFFICER, console_officer
from tests.e2e.test_tips_dialogue import start_tip
from tests.e2e.tips_helpers import join
from tests.fakes.botapi.server import FakeBotApi
from tests.fakes.explorer import explore, make_member
from tests.fakes.resident import Resident

PRESS_WORDS = ("bấm", "📎", "tap ", "press")
STAFF = {  # who, and how many turns the walk may take from each command
    Role.OFFICER: {"tinbao": 130, "phatcanhbao": 70, "thongke": 40, "ghinhan": 40, "moi": 10,
                   "trogiup": 2, "menu": 2},
    Role.COMMAND: {"tinbao": 40, "thongke": 30},
    Role.ADMIN: {"phatcanhbao": 40, "moi": 10},
    Role.TEAM_MEMBER: {"baocao": 40, "trogiup": 2},
}
# What the walk itself types (a bulletin's text says "Không bấm vào đường link lạ"): echoed back.
TYPED_BY_STAFF = ("Không bấm vào",)
STAFF_STEPS = {"tip_ask", "tip_note", "tip_move", "tip_dup", "team_place", "team_time",
               "stats_period", "stats_range", "stats_unit", "act_category", "act_date",
               "act_count", "act_note", "act_confirm", "bc_start", "bc_photo", "bc_topics",
               "bc_units", "bc_lib_topics", "bc_lib_list"}


def pressing(text: str) -> bool:
    return any(word in text.lower() for word in PRESS_WORDS)


async def tip_with_photo(app, channel: str) -> None:
    """A resident's tip with a photo, so the card shows its attachment line."""
    r = Resident(app, f"tipster-{channel}", channel="test")
    await start_tip(r)
    await r.type("Có người buôn bán ma túy ở bãi sông")
    await r.send(Kind.MEDIA, media="photo", attachments=(Attachment("photo", "ph-1", 1000),))
    await r.press("Xong")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")


async def everything_staff_see(app, channel: str) -> tuple[set[str], list[str]]:
    """The steps reached and every text shown or queued to staff on this channel."""
    await tip_with_photo(app, channel)
    heard: list[Reply] = []
    steps: set[str] = set()
    for role, commands in STAFF.items():
        who = f"{role.value}-{channel}"
        await make_member(app, who, role, None if role in (Role.COMMAND, Role.ADMIN)
                          else "cao-thuong", channel=channel)
        await app.dialogue.handle(Inbound(channel, who, Kind.COMMAND, command="start",
                                          text="/start"))
        steps |= set(await explore(app, who, commands, channel=channel, heard=heard))
    texts = [m.text for reply in heard for m in reply.messages]
    async with app.uow() as uow:      # the cards and answers queued for them
        texts += [payload["text"] for payload in await uow.session.scalars(
            select(NotificationRow.payload).where(NotificationRow.channel == channel))]
    return steps, texts


@pytest.mark.parametrize("channel", sorted(TYPED_CHANNELS))
async def test_no_officer_screen_on_a_typed_channel_says_press(app, channel):
    steps, texts = await everything_staff_see(app, channel)
    assert steps >= STAFF_STEPS, STAFF_STEPS - steps
    lines = {line for text in texts for line in text.splitlines()
             if not any(probe in line for probe in TYPED_BY_STAFF)}
    offending = sorted(line for line in lines if pressing(line))
    assert not offending, "\n".join(offending)


async def test_console_officer_day_is_worded_for_typing(app, database_url, monkeypatch):
    """At the console: the inbox and a card with a photo, a bulletin up to its preview, the
    statistics and an activity's note: every prompt says what to type, none says "bấm"."""
    monkeypatch.setenv("BOT_SECRET_KEY", app.settings.secret_key.get_secret_value())
    await console_officer(app)
    await tip_with_photo(app, "console")
    out = await chat(database_url, [
        "/tinbao", "1",
        "/phatcanhbao", "Cảnh báo: giả danh công an gọi điện", "khong kem anh", "lua dao",
        "tiep", "tiep", "1", "gui ngay", "24 gio",
        "/thongke", "/ghinhan", "1", "hom nay", "3", "khong ro"], user=OFFICER)
    assert "🗂 1 tệp đính kèm" in out
    assert 'gõ số của "Tiếp"' in out and 'gõ số của "Gửi bản tin"' in out
    assert "Đồng chí gõ số của kỳ báo cáo" in out
    assert 'gõ ghi chú, hoặc gõ số của "Bỏ qua"' in out
    assert "chưa hiểu" not in out
    assert not [line for line in out.splitlines() if pressing(line)]


async def test_telegram_officer_keeps_the_button_wording(app, database_url):
    """Telegram has buttons: its officers are still told to press them."""
    async with FakeBotApi() as api:
        async with running_bot(database_url, api):
            await join(api, app, 7701, Role.OFFICER, "cao-thuong", "Trung úy Lê Văn Bình")
            api.user_sends(7701, "/phatcanhbao")
            await api.wait_for(7701, "gõ nội dung bản tin mới ngay bên dưới")
            api.user_sends(7701, "Cảnh báo: giả danh công an gọi điện")
            photo = await api.wait_for(7701, "Kèm ảnh?")
            api.user_presses(7701, photo.message_id, button(photo, "Không kèm ảnh"))
            topics = await api.wait_for(7701, "Bản tin thuộc chủ đề nào")
            assert 'xong thì bấm "Tiếp"' in topics.text
