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
    return scheduler


async def forget_old_updates(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        removed = await work.updates.forget_before(datetime.now(timezone.utc) - KEEP_UPDATE_IDS)
        await work.commit()
    log.info("old update ids forgotten", extra={"removed": removed})
