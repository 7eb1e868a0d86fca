"""APScheduler wiring: housekeeping now; broadcasts and escalations build on it."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)
KEEP_UPDATE_IDS = timedelta(days=2)   # Telegram re-sends an update for at most 24 hours


def make_scheduler(uow: SqlUnitOfWorkFactory) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(forget_old_updates, "interval", hours=6, args=[uow],
                      id="forget-old-updates", replace_existing=True, coalesce=True,
                      next_run_time=datetime.now(timezone.utc) + timedelta(minutes=1))
    scheduler.add_job(refresh_statistics, "interval", minutes=1, args=[uow],
                      id="refresh-statistics", replace_existing=True, coalesce=True,
                      max_instances=1,
                      next_run_time=datetime.now(timezone.utc) + timedelta(seconds=10))
    return scheduler


async def refresh_statistics(uow: SqlUnitOfWorkFactory) -> None:
    """Fold new ledger rows into the report's rollup, so a report reads few raw rows (the
    report is exact without it: it adds the rows after the watermark itself)."""
    from storage.repositories.statistics_rollup import refresh_rollup
    async with uow() as work:
        folded = await refresh_rollup(work.session)
        await work.commit()
    if folded:
        log.debug("statistics rollup refreshed", extra={"rows": folded})


async def forget_old_updates(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        removed = await work.updates.forget_before(datetime.now(timezone.utc) - KEEP_UPDATE_IDS)
        await work.commit()
    log.info("old update ids forgotten", extra={"removed": removed})


def add_tip_jobs(scheduler: AsyncIOScheduler, app) -> None:
    """Duty-desk escalation every minute; retention erasure every hour."""
    from handlers.tips.jobs import apply_retention, escalate_unclaimed

    async def escalate() -> None:
        count = await escalate_unclaimed(app.uow, app.catalog, app.rules)
        if count:
            log.info("tips escalated to the duty desk", extra={"count": count})

    async def retention() -> None:
        log.info("retention applied", extra=await apply_retention(app.uow, app.rules))

    scheduler.add_job(escalate, "interval", minutes=1, id="escalate-unclaimed-tips",
                      replace_existing=True, coalesce=True, max_instances=1,
                      next_run_time=datetime.now(timezone.utc) + timedelta(seconds=20))
    scheduler.add_job(retention, "interval", hours=1, id="tip-retention",
                      replace_existing=True, coalesce=True, max_instances=1,
                      next_run_time=datetime.now(timezone.utc) + timedelta(minutes=2))


def add_digest_job(scheduler: AsyncIOScheduler, app) -> None:
    """The monthly statistics digest (BOT_REPORT_DIGEST), on the 1st at 07:00 Vietnam time."""
    if app.settings.report_digest == "off":
        return
    from bot.report.digest import send_digest
    from handlers.statistics.period import VIETNAM

    async def digest() -> None:
        log.info("monthly digest sent", extra={"chats": await send_digest(app)})

    scheduler.add_job(digest, "cron", day=1, hour=7, minute=0, timezone=VIETNAM,
                      id="monthly-digest", replace_existing=True, coalesce=True,
                      max_instances=1, misfire_grace_time=6 * 3600)
