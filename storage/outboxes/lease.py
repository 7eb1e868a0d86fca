"""The lease that keeps one drain per channel account across processes (storage side)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from storage.tables.broadcasts import DrainLeaseRow
from storage.repositories.broadcasts import aware
from storage.results import rowcount

_NO_SYNC = {"synchronize_session": False}


def _now() -> datetime:
    return datetime.now(timezone.utc)


class DrainLease:
    """A row per channel account naming the process that drains it until ``expires_at``.

    Acquiring is renewing: one conditional UPDATE (mine, or expired) or, the first time, an
    INSERT that only one process can win. A holder that stops renewing loses it after ``ttl``.
    """

    def __init__(self, engine: AsyncEngine, channel: str, holder: str, ttl: float) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self.channel, self.holder, self.ttl = channel, holder, ttl

    async def acquire(self) -> bool:
        """Take or renew the lease; False while another live process holds it."""
        now = _now()
        until = now + timedelta(seconds=self.ttl)
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(DrainLeaseRow).where(
                DrainLeaseRow.channel == self.channel,
                or_(DrainLeaseRow.holder == self.holder, DrainLeaseRow.expires_at < now)).values(
                holder=self.holder, expires_at=until), execution_options=_NO_SYNC)
            if rowcount(result) == 1:
                return True
            inserted = await s.execute(self._insert(DrainLeaseRow).values(
                channel=self.channel, holder=self.holder, expires_at=until)
                .on_conflict_do_nothing())
            return rowcount(inserted) == 1

    async def take_over(self, dead_holder: str) -> bool:
        """Take the lease from a holder known to be dead, without waiting for it to expire."""
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(DrainLeaseRow).where(
                DrainLeaseRow.channel == self.channel, DrainLeaseRow.holder == dead_holder)
                .values(holder=self.holder, expires_at=_now() + timedelta(seconds=self.ttl)),
                execution_options=_NO_SYNC)
            return rowcount(result) == 1

    async def release(self) -> None:
        """Give the lease up at once (clean stop), so another process need not wait it out."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(DrainLeaseRow).where(
                DrainLeaseRow.channel == self.channel, DrainLeaseRow.holder == self.holder)
                .values(expires_at=_now() - timedelta(seconds=1)), execution_options=_NO_SYNC)

    async def holder_now(self) -> str | None:
        async with self._sessions() as s:
            row = await s.get(DrainLeaseRow, self.channel)
            if row is None or aware(row.expires_at) < _now():
                return None
            return row.holder
