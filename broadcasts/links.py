"""What a resident receives: the bulletin and its per-bulletin "report something about this" link."""
from __future__ import annotations

from collections.abc import Callable

from broadcasts.model import TIP_LINK_PREFIX
from handlers.i18n import Catalog

Translate = Callable[..., str]   # (key, **values) -> text in one language


class BulletinLinks:
    """Deep links per channel, known only once each channel's bot has told us its name."""

    def __init__(self) -> None:
        self._templates: dict[str, str] = {}
        self._telegram = ""

    def set_telegram(self, username: str) -> None:
        """Telegram deep link: https://t.me/<bot>?start=tb_<id> (payload: A-Za-z0-9_-)."""
        self._telegram = username.lstrip("@")
        self._templates["telegram"] = \
            f"https://t.me/{self._telegram}?start={TIP_LINK_PREFIX}{{id}}"

    def start_link(self, channel: str, payload: str) -> str | None:
        """A link that opens the bot with ``/start payload`` (invites), where the channel has
        such links and the bot's name is known (Telegram, from getMe or the setting)."""
        if channel != "telegram" or not self._telegram:
            return None
        return f"https://t.me/{self._telegram}?start={payload}"

    def link(self, channel: str, broadcast_id: int) -> str | None:
        template = self._templates.get(channel)
        return template.format(id=broadcast_id) if template else None


class InLanguage:
    """Enough of a Turn (``t``) to write in one language, by default the catalogue's own:
    residents read bulletins in it, whatever the officer's language."""

    def __init__(self, catalog: Catalog, language: str | None = None) -> None:
        self._catalog, self._language = catalog, language or catalog.default

    def t(self, key: str, **values: object) -> str:
        return self._catalog.t(self._language, key, **values)


def tip_code(broadcast_id: int) -> str:
    """What a resident types on a channel without links (Zalo, the console) to send a tip
    about this bulletin; the tip is credited to it as a deep link's would be."""
    return f"/tobao {broadcast_id}"


def resident_text(t: Translate, text: str, link: str | None, code: str | None = None) -> str:
    """The bulletin exactly as a resident reads it: the text, then the link line (or, where
    there are no links, the command to type)."""
    if link:
        return f"{text.strip()}\n\n{t('broadcast.footer', link=link)}"
    if code:
        return f"{text.strip()}\n\n{t('broadcast.footer_typed', code=code)}"
    return text.strip()
