"""Numbers written the way the report writes them: 1.234 and 80,5% in Vietnamese."""
from __future__ import annotations

from dataclasses import dataclass

from handlers.typed import ascii_digits, payload_number

MAX_COUNT = 10**12         # far above any real figure; the category's own limit comes after


@dataclass(frozen=True)
class NumberStyle:
    thousands: str = "."
    decimal: str = ","

    def number(self, value: int | float) -> str:
        """Whole numbers with grouped thousands; others with one decimal."""
        if isinstance(value, float) and not value.is_integer():
            whole, _, fraction = f"{value:.1f}".partition(".")
            return f"{self._group(whole)}{self.decimal}{fraction}"
        return self._group(str(int(value)))

    def percent(self, part: int, whole: int) -> str | None:
        """Share of `whole` as "80,5%" (",0" dropped); None when there is no whole."""
        if whole <= 0:
            return None
        value = round(100 * part / whole, 1)
        return f"{self.number(value if not value.is_integer() else int(value))}%"

    def _group(self, digits: str) -> str:
        sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        groups.insert(0, digits)
        return sign + self.thousands.join(groups)


def parse_count(text: str) -> int:
    """A whole number typed by a person: "1.234", "1 234", "1234". ValueError otherwise."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("+-")
    groups = digits.split(".") if "." in digits else digits.split(",") if "," in digits else None
    if groups is not None:
        if not (groups[0] and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise ValueError(text)
        digits = "".join(groups)
    value = payload_number(ascii_digits(digits), 0, MAX_COUNT)
    if value is None:             # '①', '²' and 40-digit numbers are refused, not crashed on
        raise ValueError(text)
    return -value if negative else value
