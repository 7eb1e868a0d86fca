"""What people type and what buttons carry, read one way everywhere: numbers, ids, choices.

A typed or forged '①' or '²' passes `str.isdigit()` and then crashes `int()`; a 30-digit id
overflows the database's INTEGER. Every number read from a person or from callback data goes
through here: decimal digits of any script are read as ASCII, anything else is refused (None),
and every value is range-checked before it reaches a query.
"""
from __future__ import annotations

import re
import unicodedata

from handlers.text import fold

MAX_ID = 2**31 - 1          # the largest INTEGER both SQLite and PostgreSQL take as an id
MAX_DIGITS = 12             # longer digit strings are not numbers a person means
_ASCII_NUMBER = re.compile(r"[0-9]{1,12}")
_TYPED_DECORATION = " \t\n\r.):#"   # "3.", "3)", "#3" are how people type an option's number


def ascii_digits(text: str) -> str:
    """Decimal digits of any script (٣, ３, ๓) as ASCII; every other character unchanged."""
    return "".join(_ascii_digit(ch) for ch in text)


def _ascii_digit(ch: str) -> str:
    if "0" <= ch <= "9" or ch.isascii():
        return ch
    value = unicodedata.decimal(ch, None)       # '①' and '²' have none: they stay as they are
    return str(value) if value is not None else ch


def number(text: str, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number a person typed ("3", "3.", "#3", "３"), if it lies in low..high."""
    cleaned = ascii_digits(text.strip(_TYPED_DECORATION)) if len(text) <= 40 else ""
    return _bounded(cleaned, low, high)


def payload_number(part: str, low: int = 0, high: int = MAX_ID) -> int | None:
    """A number inside callback data: plain ASCII digits only (the bot writes no other)."""
    return _bounded(part, low, high)


def payload_id(part: str) -> int | None:
    """A row id inside callback data (1..MAX_ID); None for anything forged or out of range."""
    return payload_number(part, 1, MAX_ID)


def state_number(value: object, low: int = 0, high: int = MAX_ID, default: int = 0) -> int:
    """A number kept in the dialogue state, clamped into low..high (never trusted blindly)."""
    parsed = value if isinstance(value, int) and not isinstance(value, bool) \
        else payload_number(str(value))
    return default if parsed is None else min(max(parsed, low), high)


def _bounded(digits: str, low: int, high: int) -> int | None:
    if not _ASCII_NUMBER.fullmatch(digits):
        return None
    value = int(digits)
    return value if low <= value <= high else None


# Typed words that mean "take me back" on every screen (folded: accents, case, emoji ignored).
BACK_WORDS = frozenset({"0", "menu", "menu chinh", "ve menu", "quay lai", "tro ve", "tro lai",
                        "thoat", "back", "main menu", "exit"})
# Of those, the words that mean one step back (not "leave"): inside a form they go back a step;
# the others ("menu", "thoát", "0") leave it, after asking where leaving would discard work.
STEP_BACK_WORDS = frozenset({"quay lai", "tro ve", "tro lai", "back"})
# Typed words that mean "I am finished with this step" where the step has a finish.
FINISH_WORDS = frozenset({"xong", "xong roi", "hoan thanh", "done", "finish", "finished"})
MIN_PARTIAL = 2             # one typed letter picks nothing: it is more likely a typo


def is_back_word(text: str) -> bool:
    return len(text) <= 40 and fold(text) in BACK_WORDS


def is_step_back_word(text: str) -> bool:
    return len(text) <= 40 and fold(text) in STEP_BACK_WORDS


def is_finish_word(text: str) -> bool:
    return len(text) <= 40 and fold(text) in FINISH_WORDS


def partial_matches(labels: list[str], text: str) -> list[int]:
    """Indexes of the labels typed words point to, closest first: labels that start with
    them ("lua dao" -> "⬜ Lừa đảo trên mạng"), else labels with a word that does ("khan cap"
    -> "☎️ Số khẩn cấp"); [] when nothing does."""
    wanted = fold(text) if len(text) <= 200 else ""
    if len(wanted) < MIN_PARTIAL:
        return []
    folded = [fold(label) for label in labels]
    starts = [i for i, label in enumerate(folded) if label.startswith(wanted)]
    if starts:
        return starts
    return [i for i, label in enumerate(folded) if f" {wanted}" in f" {label}"]
