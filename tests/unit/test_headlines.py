"""Bulletin titles shortened for a phone's button: whole words, the key words kept."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.datafiles import load_bulletins
from handlers.library_items import LABEL_CHARS, headline
from tests.conftest import ROOT


def library_titles() -> list[str]:
    topics = [t["slug"] if isinstance(t, dict) else t
              for t in yaml.safe_load((ROOT / "config" / "topics.yaml").read_text())]
    return [b.title for b in load_bulletins(Path(ROOT / "config" / "bulletins"), topics)]


def test_every_library_title_fits_as_its_leading_clause():
    """The library writes its key words first: a list shows that clause, never a cut word."""
    for title in library_titles():
        shown = headline(title)
        assert len(shown) <= LABEL_CHARS and "…" not in shown, title
        assert title.startswith(shown.rstrip("?")), title


def test_a_long_sent_title_keeps_its_first_and_last_words():
    title = "Cảnh báo: kẻ gian gọi điện giả danh nhân viên ngân hàng yêu cầu cập nhật sinh trắc học"
    shown = headline(title)
    assert len(shown) <= LABEL_CHARS
    assert shown.startswith("Cảnh báo: kẻ gian") and shown.endswith("sinh trắc học")
    words = set(title.replace(":", " ").split())
    assert all(word in words for word in shown.replace(":", " ").replace("…", " ").split())


def test_short_titles_and_clauses_are_left_alone():
    assert headline("Số đề, lô đề") == "Số đề, lô đề"
    assert headline("Người thân nhắn Zalo, Facebook hỏi vay tiền? Hãy gọi điện kiểm tra trước") \
        == "Người thân nhắn Zalo, Facebook hỏi vay tiền?"
    assert headline("x" * 90).endswith("…") and len(headline("x" * 90)) <= LABEL_CHARS
