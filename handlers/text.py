"""Text folding for matching what residents type ("cao thuong" == "Cao Thượng")."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
_PREFIXES = ("thi tran ", "tt ", "xa ", "phuong ", "p ", "x ")


def fold(text: str) -> str:
    """Lower-case, drop Vietnamese diacritics and punctuation, collapse spaces."""
    text = _NOT_WORD.sub(" ", unmarked(text))
    return _SPACES.sub(" ", text).strip()


def unmarked(text: str) -> str:
    """Lower-case without Vietnamese diacritics; punctuation kept ("08:00" stays a time)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()


def strip_place_prefix(folded: str) -> str:
    """'tt cao thuong' -> 'cao thuong'; 'xa an duong' -> 'an duong'."""
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return folded[len(prefix):]
    return folded


def shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters on a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, at paragraph, line or word ends."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces
