"""Channels where people type get words for typing: never "bấm" (press) or Telegram's 📎
button, a prompt always says what to type, /trogiup names the tip line, and the first screen
fits a phone with the privacy note one number away. Dialogue, console and Telegram."""
from __future__ import annotations

import pytest
import yaml

from handlers.messages import TYPED_CHANNELS
from tests.conftest import ROOT
from tests.e2e.harness import button, running_bot
from tests.e2e.test_console import chat
from tests.fakes.botapi.server import FakeBotApi
from tests.fakes.resident import Resident

PRESS_WORDS = ("bấm", "📎", "tap ")
# Resident-side entries that speak of pressing or of the 📎 button: each has a typed variant.
RESIDENT_PRESSING = ("topics.prompt", "tip.ask_place", "tip.ask_media", "tip.media_received",
                     "tip.ask_contact", "tip.question_for_tipster", "team.ask_place",
                     "team.ask_time")


def catalogue(lang: str) -> dict[str, str]:
    return yaml.safe_load((ROOT / "config" / "locales" / f"{lang}.yaml").read_text("utf-8"))


def pressing(text: str) -> bool:
    return any(word in text.lower() for word in PRESS_WORDS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_typed_variant_speaks_of_typing(lang):
    texts = catalogue(lang)
    typed = {key: text for key, text in texts.items() if key.endswith(".typed")}
    assert set(RESIDENT_PRESSING) <= {key[:-len(".typed")] for key in typed}
    for key, text in typed.items():
        assert not pressing(text), key
        assert "gõ" in text.lower() or "type" in text.lower(), key


async def walk(app, channel: str) -> str:
    """Everything a resident sees from /start to a sent tip and its lookup, typing only."""
    r = Resident(app, user_id=f"walker-{channel}", channel=channel)
    seen = []

    async def say(text: str) -> None:
        await r.type(text)
        seen.append(r.texts())
    await r.command("start")
    seen.append(r.texts())
    for step in ("cao thuong", "xong"):
        await say(step)
    for command in ("trogiup", "thuvien", "tobao"):
        await r.command(command)
        seen.append(r.texts())
    for step in ("1", "1", "1", "Có người buôn bán ma túy ở bãi sông", "1", "1", "1"):
        await say(step)
    assert "Mã tra cứu của bạn" in seen[-1]
    return "\n".join(seen)


@pytest.mark.parametrize("channel", sorted(TYPED_CHANNELS))
async def test_typed_channels_never_say_press(app, channel):
    seen = await walk(app, channel)
    assert not pressing(seen), [line for line in seen.splitlines() if pressing(line)]
    assert "/tobao" in seen and "/tracuu" in seen and "/ketthuc" in seen
    assert "Gõ số thứ tự" in seen


async def test_telegram_keeps_its_buttons_wording(app):
    seen = await walk(app, "telegram")
    assert "Bấm vào chủ đề" in seen and "bấm 📎" in seen


async def test_console_help_names_the_tip_line_and_the_welcome_is_short(app, database_url):
    out = await chat(database_url, ["/trogiup"], user="newcomer")
    welcome = out.split("Xin chào!")[1].split("📍 Bạn đang sống ở xã")[0]
    assert len([line for line in welcome.splitlines() if line.strip()]) <= 3
    assert "  10. 🔒 Dữ liệu bot lưu về bạn" in out
    assert "/tobao – gửi tin báo" in out and "/tracuu MÃ" in out and "/ketthuc MÃ" in out
    assert not pressing(out.split("❓ Hướng dẫn sử dụng")[1])


async def test_telegram_help_and_privacy_one_tap_away(app, database_url):
    async with FakeBotApi() as api:
        async with running_bot(database_url, api):
            api.user_sends(7401, "/start")
            prompt = await api.wait_for(7401, "Bạn đang sống ở xã")
            api.user_presses(7401, prompt.message_id, button(prompt, "Dữ liệu bot lưu"))
            await api.wait_for(7401, "Không lưu họ tên, số điện thoại")
            api.user_sends(7401, "/trogiup")
            helped = await api.wait_for(7401, "Hướng dẫn sử dụng")
            assert "/tobao" in helped.text and "/tracuu" in helped.text
            assert "/ketthuc" in helped.text
