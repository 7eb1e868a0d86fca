"""The Zalo Official Account channel: events in, consultation messages out."""
from __future__ import annotations

import logging
from datetime import datetime

from bot.zalo import offers
from bot.zalo.conversation import ZaloTurns, answer, take_in, translator
from bot.zalo.errors import ZaloApiError, ZaloUnavailable
from bot.zalo.media import MediaKeeper
from bot.zalo.oa_api import OAClient
from bot.zalo.oa_events import CHANNEL, OAEvent, parse_event
from bot.zalo.render import Translate, oa_messages
from bot.zalo.serial import SerialWork
from bot.zalo.window import InteractionWindow
from handlers.domain import EventKind
from handlers.messages import Document, Reply

log = logging.getLogger(__name__)


class OAChannel:
    """Translates OA events, hands them to the turn pipeline, renders replies."""

    def __init__(self, kit: ZaloTurns, client: OAClient, window: InteractionWindow,
                 media: MediaKeeper | None = None) -> None:
        self._kit, self._client, self._window, self._media = kit, client, window, media
        self.work = SerialWork()

    def accept(self, body: dict) -> bool:
        """Queue a verified event for the background; False if it is one we ignore."""
        event = parse_event(body)
        if event is None:
            log.info("zalo oa event ignored", extra={"event_name": str(body.get("event_name"))[:40]})
            return False
        self.work.submit(event.user_id, lambda: self.process(event))
        return True

    async def process(self, event: OAEvent) -> None:
        at = event.at if event.interaction else None
        if not await take_in(self._kit, CHANNEL, event.key, event.user_id, at):
            return
        if event.unfollow:
            await self._kit.presence.blocked(CHANNEL, event.user_id)
        elif event.receipt is not None:
            await self._record_receipt(*event.receipt, at=event.at)
        elif event.inbound is not None:
            inbound = await offers.resolve(self._kit, event.inbound)   # a tap is a press
            if self._media is not None:
                inbound = await self._media.keep(inbound)       # links that expire: kept
            reply = await answer(self._kit, inbound)
            await self.render(event.user_id, reply)

    async def render(self, user_id: str, reply: Reply) -> bool:
        """Send every message of a reply, in order; False if Zalo refused one."""
        t = await translator(self._kit, CHANNEL, user_id)
        shown = []
        try:
            for message in reply.messages:
                if message.document is not None:      # a report: the file, then its caption
                    await self._send_file(user_id, message.document, t)
                for payload in oa_messages(message, t):
                    await self._client.send(user_id, payload)
                shown.append(message)
        except (ZaloApiError, ZaloUnavailable) as error:
            # -213 (not a follower) or -230 on a reply: the person still sees nothing
            # more from this turn; their next message starts a new one.
            log.warning("zalo oa reply not sent", extra={"error": str(error)[:120]})
            return False
        finally:
            await offers.remember(self._kit, CHANNEL, user_id, shown)
        return True

    async def _send_file(self, user_id: str, document: Document, t: Translate) -> None:
        try:
            token = await self._client.upload_file(document.data, document.filename)
        except ValueError:        # not a kind or size the OA takes: say so, never fail the turn
            await self._client.send(user_id, {"text": t("zalo.file_refused",
                                                        name=document.filename)})
            return
        await self._client.send_file(user_id, token)

    async def _record_receipt(self, kind: str, msg_ids: tuple[str, ...], at: datetime) -> None:
        """Stamp our bulletin messages; a first read is a ledger event (Telegram has none)."""
        async with self._kit.uow() as uow:
            fresh = await uow.zalo_outbound.mark(CHANNEL, msg_ids, kind, at)
            for receipt in fresh if kind == "seen" else []:
                subscriber = await uow.subscribers.get(CHANNEL, receipt.user_id)
                uow.ledger.record(EventKind.BULLETIN_READ, channel=CHANNEL, ref=receipt.ref,
                                  unit_id=subscriber.unit_id if subscriber else None)
            await uow.commit()
