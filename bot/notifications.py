"""The notifications drain: officers' alerts and tipsters' follow-ups leave the outbox here,
at a modest pace of their own so broadcasts (paced separately) keep the bot under its limit."""
from __future__ import annotations

import asyncio

from bot.app import App
from broadcasts.clock import SystemClock
from broadcasts.drain import Drain
from broadcasts.pacing import ChatSpacing, TokenBucket
from storage.notifications import SqlNotificationOutbox

NOTIFICATION_RATE = 3.0   # with broadcasts at 25/s this leaves Telegram's ~30/s a margin for replies


def start_notification_drain(app: App, channel: str, sender, stop: asyncio.Event
                             ) -> asyncio.Task:
    clock = SystemClock()
    outbox = SqlNotificationOutbox(app.engine)
    drain = Drain(outbox, sender(outbox), TokenBucket(NOTIFICATION_RATE, 5, clock),
                  ChatSpacing(1.0, clock=clock), clock, channel=channel, batch_size=20,
                  concurrency=4)
    return asyncio.create_task(drain.run(stop, idle_sleep=0.3), name=f"notify-{channel}")
