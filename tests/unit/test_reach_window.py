"""The out-of-reach line of a broadcast's status names the configured Zalo reply window."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial

from bot.broadcasting.context import broadcast_context
from bot.datafiles import load_catalog
from broadcasts.status import status_text
from tests.conftest import make_settings


@dataclass
class View:
    id: int = 3
    parent_id: int | None = None
    status: str = "finished"
    text: str = "Cảnh báo"
    photo_ref: str | None = None
    photo_error: str | None = None
    topics: tuple = ()
    unit_ids: tuple = ()
    all_units: bool = True
    audience: str = "residents"
    sender: str = "member:1"
    start_at: datetime = datetime(2026, 12, 1, tzinfo=timezone.utc)
    expires_at: datetime | None = None
    recurrence: str | None = None
    total: int = 10
    sent: int = 8
    failed: int = 0
    blocked: int = 0
    expired: int = 0
    pending: int = 0
    unreached: int = 2
    rate: float = 0.0
    fanout_done: bool = True


def reach_line(hours: float, language: str = "vi") -> str:
    ctx = broadcast_context(make_settings("sqlite+aiosqlite://", zalo_free_window_hours=1,
                                          zalo_reply_window_hours=hours))
    t = partial(load_catalog("vi").t, language)
    text = status_text(t, View(), reach_hours=ctx.reach_hours)
    return next(line for line in text.splitlines() if line.startswith("📵"))


def test_the_line_follows_the_window_setting():
    assert "quá 3 ngày không tương tác" in reach_line(72)
    assert "quá 36 giờ không tương tác" in reach_line(36)
    assert "7 ngày" not in reach_line(72) + reach_line(36)
    assert "over 3 days" in reach_line(72, "en")


def test_the_default_window_is_seven_days():
    assert "quá 7 ngày không tương tác" in reach_line(168)
