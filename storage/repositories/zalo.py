"""Repositories of the Zalo channel: the OA token pair, interactions, bulletin receipts, offers."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import dialect_name
from storage.results import rowcount
from storage.tables.core import Base, utcnow
from storage.tables.zalo import ZaloInteractionRow, ZaloOfferRow, ZaloOutboundRow, ZaloTokenRow


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we write is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ZaloTokens:
    """The OA's token pair as stored: `sealed` says the two tokens are sealed (the bot seals
    and opens them; storage keeps what it is given)."""

    app_id: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime | None
    seed: str
    sealed: bool = False


@dataclass(frozen=True)
class Receipt:
    """A bulletin message Zalo says was received or seen, for the first time."""

    msg_id: str
    user_id: str
    ref: str


class SqlZaloTokens:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, app_id: str, *, lock: bool = False) -> ZaloTokens | None:
        """The stored pair; `lock` holds the row (PostgreSQL) so two processes never spend the
        same single-use refresh token. SQLite serialises writers itself."""
        statement = select(ZaloTokenRow).where(ZaloTokenRow.app_id == app_id)
        if lock:
            statement = statement.with_for_update()
        row = await self._s.scalar(statement)
        if row is None:
            return None
        return ZaloTokens(row.app_id, row.access_token, row.refresh_token,
                          as_utc(row.access_expires_at), row.seed, row.sealed)

    async def put(self, tokens: ZaloTokens) -> None:
        row = await self._s.get(ZaloTokenRow, tokens.app_id)
        if row is None:
            row = ZaloTokenRow(app_id=tokens.app_id)
            self._s.add(row)
        row.access_token, row.refresh_token = tokens.access_token, tokens.refresh_token
        row.access_expires_at, row.seed = tokens.access_expires_at, tokens.seed
        row.sealed = tokens.sealed
        row.updated_at = utcnow()
        await self._s.flush()


def _insert(session: AsyncSession) -> Callable[[type[Base]], postgresql.Insert | sqlite.Insert]:
    return postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert


class SqlZaloInteractions:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def touch(self, channel: str, user_id: str, at: datetime) -> None:
        """Remember the latest interaction; an older, late-arriving event never moves it back."""
        statement = _insert(self._s)(ZaloInteractionRow).values(
            channel=channel, user_id=user_id, last_at=at)
        statement = statement.on_conflict_do_update(
            index_elements=["channel", "user_id"], set_={"last_at": statement.excluded.last_at},
            where=ZaloInteractionRow.last_at < statement.excluded.last_at)
        await self._s.execute(statement)

    async def last(self, channel: str, user_id: str) -> datetime | None:
        return as_utc(await self._s.scalar(select(ZaloInteractionRow.last_at).where(
            ZaloInteractionRow.channel == channel, ZaloInteractionRow.user_id == user_id)))


class SqlZaloOutbound:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def remember(self, channel: str, msg_id: str, user_id: str, ref: str) -> None:
        self._s.add(ZaloOutboundRow(channel=channel, msg_id=msg_id, user_id=user_id, ref=ref,
                                    sent_at=utcnow()))
        await self._s.flush()

    async def mark(self, channel: str, msg_ids: Iterable[str], kind: str,
                   at: datetime) -> list[Receipt]:
        """Stamp `received_at` or `seen_at` on our bulletin messages; only first stamps return."""
        column = {"received": "received_at", "seen": "seen_at"}[kind]
        rows = await self._s.scalars(select(ZaloOutboundRow).where(
            ZaloOutboundRow.channel == channel, ZaloOutboundRow.msg_id.in_(list(msg_ids)[:100])))
        fresh = []
        for row in rows:
            if getattr(row, column) is None:
                setattr(row, column, at)
                fresh.append(Receipt(row.msg_id, row.user_id, row.ref))
        await self._s.flush()
        return fresh


class SqlZaloOffers:
    """The sealed choices of the last message a Zalo user was sent (None: it offered none)."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def put(self, channel: str, user_id: str, sealed: str | None, at: datetime) -> None:
        if sealed is None:
            await self._s.execute(delete(ZaloOfferRow).where(
                ZaloOfferRow.channel == channel, ZaloOfferRow.user_id == user_id))
            return
        statement = _insert(self._s)(ZaloOfferRow).values(
            channel=channel, user_id=user_id, sealed=sealed, offered_at=at)
        statement = statement.on_conflict_do_update(
            index_elements=["channel", "user_id"],
            set_={"sealed": statement.excluded.sealed,
                  "offered_at": statement.excluded.offered_at})
        await self._s.execute(statement)

    async def get(self, channel: str, user_id: str, since: datetime) -> str | None:
        return await self._s.scalar(select(ZaloOfferRow.sealed).where(
            ZaloOfferRow.channel == channel, ZaloOfferRow.user_id == user_id,
            ZaloOfferRow.offered_at >= since))

    async def purge(self, before: datetime) -> int:
        """Forget offers older than the reply window: nobody can answer them any more."""
        result = await self._s.execute(delete(ZaloOfferRow).where(
            ZaloOfferRow.offered_at < before))
        return rowcount(result)
