"""The unit of work: one AsyncSession per use of it; only commit() makes changes last."""
from __future__ import annotations

import importlib

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.ports import StorageUnavailable

# Repositories each unit of work offers: attribute -> "module:Class". A feature adds its line.
REPOSITORIES = {
    "subscribers": "storage.repositories:SqlSubscribers",
    "dialogues": "storage.repositories:SqlDialogues",
    "units": "storage.repositories:SqlUnits",
    "topics": "storage.repositories:SqlTopics",
    "bulletins": "storage.repositories:SqlBulletins",
    "ledger": "storage.repositories:SqlLedger",
    "updates": "storage.repositories:SqlProcessedUpdates",
    "members": "storage.people:SqlMembers",
    "teams": "storage.people:SqlTeams",
    "invites": "storage.people:SqlInvites",
    "audit": "storage.people:SqlAudit",
    "statistics": "storage.statistics:SqlStatistics",
    "activities": "storage.statistics_activities:SqlActivities",
    "broadcasts": "storage.broadcasts:SqlBroadcasts",
    "broadcast_status": "storage.broadcasts:SqlBroadcastStatus",
    "tips": "storage.tips:SqlTips",
    "groups": "storage.tips:SqlGroups",
    "notifications": "storage.tips:SqlNotificationQueue",
    "counters": "storage.tips:SqlRateCounters",
    "zalo_tokens": "storage.zalo:SqlZaloTokens",
    "zalo_interactions": "storage.zalo:SqlZaloInteractions",
    "zalo_outbound": "storage.zalo:SqlZaloOutbound",
    "zalo_offers": "storage.zalo:SqlZaloOffers",
}
_CLASSES: dict[str, type] = {}


def _repository_class(name: str) -> type:
    if name not in _CLASSES:
        module, cls = REPOSITORIES[name].split(":")
        _CLASSES[name] = getattr(importlib.import_module(module), cls)
    return _CLASSES[name]


# Errors that mean "the database is not reachable right now", not "our query is wrong".
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
               ConnectionError, OSError, TimeoutError)


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> "SqlUnitOfWork":
        self.session = self._sessions()
        return self

    def __getattr__(self, name: str):
        """Repositories are built on first use, one per unit of work, sharing its session."""
        if name not in REPOSITORIES or "session" not in self.__dict__:
            raise AttributeError(name)
        repository = _repository_class(name)(self.session)
        setattr(self, name, repository)
        return repository

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
