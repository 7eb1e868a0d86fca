"""Message catalogues: every user-facing word comes from here, Vietnamese first."""
from __future__ import annotations

import string
from collections.abc import Mapping

LANGUAGES = ("vi", "en")


class Catalog:
    """Looks up `key` in a language's catalogue and fills {placeholders}."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]], default: str = "vi") -> None:
        self._texts = texts
        self.default = default

    def languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if lang in self._texts]

    def t(self, lang: str | None, key: str, **values: object) -> str:
        table = self._texts.get(lang or self.default) or self._texts[self.default]
        template = table.get(key)
        if template is None:
            template = self._texts[self.default][key]
        return template.format(**values) if values else template

    def variant(self, key: str, typed: bool) -> str:
        """`key.typed` for channels where people type (its words say "type 2", not "tap"),
        when the catalogue has one; otherwise `key`."""
        return f"{key}.typed" if typed and f"{key}.typed" in self._texts[self.default] else key

    def all_labels(self, key: str) -> list[str]:
        """The text of `key` in every language (to match what people type)."""
        return [table[key] for table in self._texts.values() if key in table]


def placeholders(template: str) -> set[str]:
    """Names of the {placeholders} in a catalogue entry."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
