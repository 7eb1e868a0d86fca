"""The notifications drain: officers' cards and alerts and tipsters' follow-ups leave their
outbox here, through the same engine as bulletins (delivery.drain), within the bot account's
shared budget when the sender has one (Telegram) and at a cap of their own.

A 429 for one chat (a unit's group takes about 20 messages a minute) holds back that chat only:
the other officers' cards keep their pace (FloodScope.CHAT_FIRST).
"""
from __future__ import annotations

import asyncio

from bot.app import App
from delivery.clock import SystemClock
from delivery.drain import Drain, FloodScope
from delivery.pacing import ChatSpacing, TokenBucket
from storage.outboxes.notifications import SqlNotificationOutbox

NOTIFICATION_RATE = 10.0   # a cap of their own; the account's budget is shared with bulletins


def start_notification_drain(app: App, channel: str, sender, stop: asyncio.Event
                             ) -> asyncio.Task:
    clock = SystemClock()
    outbox = SqlNotificationOutbox(app.engine)
    channel_sender = sender(outbox)
    account = getattr(channel_sender, "account", None)
    drain = Drain(outbox, channel_sender, TokenBucket(NOTIFICATION_RATE, 5, clock),
                  ChatSpacing(1.0, clock=clock), clock, channel=channel, batch_size=20,
                  concurrency=4, account=account.bucket if account is not None else None,
                  flood_scope=FloodScope.CHAT_FIRST)
    return asyncio.create_task(drain.run(stop, idle_sleep=0.3), name=f"notify-{channel}")
