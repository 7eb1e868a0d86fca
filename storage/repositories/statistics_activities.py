"""Offline activity records: versions are added, never edited, so corrections keep history."""
from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.statistics.activities import Activity, ActivityInput, extras
from storage.tables.core import utcnow
from storage.tables.statistics import ActivityRow


class SqlActivities:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, entry: ActivityInput, actor: str) -> Activity:
        row = self._row(entry, actor, version=1)
        self._s.add(row)
        await self._s.flush()
        row.record_id = row.id
        await self._s.flush()
        return _activity(row)

    async def correct(self, record_id: int, entry: ActivityInput, actor: str,
                      withdrawn: bool = False) -> Activity:
        """Retire the current version and add the next; the unique (record, version) pair
        makes a concurrent correction of the same version fail rather than fork history."""
        current = await self._current(record_id)
        if current is None:
            raise LookupError(record_id)
        current.current = False
        await self._s.flush()
        row = self._row(entry, actor, version=current.version + 1, withdrawn=withdrawn)
        row.record_id = record_id
        self._s.add(row)
        await self._s.flush()
        return _activity(row)

    async def get(self, record_id: int) -> Activity | None:
        row = await self._current(record_id)
        return _activity(row) if row else None

    async def history(self, record_id: int) -> list[Activity]:
        rows = await self._s.scalars(select(ActivityRow).where(
            ActivityRow.record_id == record_id).order_by(ActivityRow.version))
        return [_activity(r) for r in rows]

    async def listing(self, unit_ids: list[int] | None, start: date, end: date) -> list[Activity]:
        query = select(ActivityRow).where(ActivityRow.current, ActivityRow.day >= start,
                                          ActivityRow.day <= end)
        if unit_ids is not None:
            query = query.where(ActivityRow.unit_id.in_(unit_ids))
        rows = await self._s.scalars(query.order_by(ActivityRow.day, ActivityRow.record_id))
        return [_activity(r) for r in rows]

    async def _current(self, record_id: int) -> ActivityRow | None:
        return await self._s.scalar(select(ActivityRow).where(
            ActivityRow.record_id == record_id, ActivityRow.current))

    def _row(self, entry: ActivityInput, actor: str, *, version: int,
             withdrawn: bool = False) -> ActivityRow:
        return ActivityRow(version=version, current=True, withdrawn=withdrawn,
                           unit_id=entry.unit_id, day=entry.day, category=entry.category,
                           count=entry.count, note=entry.note, recorded_by=actor[:120],
                           recorded_at=utcnow(), **extras(entry))


def _activity(row: ActivityRow) -> Activity:
    # record_id is NULL only between a first version's INSERT and the flush that sets it (add)
    return Activity(record_id=cast(int, row.record_id), version=row.version, unit_id=row.unit_id,
                    day=row.day, category=row.category, count=row.count,
                    attendance=row.attendance, aired=row.aired, succeeded=row.succeeded,
                    note=row.note, recorded_by=row.recorded_by, recorded_at=row.recorded_at,
                    current=row.current, withdrawn=row.withdrawn)
