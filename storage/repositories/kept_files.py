"""Tipsters' files the bot keeps itself (see KeptFileRow): stored, claimed by a tip, read back to
show officers, erased with the tip's contents or, never claimed, after two days."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.results import rowcount
from storage.tables.tips import KeptFileRow

KEPT_PREFIX = "kept:"                 # an attachment ref that names a kept file
UNCLAIMED_LIFETIME = timedelta(days=2)   # a draft lives a day; its files a day more


@dataclass(frozen=True)
class KeptFile:
    data: bytes
    mime: str
    filename: str


def kept_id(ref: str) -> int | None:
    """The kept file a ref names ("kept:12"), None for any other ref."""
    number = ref.removeprefix(KEPT_PREFIX)
    return int(number) if ref.startswith(KEPT_PREFIX) and number.isdigit() \
        and len(number) <= 12 else None


class SqlKeptFiles:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, kind: str, mime: str, filename: str, data: bytes) -> str:
        """Store a file; returns the attachment ref that names it."""
        row = KeptFileRow(kind=kind, mime=mime[:100], filename=filename[:100], data=data)
        self._s.add(row)
        await self._s.flush()
        return f"{KEPT_PREFIX}{row.id}"

    async def get(self, ref: str) -> KeptFile | None:
        file_id = kept_id(ref)
        row = await self._s.get(KeptFileRow, file_id) if file_id is not None else None
        return KeptFile(row.data, row.mime, row.filename) if row is not None else None

    async def claim(self, tip_id: int, refs: list[str]) -> None:
        """The tip now carries these files (only unclaimed ones: a ref is not a capability)."""
        ids = [i for i in (kept_id(r) for r in refs) if i is not None]
        if ids:
            await self._s.execute(update(KeptFileRow).where(
                KeptFileRow.id.in_(ids), KeptFileRow.tip_id.is_(None)).values(tip_id=tip_id))

    async def erase_for(self, tip_ids: list[int]) -> None:
        await self._s.execute(delete(KeptFileRow).where(KeptFileRow.tip_id.in_(tip_ids)))

    async def erase_unclaimed(self, now: datetime) -> int:
        result = await self._s.execute(delete(KeptFileRow).where(
            KeptFileRow.tip_id.is_(None), KeptFileRow.created_at < now - UNCLAIMED_LIFETIME))
        return rowcount(result)
