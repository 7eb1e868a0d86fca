"""The sender's status message on Telegram: sent when a broadcast starts, edited every few seconds.

Only the process that holds the channel's drain lease runs it, so two processes never race to
edit one message. The buttons are the watch screen's: a press reaches that screen in the dialogue.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from functools import partial

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.telegram.translate import markup
from broadcasts.model import Status
from broadcasts.status import watch_message
from handlers.i18n import Catalog
from storage.repositories.broadcasts import SqlBroadcastStatus
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


class StatusReporter:
    def __init__(self, uow: SqlUnitOfWorkFactory, bot: Bot, catalog: Catalog, *,
                 reach_hours: float, channel: str = "telegram", every: float = 3.0) -> None:
        self._uow, self._bot, self._catalog = uow, bot, catalog
        self._reach_hours = reach_hours
        self._channel, self._every = channel, every
        self._seen: dict[int, tuple[float, int, float]] = {}   # id -> (when, done, rate)

    async def run(self, stop: asyncio.Event) -> None:
        """Refresh every ``every`` seconds until ``stop``; a failed round is tried again."""
        while not stop.is_set():
            try:
                await self.refresh()
            except Exception:   # the database or Telegram away: next round
                log.warning("status messages not refreshed", exc_info=True)
            try:
                await asyncio.wait_for(stop.wait(), self._every)
            except TimeoutError:
                pass

    async def refresh(self) -> None:
        async with self._uow() as work:
            views = await work.broadcast_status.due(self._channel)
        for view in views:
            view.rate = self._measure(view)
            message_ref, shown = await self._draw(view)
            async with self._uow() as work:
                await work.broadcast_status.drawn(view.id, message_ref, shown, view.rate)
                await work.commit()

    def _measure(self, view) -> float:
        """Messages per second since the last round, smoothed; 0 unless it is sending."""
        now, done = time.monotonic(), view.sent + view.failed + view.blocked
        when, before, rate = self._seen.get(view.id, (now, done, 0.0))
        if now > when:
            rate = 0.5 * rate + 0.5 * (done - before) / (now - when)
        self._seen[view.id] = (now, done, rate)
        return rate if view.status == Status.RUNNING.value else 0.0

    async def _draw(self, view) -> tuple[str | None, str]:
        message = watch_message(partial(self._catalog.t, view.status_lang), view,
                                reach_hours=self._reach_hours)
        digest = hashlib.sha1((message.text + repr(message.buttons)).encode()).hexdigest()[:16]
        final = Status(view.status).is_final
        shown = SqlBroadcastStatus.DONE if final else digest
        if view.status_message is not None and view.status_shown == digest:
            return view.status_message, shown
        try:
            return await self._show(view, message), shown
        except Forbidden:            # the sender blocked the bot: stop drawing
            return view.status_message, SqlBroadcastStatus.DONE

    async def _show(self, view, message) -> str:
        chat = int(view.status_chat)
        if view.status_message is not None:
            try:
                await self._bot.edit_message_text(message.text, chat_id=chat,
                                                  message_id=int(view.status_message),
                                                  reply_markup=markup(message))
                return view.status_message
            except BadRequest as error:   # deleted or too old to edit: send a fresh one
                if "not modified" in error.message.lower():
                    return view.status_message
        sent = await self._bot.send_message(chat, message.text, reply_markup=markup(message))
        return str(sent.message_id)
