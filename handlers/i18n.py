"""Message catalogues: every user-facing word comes from here, Vietnamese first."""
from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import TypeGuard

LANGUAGES = ("vi", "en")
PLACE_KINDS = ("commune", "town", "ward")    # the order their words are listed in


class Catalog:
    """Looks up `key` in a language's catalogue and fills {placeholders}."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]], default: str = "vi") -> None:
        self._texts = texts
        self.default = default
        self._places: dict[str, str] = {}
        self.use_places(("commune",))

    def use_places(self, kinds: Iterable[str]) -> None:
        """Name the kinds of place residents choose from, as the directory in use has them:
        {places} reads "xã, phường" after the 2025 reform, "xã, thị trấn" before it."""
        present = set(kinds)
        wanted = [kind for kind in PLACE_KINDS if kind in present] or ["commune"]
        for lang, table in self._texts.items():
            if "place.kind.commune" not in table:
                continue
            words = [table[f"place.kind.{kind}"] for kind in wanted]
            self._places[lang] = table["place.kinds_join"].join(words)

    def _fill(self, lang: str, template: str) -> str:
        if "laces}" not in template:
            return template
        words = self._places.get(lang) or self._places.get(self.default, "")
        return template.replace("{places}", words).replace("{Places}", words[:1].upper()
                                                             + words[1:])

    def languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if lang in self._texts]

    def t(self, lang: str | None, key: str, **values: object) -> str:
        lang = lang if lang is not None and lang in self._texts else self.default
        table = self._texts[lang]
        template = table.get(key)
        if template is None:
            template = self._texts[self.default][key]
        template = self._fill(lang, template)
        if not values:
            return template
        return template.format(**{k: _Number(v, lang, k not in IDENTIFIERS) if _numeric(v)
                                  else v for k, v in values.items()})

    def variant(self, key: str, typed: bool) -> str:
        """`key.typed` for channels where people type (its words say "type 2", not "tap"),
        when the catalogue has one; otherwise `key`."""
        return f"{key}.typed" if typed and f"{key}.typed" in self._texts[self.default] else key

    def has(self, key: str) -> bool:
        return key in self._texts[self.default]

    def all_labels(self, key: str) -> list[str]:
        """The text of `key` in every language (to match what people type)."""
        return [self._fill(lang, table[key]) for lang, table in self._texts.items()
                if key in table]


# How each language writes numbers: Vietnamese "20.000" and "0,5", English "20,000" and "0.5".
_MARKS = {"vi": str.maketrans({",": ".", ".": ","})}

# Placeholders that name a thing rather than count it: written as they are, never grouped
# ("bản tin #12345", "năm 2026", "dòng 1042", "0912345678"). Every other whole number is a
# quantity and has its thousands grouped ("20.000 người", "từ 1 đến 20.000").
IDENTIFIERS = frozenset({"id", "record", "code", "year", "month", "day", "line", "column", "phone",
                         "page", "pages", "first", "last"})


def _numeric(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Number:
    """A number placed in a text: the template's format spec ("{rate:.1f}") is applied, a
    quantity without one gets its thousands grouped and at most one decimal ("1,5 giờ"), then
    the language's decimal and thousands marks."""

    def __init__(self, value: float, lang: str, quantity: bool = True) -> None:
        self._value, self._lang, self._quantity = value, lang, quantity

    def __format__(self, spec: str) -> str:
        text = format(self._value, spec or self._default_spec())
        marks = _MARKS.get(self._lang)
        return text.translate(marks) if marks else text

    def _default_spec(self) -> str:
        if not self._quantity:
            return ""
        if isinstance(self._value, float) and not self._value.is_integer():
            return ",.1f" if abs(self._value * 10 - round(self._value * 10)) < 1e-9 else ",.2f"
        return ",.0f"

    def __str__(self) -> str:
        return format(self, "")


def placeholders(template: str) -> set[str]:
    """Names of the {placeholders} in a catalogue entry ({Places} is {places} capitalised)."""
    return {"places" if name == "Places" else name
            for _, name, _, _ in string.Formatter().parse(template) if name}
