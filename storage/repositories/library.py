"""The bulletin library: its topics, its bulletins, and the bulletins sent to residents."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import Bulletin, BulletinSpec, SentBulletin
from storage.tables.broadcasts import BroadcastRow
from storage.tables.core import BulletinRow, TopicRow, utcnow


class SqlTopics:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def active(self) -> list[str]:
        rows = await self._s.scalars(select(TopicRow.slug).where(TopicRow.active)
                                     .order_by(TopicRow.position))
        return list(rows)

    async def sync(self, slugs: Sequence[str]) -> None:
        rows = {r.slug: r for r in await self._s.scalars(select(TopicRow))}
        for position, slug in enumerate(slugs):
            row = rows.get(slug) or TopicRow(slug=slug)
            row.position, row.active = position, True
            self._s.add(row)
        for slug, row in rows.items():
            if slug not in slugs:
                row.active = False
        await self._s.flush()


class SqlBulletins:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def by_id(self, bulletin_id: int) -> Bulletin | None:
        row = await self._s.get(BulletinRow, bulletin_id)
        return _bulletin(row) if row else None

    async def latest(self, topics: Iterable[str], limit: int) -> list[Bulletin]:
        rows = await self._s.scalars(select(BulletinRow).where(BulletinRow.topic.in_(list(topics)))
                                     .order_by(BulletinRow.published.desc(), BulletinRow.id.desc())
                                     .limit(limit))
        return [_bulletin(r) for r in rows]

    async def page(self, topic: str, offset: int, limit: int) -> list[Bulletin]:
        rows = await self._s.scalars(select(BulletinRow).where(BulletinRow.topic == topic)
                                     .order_by(BulletinRow.published.desc(), BulletinRow.id.desc())
                                     .offset(offset).limit(limit))
        return [_bulletin(r) for r in rows]

    async def count(self, topic: str) -> int:
        return await self._s.scalar(select(func.count()).select_from(BulletinRow).where(
            BulletinRow.topic == topic)) or 0

    async def everything(self) -> list[Bulletin]:
        """The whole library (tens of items), newest first: searched with folded text."""
        rows = await self._s.scalars(select(BulletinRow).order_by(
            BulletinRow.published.desc(), BulletinRow.id.desc()))
        return [_bulletin(r) for r in rows]

    async def upsert(self, specs: Sequence[BulletinSpec]) -> tuple[int, int]:
        rows = {r.slug: r for r in await self._s.scalars(select(BulletinRow))}
        added = changed = 0
        for spec in specs:
            row = rows.get(spec.slug)
            values = dict(topic=spec.topic, title=spec.title, body=spec.body,
                          published=spec.published, issuer=spec.issuer, source=spec.source)
            if row is None:
                self._s.add(BulletinRow(slug=spec.slug, created_at=utcnow(), **values))
                added += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                changed += 1
        await self._s.flush()
        return added, changed


    async def sent_to(self, unit_id: int | None, topics: Iterable[str], audiences: Iterable[str],
                      since: datetime, limit: int) -> list[SentBulletin]:
        """Bulletins sent (or being sent) since `since` to the commune on any of the topics,
        newest first. Topics and communes are JSON lists, so they are matched here, over a
        bounded window of recent broadcasts, the same way on SQLite and PostgreSQL."""
        rows = await self._s.execute(_sent().where(
            BroadcastRow.start_at >= since, BroadcastRow.audience.in_(list(audiences)))
            .order_by(BroadcastRow.start_at.desc(), BroadcastRow.id.desc()).limit(SENT_WINDOW))
        wanted, found = set(topics), []
        for row, title in rows:
            reaches = row.all_units or (unit_id is not None and unit_id in (row.unit_ids or []))
            if reaches and wanted & set(row.topics or []):
                found.append(_sent_bulletin(row, title))
        return found[:limit]

    async def sent_by_id(self, broadcast_id: int) -> SentBulletin | None:
        row = (await self._s.execute(_sent().where(BroadcastRow.id == broadcast_id))).first()
        return _sent_bulletin(*row) if row else None


SENT_STATUSES = ("running", "paused", "finished", "expired")   # reached (or reaching) people
SENT_WINDOW = 500      # recent broadcasts looked at for one resident's list


def _sent() -> Select[BroadcastRow, str]:   # the title is None without a library bulletin
    return (select(BroadcastRow, BulletinRow.title)
            .outerjoin(BulletinRow, BulletinRow.id == BroadcastRow.bulletin_id)
            .where(BroadcastRow.status.in_(SENT_STATUSES)))


def _sent_bulletin(row: BroadcastRow, title: str | None) -> SentBulletin:
    at = row.start_at if row.start_at.tzinfo else row.start_at.replace(tzinfo=timezone.utc)
    return SentBulletin(id=row.id, topics=tuple(row.topics or ()), text=row.text, sent_at=at,
                        title=title or "")


def _bulletin(row: BulletinRow) -> Bulletin:
    return Bulletin(id=row.id, slug=row.slug, topic=row.topic, title=row.title, body=row.body,
                    published=row.published, issuer=row.issuer or "", source=row.source or "")
