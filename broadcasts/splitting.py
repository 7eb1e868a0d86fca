"""Splitting a bulletin to fit a channel's message limit without losing a character."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts it (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class TextLimit:
    """A channel's longest message and how that channel measures length."""

    max_units: int
    measure: Callable[[str], int] = len


TELEGRAM_TEXT = TextLimit(4096, utf16_len)
TELEGRAM_CAPTION = TextLimit(1024, utf16_len)
ZALO_TEXT = TextLimit(2000, len)
CHANNEL_TEXT_LIMITS = {"telegram": TELEGRAM_TEXT, "zalo_oa": ZALO_TEXT, "zalo_bot": ZALO_TEXT}

# Preferred cut points, coarsest first; a cut goes just after the separator, so joining the parts
# gives back the text exactly.
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_LINE = re.compile(r"\n\s*")
_SENTENCE = re.compile(r"[.!?…][)\]\"'”’»]*\s+")
_WORD = re.compile(r"\s+")
_COARSE = (_PARAGRAPH, _LINE, _SENTENCE)

_ZWJ = "\u200d"


def as_limit(limit: TextLimit | int) -> TextLimit:
    """A TextLimit; a bare int counts code points (Python ``len``)."""
    return limit if isinstance(limit, TextLimit) else TextLimit(int(limit))


def split_for_channel(text: str, limit: TextLimit | int) -> list[str]:
    """Split ``text`` into parts within ``limit``, at paragraph, line, sentence or word ends.

    ``"".join(parts) == text`` always holds and no part is empty; a word longer than the limit
    is cut, but never inside a character and, where possible, not inside an emoji or a letter
    with combining accents.
    """
    limit = as_limit(limit)
    if limit.max_units < 2:
        raise ValueError("a limit below 2 cannot hold every character (emoji are 2 UTF-16 units)")
    parts: list[str] = []
    rest = text
    while rest:
        if limit.measure(rest) <= limit.max_units:
            parts.append(rest)
            break
        cut = _cut_point(rest, _fit(rest, limit))
        parts.append(rest[:cut])
        rest = rest[cut:]
    return parts


def _fit(text: str, limit: TextLimit) -> int:
    """The longest prefix length (in characters) whose measure is within the limit."""
    lo, hi = 0, min(len(text), limit.max_units)  # every character measures at least 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if limit.measure(text[:mid]) <= limit.max_units:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        raise ValueError(f"character {text[0]!r} is longer than the limit")
    return lo


def _cut_point(text: str, fit: int) -> int:
    """Where to end the next part: the last good boundary within ``text[:fit]``."""
    window = text[:fit]
    # A coarse boundary in the first half would leave a stub message; try a finer one instead.
    for pattern in _COARSE:
        cut = _last_end(pattern, window, minimum=fit // 2)
        if cut:
            return cut
    return _last_end(_WORD, window, minimum=1) or _cluster_safe(text, fit)


def _last_end(pattern: re.Pattern[str], window: str, *, minimum: int) -> int:
    """End of the last match of ``pattern`` in ``window`` if it is at least ``minimum``, else 0."""
    end = 0
    for match in pattern.finditer(window):
        end = match.end()
    return end if end >= minimum else 0


def _cluster_safe(text: str, cut: int) -> int:
    """Move a hard cut left so it keeps a letter with its accents and an emoji whole."""
    k = cut
    while k > 0 and _glued(text[k - 1], text[k]):
        k -= 1
    return k if k > 0 else cut


def _glued(prev: str, char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char).startswith("M")  # combining accents, keycap
            or prev == _ZWJ or char == _ZWJ
            or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji presentation)
            or 0x1F3FB <= code <= 0x1F3FF  # skin tones
            or 0xE0020 <= code <= 0xE007F)  # tag characters of subdivision flags
