"""Message catalogues: every user-facing word comes from here, Vietnamese first."""
from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

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
        return template.format(**values) if values else template

    def variant(self, key: str, typed: bool) -> str:
        """`key.typed` for channels where people type (its words say "type 2", not "tap"),
        when the catalogue has one; otherwise `key`."""
        return f"{key}.typed" if typed and f"{key}.typed" in self._texts[self.default] else key

    def all_labels(self, key: str) -> list[str]:
        """The text of `key` in every language (to match what people type)."""
        return [self._fill(lang, table[key]) for lang, table in self._texts.items()
                if key in table]


def placeholders(template: str) -> set[str]:
    """Names of the {placeholders} in a catalogue entry ({Places} is {places} capitalised)."""
    return {"places" if name == "Places" else name
            for _, name, _, _ in string.Formatter().parse(template) if name}
