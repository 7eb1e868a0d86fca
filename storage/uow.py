"""The unit of work: one AsyncSession per use of it; only commit() makes changes last."""
from __future__ import annotations

from types import TracebackType

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.ports import StorageUnavailable
from storage.repositories.broadcasts import SqlBroadcasts, SqlBroadcastStatus
from storage.repositories.roster import SqlRoster
from storage.repositories.people import SqlAudit, SqlInvites, SqlMembers, SqlTeams
from storage.repositories.kept_files import SqlKeptFiles
from storage.repositories.library import SqlBulletins, SqlTopics
from storage.repositories.core import (SqlDialogues, SqlLedger, SqlProcessedUpdates, SqlSubscribers,
                                  SqlUnits)
from storage.repositories.statistics import SqlStatistics
from storage.repositories.statistics_activities import SqlActivities
from storage.repositories.tips import SqlGroups, SqlNotificationQueue, SqlRateCounters, SqlTips
from storage.repositories.zalo import SqlZaloInteractions, SqlZaloOffers, SqlZaloOutbound, SqlZaloTokens

# Errors that mean "the database is not reachable right now", not "our query is wrong".
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
               ConnectionError, OSError, TimeoutError)


class SqlUnitOfWork:
    """Every repository, built when the unit of work begins, all on its one session.

    Building all of them costs about 5 µs (they only keep the session): less than any query,
    so a turn builds them all rather than each on first use. A feature adds its line here.
    """

    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = session = self._sessions()
        # residents and their conversations
        self.subscribers = SqlSubscribers(session)
        self.dialogues = SqlDialogues(session)
        self.ledger = SqlLedger(session)
        self.updates = SqlProcessedUpdates(session)
        # the directory and the library
        self.units = SqlUnits(session)
        self.topics = SqlTopics(session)
        self.bulletins = SqlBulletins(session)
        # people with a role
        self.members = SqlMembers(session)
        self.teams = SqlTeams(session)
        self.roster = SqlRoster(session)
        self.invites = SqlInvites(session)
        self.audit = SqlAudit(session)
        # the tip line
        self.tips = SqlTips(session)
        self.groups = SqlGroups(session)
        self.notifications = SqlNotificationQueue(session)
        self.counters = SqlRateCounters(session)
        self.kept_files = SqlKeptFiles(session)
        # broadcasts and statistics
        self.broadcasts = SqlBroadcasts(session)
        self.broadcast_status = SqlBroadcastStatus(session)
        self.statistics = SqlStatistics(session)
        self.activities = SqlActivities(session)
        # what the Zalo adapters keep
        self.zalo_tokens = SqlZaloTokens(session)
        self.zalo_interactions = SqlZaloInteractions(session)
        self.zalo_outbound = SqlZaloOutbound(session)
        self.zalo_offers = SqlZaloOffers(session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
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
