"""One turn, the same on every channel: adapters translate their traffic into an `Inbound` and
render the `Reply`; what lies between is here, once.

- `typed` reads what a person typed: "/command args" is a command, anything else is text.
- Telegram updates carry their id into the turn (`Inbound.update_id`), which records it in its
  own transaction (`handlers.dialogue`); `Turns.first_time` does the same for adapters that
  de-duplicate before the turn (Zalo, which records the interaction there too). So an update
  handed out again (polling after a crash, a webhook retried, Zalo's getUpdates) is answered once.
- `Turns.answer` calls the dialogue; when the database is away the person is asked to try again
  (`error.busy`), when our code fails they get a polite apology (`error.internal`) and the
  traceback goes to the log, never to the person.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Protocol

from handlers.i18n import Catalog
from handlers.messages import Inbound, Kind, Message, Reply
from handlers.ports import StorageUnavailable, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
# "/tracuu AB12" -> ("tracuu", "AB12"); "/dangkynhom@antt_bot" (Telegram groups) -> "dangkynhom"
COMMAND = re.compile(r"/([^\s@]+)(?:@\S*)?(?:\s+(.*))?", re.DOTALL)
AlsoOnFirst = Callable[[UnitOfWork], Awaitable[None]]


class Answers(Protocol):
    """The dialogue, as the pipeline sees it."""

    async def handle(self, inbound: Inbound) -> Reply: ...


def typed(text: str, **fields: object) -> Inbound:
    """What a person typed, on any channel: a command if it starts with "/", else text.
    `fields` are the rest of the Inbound (channel, user_id, language, ...)."""
    match = COMMAND.fullmatch(text.strip())
    if match is None:
        return Inbound(kind=Kind.TEXT, text=text, **fields)
    command, args = match.group(1).lower(), (match.group(2) or "").strip()
    return Inbound(kind=Kind.COMMAND, command=command, args=args, text=text, **fields)


class Turns:
    """The pipeline every adapter hands its Inbound to."""

    def __init__(self, dialogue: Answers, uow: UnitOfWorkFactory, catalog: Catalog) -> None:
        self._dialogue, self._uow, self.catalog = dialogue, uow, catalog

    async def first_time(self, channel: str, update_id: str,
                         also: AlsoOnFirst | None = None) -> bool | None:
        """True the first time an update id is seen, False for a repeat, None when the database
        is away (the caller decides; the turn itself will then say so). `also` runs in the same
        transaction for a fresh update (Zalo records the person's last interaction)."""
        try:
            async with self._uow() as uow:
                fresh = await uow.updates.first_time(channel, update_id)
                if fresh and also is not None:
                    await also(uow)
                await uow.commit()
        except StorageUnavailable:
            log.warning("update not recorded: storage unavailable", extra={"channel": channel})
            return None
        if not fresh:
            log.info("duplicate update ignored", extra={"channel": channel})
        return fresh

    async def answer(self, inbound: Inbound) -> Reply:
        """The dialogue's reply, or a polite one when the database or our code failed."""
        try:
            return await self._dialogue.handle(inbound)
        except StorageUnavailable:
            log.warning("storage unavailable", extra={"channel": inbound.channel})
            return self.apology(inbound, "error.busy")
        except Exception:
            log.exception("turn failed", extra={"channel": inbound.channel})
            return self.apology(inbound, "error.internal")

    def apology(self, inbound: Inbound, key: str) -> Reply:
        """One message with the catalogue's text; a button press also gets it as its notice."""
        text = self.catalog.t(self.language(inbound), key)
        return Reply(messages=[Message(text=text)],
                     notice=text if inbound.kind is Kind.BUTTON else "")

    def language(self, inbound: Inbound) -> str | None:
        """The client's language when the catalogue has it, else None (the default)."""
        return inbound.language if inbound.language in self.catalog.languages() else None
