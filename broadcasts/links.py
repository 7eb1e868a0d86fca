"""What a resident receives: the bulletin and its per-bulletin "report something about this" link."""
from __future__ import annotations

from collections.abc import Callable

from broadcasts.model import TIP_LINK_PREFIX

Translate = Callable[..., str]   # (key, **values) -> text in one language


class BulletinLinks:
    """Deep links per channel, known only once each channel's bot has told us its name."""

    def __init__(self) -> None:
        self._templates: dict[str, str] = {}

    def set_telegram(self, username: str) -> None:
        """Telegram deep link: https://t.me/<bot>?start=tb_<id> (payload: A-Za-z0-9_-)."""
        self._templates["telegram"] = f"https://t.me/{username}?start={TIP_LINK_PREFIX}{{id}}"

    def link(self, channel: str, broadcast_id: int) -> str | None:
        template = self._templates.get(channel)
        return template.format(id=broadcast_id) if template else None


class InLanguage:
    """Enough of a Turn (``t``) to write in one language, by default the catalogue's own:
    residents read bulletins in it, whatever the officer's language."""

    def __init__(self, catalog, language: str | None = None) -> None:
        self._catalog, self._language = catalog, language or catalog.default

    def t(self, key: str, **values: object) -> str:
        return self._catalog.t(self._language, key, **values)


def resident_text(t: Translate, text: str, link: str | None) -> str:
    """The bulletin exactly as a resident reads it: the text, then the link line."""
    if not link:
        return text.strip()
    return f"{text.strip()}\n\n{t('broadcast.footer', link=link)}"
