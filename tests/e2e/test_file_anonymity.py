"""After a tip is sent, the SQLite file itself (every page, free pages and the -wal file
included) never holds the tipster's id near the tip's text: drafts are sealed in the dialogue
state and deleted content is zeroed (secure_delete)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.e2e.harness import running_bot
from tests.e2e.test_telegram import onboard
from tests.e2e.tips_helpers import send_tip
from tests.fakes.botapi.server import FakeBotApi

TIPSTER = 7_314_159_265
TIP_TEXT = "Nguoi la mat ban hang cam o bai song Thuong luc 9 gio toi, xe may Wave mau do"
NEAR = 600


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


def database_files(database_url: str) -> list[Path]:
    path = Path(database_url.split("///", 1)[1])
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()]


def places(blob: bytes, needle: bytes) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), blob)]


def close_pairs(blob: bytes, ids: list[int], texts: list[int]) -> list[tuple[int, int]]:
    return [(i, t) for i in ids for t in texts if abs(i - t) < NEAR]


def scan(database_url: str) -> tuple[int, int, list[tuple[str, int, int]]]:
    """(places of the id, places of the text, pairs within NEAR bytes) over all files."""
    tipster = str(TIPSTER).encode()
    # The text as stored in a column, and as JSON would write it in a draft.
    pieces = {TIP_TEXT[:40].encode(), json.dumps(TIP_TEXT[:40])[1:-1].encode()}
    ids = texts = 0
    close: list[tuple[str, int, int]] = []
    for file in database_files(database_url):
        blob = file.read_bytes()
        found_ids = places(blob, tipster)
        found_texts = sorted({p for piece in pieces for p in places(blob, piece)})
        ids, texts = ids + len(found_ids), texts + len(found_texts)
        close += [(file.name, i, t) for i, t in close_pairs(blob, found_ids, found_texts)]
    return ids, texts, close


@pytest.mark.skipif(not os.environ.get("BOT_TEST_DATABASE_URL", "sqlite").startswith("sqlite")
                    and os.environ.get("BOT_TEST_DATABASE_URL", "") != "",
                    reason="scans an SQLite file; PostgreSQL's files are the server's "
                           "(README: what PostgreSQL needs)")
async def test_no_tipster_id_near_tip_text_in_the_raw_file(app, database_url, api):
    async with running_bot(database_url, api):
        await onboard(api, TIPSTER, "Cao Thượng")
        for _ in range(2):              # a draft written, abandoned, then one sent
            api.user_sends(TIPSTER, "/tobao")
            await api.wait_for(TIPSTER, lambda m: "Trước khi gửi tin báo" in (m.text or ""))
        receipt = await send_tip(api, TIPSTER, TIP_TEXT)
        assert "Mã tra cứu của bạn" in receipt
        await api.wait_idle()
        ids, texts, close = scan(database_url)
    assert ids >= 1, "the tipster's id is not in the file at all: the scan looks at nothing"
    assert texts >= 1, "the tip's text is not in the file at all: the scan looks at nothing"
    assert close == []
    _, _, close_after = scan(database_url)      # after the bot stopped (checkpoint)
    assert close_after == []
