"""A bulletin composed where console subscribers cannot receive it says so: the console is for
trying the bot, not a delivery channel, and a preview never reports "0" silently."""
from __future__ import annotations

from tests.e2e.broadcasts.people import resident
from tests.e2e.broadcasts.test_compose import compose_until_preview
from tests.e2e.test_console_officer import console_officer
from tests.fakes.resident import Resident


async def test_the_preview_names_console_subscribers_who_get_nothing(app):
    app.broadcasts.channels[:] = []                      # `python -m bot chat`: no sender
    for n in range(2):
        await resident(app, f"console-{n}", channel="console")
    await console_officer(app)
    person = Resident(app, "officer-cao-thuong", channel="console")
    await person.command("start")
    await compose_until_preview(person)
    preview = person.texts()
    assert "Số người sẽ nhận: 0" in preview
    assert "2 người đăng ký ở kênh không gửi bản tin" in preview
    assert "Bot chưa có kênh gửi nào" in preview


async def test_a_telegram_preview_counts_telegram_and_names_the_console(app):
    app.broadcasts.channels[:] = ["telegram"]
    try:
        await resident(app, 101)
        await resident(app, "console-1", channel="console")
        await console_officer(app)
        person = Resident(app, "officer-cao-thuong", channel="console")
        await person.command("start")
        await compose_until_preview(person)
    finally:
        app.broadcasts.channels[:] = []
    preview = person.texts()
    assert "Số người sẽ nhận: 1" in preview
    assert "1 người đăng ký ở kênh không gửi bản tin" in preview   # the console resident
    assert "chưa có kênh gửi" not in preview
