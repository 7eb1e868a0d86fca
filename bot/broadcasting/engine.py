"""The broadcast engine in `python -m bot run`: scheduler jobs, and a supervised drain per channel.

The database is the source of truth: the APScheduler job only polls it (fire recurrences, start
due bulletins, fan out, expire, finish), with guarded updates, so every process may run it.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from bot.broadcasting.status_reporter import StatusReporter
from bot.broadcasting.supervisor import DrainSupervisor, holder_name
from broadcasts.recurrence import next_occurrence
from delivery.clock import SystemClock
from delivery.drain import Drain
from delivery.gate import RunningGate
from delivery.item import OutboxItem
from delivery.pacing import AdaptiveRate, ChatSpacing, TokenBucket
from storage.repositories.broadcast_lifecycle import BroadcastLifecycle
from storage.outboxes.broadcast import SqlOutbox
from storage.outboxes.lease import DrainLease

log = logging.getLogger(__name__)
JOB_ID = "broadcasts"


class BroadcastJobs:
    """The scheduler's broadcast job; a long fan-out runs beside it, never twice at once here."""

    def __init__(self, lifecycle: BroadcastLifecycle, channels: list[str]) -> None:
        self._lifecycle, self._channels = lifecycle, channels
        self._fan_out: asyncio.Task | None = None

    def add_to(self, scheduler: AsyncIOScheduler, every: float) -> None:
        scheduler.add_job(self.tick, "interval", seconds=every, id=JOB_ID, replace_existing=True,
                          coalesce=True, max_instances=1, next_run_time=datetime.now(timezone.utc))

    async def tick(self) -> None:
        now = datetime.now(timezone.utc)
        steps = self._lifecycle
        try:
            await steps.fire_recurring(now)
            await steps.expire_due(now)
            await steps.start_due(now)
            await steps.finish_done(now)
            await steps.settle_stopped(now)
        except Exception as error:   # the database away: the next tick tries again
            log.warning("broadcast schedule check failed", extra={"error": repr(error)[:200]})
        if self._fan_out is None or self._fan_out.done():
            self._fan_out = asyncio.create_task(self._fan_out_now(), name="broadcast-fan-out")

    async def _fan_out_now(self) -> None:
        try:
            added = await self._lifecycle.fan_out(self._channels)
        except Exception as error:
            log.warning("broadcast fan-out interrupted", extra={"error": repr(error)[:200]})
            return
        if added:
            log.info("broadcast fanned out", extra={"rows": added})

    async def stop(self) -> None:
        if self._fan_out is not None and not self._fan_out.done():
            self._fan_out.cancel()   # the batch in hand rolls back; the cursor resumes it
            await asyncio.gather(self._fan_out, return_exceptions=True)


