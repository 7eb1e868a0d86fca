"""The README says what the bot says (issue 10): its resident transcript, replayed on the console,
prints every line the README shows; its command tables list the commands the bot has."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from broadcasts.model import Status
from bot.datafiles import load_catalog
from handlers.command_menu import RESIDENT_COMMANDS, STAFF_COMMANDS
from tests.conftest import ROOT
from tests.e2e.broadcasts.people import broadcast
from tests.e2e.test_console import chat

README = (ROOT / "README.md").read_text("utf-8")
BULLETIN = ("Cảnh báo: kẻ gian gọi điện giả danh nhân viên ngân hàng yêu cầu cập nhật sinh trắc "
            "học rồi gửi đường link lạ để chiếm đoạt tài khoản.")


def transcript() -> list[str]:
    """The README's console conversation, line by line."""
    start = README.index("## What a resident sees")
    block = README[README.index("```text\n", start) + 8:]
    return block[:block.index("```")].splitlines()


def shown(line: str) -> str | None:
    """What of a README line the bot must print as is (None: an elision or a dated label)."""
    text = line.strip()
    if not text or text == "..." or text.startswith(">"):
        return None
    if "..." in text or "…" in text:              # the README cuts a long line: the start
        text = re.split(r"\s*(?:\.\.\.|…)", text)[0].strip()
    if re.search(r"\d\d/\d\d", text):             # the day the bulletin was sent
        text = re.sub(r".*\d\d/\d\d(/\d{4})?", "", text).strip(" ·")
    return text or None


async def test_the_residents_transcript_is_what_the_console_prints(app, database_url):
    await broadcast(app, BULLETIN, status=Status.FINISHED, topics=("fraud",),
                    start=datetime.now(timezone.utc) - timedelta(minutes=5))
    lines = transcript()
    typed = [line[2:] for line in lines if line.startswith("> ")]
    assert len(typed) >= 8
    out = await chat(database_url, typed, user="readme")
    printed = [line.strip() for line in out.splitlines()]
    missing = [line for line in map(shown, lines)
               if line is not None and not any(line in p for p in printed)]
    assert not missing, f"the README shows lines the bot does not print: {missing}"


def table_commands(heading: str) -> set[str]:
    """The commands in the first column of the first table after `heading`."""
    part = README[README.index(heading):]
    table = []
    for line in part[part.index("\n|"):].strip().splitlines():
        if not line.startswith("|"):
            break
        table.append(line)
    return {name for line in table for name in re.findall(r"`/([a-z]+)", line.split("|")[1])}


def test_the_command_tables_list_each_menus_commands():
    """Every command in a person's command menu is in the README's table for them, and the
    tables name no command the bot does not have."""
    residents = table_commands("Commands (also in Telegram's command menu")
    officers = table_commands("**Officers' commands.**")
    assert residents == set(RESIDENT_COMMANDS) | {"menu"}       # /menu: any text channel
    assert officers == set(STAFF_COMMANDS)
    catalog = load_catalog()
    for name in residents | officers:
        assert name == "menu" or catalog.has(f"command.{name}"), name
