"""The one number parser every typed choice and button payload goes through."""
from __future__ import annotations

import pytest

from handlers.typed import MAX_ID, ascii_digits, number, payload_id, payload_number, state_number


@pytest.mark.parametrize("typed, expected", [
    ("3", 3), (" 3. ", 3), ("3)", 3), ("#3", 3), ("３", 3), ("٣", 3), ("๓", 3), ("12", 12),
])
def test_typed_numbers_of_any_script_are_read(typed, expected):
    assert number(typed, 1, 20) == expected


@pytest.mark.parametrize("typed", [
    "①", "²", "³", "½", "Ⅻ", "-1", "+3", "3.5", "1e3", "", " ", "0x1f", "3 4", "9" * 5000,
    "9" * 13, str(2**63), "一",
])
def test_everything_else_is_refused_without_raising(typed):
    assert number(typed) is None


def test_ranges_are_checked():
    assert number("0", 1, 5) is None and number("6", 1, 5) is None and number("5", 1, 5) == 5
    assert number(str(MAX_ID)) == MAX_ID and number(str(MAX_ID + 1)) is None


def test_payload_numbers_are_ascii_only():
    assert payload_id("42") == 42
    for forged in ("٣", "３", "①", "0", "-1", "", "1 ", str(10**30), "4" * 64):
        assert payload_id(forged) is None, forged
    assert payload_number("0") == 0 and payload_number("7", 0, 5) is None


def test_state_numbers_are_clamped():
    assert state_number("7", 0, 5) == 5 and state_number(-3, 0, 5) == 0
    assert state_number("①", 0, 5, default=2) == 2 and state_number(True, 0, 5) == 0
    assert state_number(None) == 0


def test_ascii_digits_leaves_other_characters():
    assert ascii_digits("Số ３ và ٤, ①") == "Số 3 và 4, ①"