class Broadcasting:
    """Everything the broadcast engine runs in this process; ``stop`` ends it cleanly."""

    def __init__(self, app: App, scheduler: AsyncIOScheduler) -> None:
        self._app, self._settings = app, app.settings
        # The job runs every few seconds; APScheduler would log two INFO lines each time.
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        self.jobs = BroadcastJobs(BroadcastLifecycle(app.engine, next_occurrence),
                                  app.broadcasts.channels)
        self.jobs.add_to(scheduler, self._settings.broadcast_tick)
        self.supervisors: dict[str, DrainSupervisor] = {}
        self._stop, self._tasks = asyncio.Event(), []

    def add_telegram(self, bot) -> None:
        """The Telegram drain, its sender and the senders' status messages; the drain spends
        the bulletins' rate within the bot account's budget (bot.telegram.pacer)."""
        from bot.telegram.broadcast_sender import TelegramBroadcastSender
        from bot.telegram.pacer import account_of

        app, settings = self._app, self._settings
        app.broadcasts.links.set_telegram(bot.username)
        clock, rate = SystemClock(), settings.broadcast_rate
        account = account_of(bot)
        # A small burst lets the drain make up for the pause between two batches.
        bucket = TokenBucket(rate, max(1, round(rate / 10)), clock)
        outbox = SqlOutbox(app.engine)
        sender = TelegramBroadcastSender(bot, outbox, app.catalog, app.broadcasts.links, bucket,
                                         allow_paid=settings.broadcast_allow_paid)
        spacing, policy = ChatSpacing(1.0, clock=clock), AdaptiveRate(rate, clock=clock)

        gate = RunningGate(lambda: outbox.running(datetime.now(timezone.utc)), clock)

        def make_drain() -> Drain:
            return Drain(outbox, sender, bucket, spacing, clock, channel="telegram",
                         batch_size=max(50, int(rate * 2)), rate_policy=policy, gate=gate,
                         concurrency=settings.broadcast_concurrency, on_blocked=self._blocked,
                         account=account.bucket if account is not None else None)

        reporter = StatusReporter(app.uow, bot, app.catalog,
                                  reach_hours=settings.zalo_reply_window_hours,
                                  every=settings.broadcast_status_every)
        lease = DrainLease(app.engine, "telegram", holder_name(), settings.broadcast_lease)
        self.supervisors["telegram"] = DrainSupervisor(lease, outbox, make_drain, [reporter.run])

    def add_zalo(self, zalo) -> None:
        """A drain per configured Zalo product ("zalo_oa", "zalo_bot"), each paced at
        BOT_ZALO_RATE with its own lease; the OA sender skips residents outside the window."""
        from bot.zalo.broadcast_sender import broadcast_senders
        from bot.zalo.senders import account_of

        app, settings = self._app, self._settings
        clock, rate = SystemClock(), settings.zalo_rate
        outbox = SqlOutbox(app.engine)
        # Each product's budget is shared with its notifications drain; a message after an
        # item's first spends a token of it.
        accounts = {channel: account_of(zalo, channel, rate) for channel in ("zalo_oa", "zalo_bot")}
        buckets = {channel: account.bucket for channel, account in accounts.items()}
        gate = RunningGate(lambda: outbox.running(datetime.now(timezone.utc)), clock)
        for channel, sender in broadcast_senders(app, zalo, outbox, buckets).items():
            bucket = TokenBucket(rate, max(1, round(rate / 10)), clock)
            spacing = ChatSpacing(1.0, clock=clock)
            policy = AdaptiveRate(rate, clock=clock, floor=min(1.0, rate))

            def make_drain(channel=channel, sender=sender, bucket=bucket, spacing=spacing,
                           policy=policy) -> Drain:
                return Drain(outbox, sender, bucket, spacing, clock, channel=channel,
                             batch_size=max(50, int(rate * 2)), rate_policy=policy, gate=gate,
                             concurrency=settings.broadcast_concurrency,
                             on_blocked=self._blocked, account=buckets[channel])

            lease = DrainLease(app.engine, channel, holder_name(), settings.broadcast_lease)
            self.supervisors[channel] = DrainSupervisor(lease, outbox, make_drain)

    def add_console(self) -> None:
        """The console's drain: bulletins into console users' inboxes (bot.console.inbox), at
        the broadcast rate, under its own lease like every channel's."""
        from bot.console.inbox import CHANNEL, ConsoleBroadcastSender, ConsoleInbox

        app, settings = self._app, self._settings
        clock, rate = SystemClock(), settings.broadcast_rate
        outbox = SqlOutbox(app.engine)
        sender = ConsoleBroadcastSender(outbox, app.catalog, ConsoleInbox(settings.files_dir))
        bucket = TokenBucket(rate, max(1, round(rate / 10)), clock)
        gate = RunningGate(lambda: outbox.running(datetime.now(timezone.utc)), clock)

        def make_drain() -> Drain:
            return Drain(outbox, sender, bucket, ChatSpacing(0.0, clock=clock), clock,
                         channel=CHANNEL, batch_size=max(50, int(rate * 2)), gate=gate,
                         concurrency=1)

        lease = DrainLease(app.engine, CHANNEL, holder_name(), settings.broadcast_lease)
        self.supervisors[CHANNEL] = DrainSupervisor(lease, outbox, make_drain)

    async def _blocked(self, item: OutboxItem) -> None:
        await self._app.presence.blocked(item.channel, item.chat_id)

    def start(self) -> None:
        for channel, supervisor in self.supervisors.items():
            self._tasks.append(asyncio.create_task(supervisor.run(self._stop),
                                                   name=f"broadcast-drain-{channel}"))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.jobs.stop()
