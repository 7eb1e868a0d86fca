"""The unit of work: one AsyncSession per use of it; only commit() makes changes last."""
from __future__ import annotations

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.ports import StorageUnavailable
from storage.repositories import (SqlBulletins, SqlDialogues, SqlLedger, SqlProcessedUpdates,
                                  SqlSubscribers, SqlTopics, SqlUnits)

# Errors that mean "the database is not reachable right now", not "our query is wrong".
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
               ConnectionError, OSError, TimeoutError)


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> "SqlUnitOfWork":
        self.session = session = self._sessions()
        self.subscribers = SqlSubscribers(session)
        self.dialogues = SqlDialogues(session)
        self.units = SqlUnits(session)
        self.topics = SqlTopics(session)
        self.bulletins = SqlBulletins(session)
        self.ledger = SqlLedger(session)
        self.updates = SqlProcessedUpdates(session)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        try:
            await self.session.rollback()
            await self.session.close()
        except UNAVAILABLE:
            pass
        if exc is not None and isinstance(exc, UNAVAILABLE):
            raise StorageUnavailable(str(exc)[:200]) from exc

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    """Hands out units of work bound to one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)
