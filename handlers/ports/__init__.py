"""The ports the use cases need from storage (storage/ implements them): one module per kind of
record, and the unit of work that hands them out, sharing one transaction.

Delivery's own ports (the outboxes the drains read, the senders) live with the delivery engine.
"""
from __future__ import annotations

from types import TracebackType
from typing import Protocol

from handlers.ports.broadcasts import BroadcastRepository, BroadcastView
from handlers.ports.directory import BulletinRepository, TopicRepository, UnitRepository
from handlers.ports.people import (Audit, AuditRecord, InviteRecord, InviteRepository,
                                   MemberRepository, RosterRepository, TeamRepository)
from handlers.ports.residents import (DialogueRepository, Ledger, ProcessedUpdates,
                                      SubscriberRepository)
from handlers.ports.statistics import (ActivityRepository, Chart, ReportFile,
                                      StatisticsRepository)
from handlers.ports.tips import (GroupRepository, NotificationOutbox, RateCounters, Secrets,
                                 TipRepository)

__all__ = [
    "ActivityRepository", "Audit", "AuditRecord", "BroadcastRepository", "BroadcastView",
    "BulletinRepository", "Chart", "DialogueRepository", "GroupRepository", "InviteRecord",
    "InviteRepository", "Ledger", "MemberRepository", "NotificationOutbox", "ProcessedUpdates",
    "RateCounters", "ReportFile", "Secrets", "StatisticsRepository", "StorageUnavailable",
    "SubscriberRepository", "TeamRepository", "TipRepository", "TopicRepository", "UnitOfWork",
    "UnitOfWorkFactory", "UnitRepository",
]


class StorageUnavailable(Exception):
    """The database could not be reached; the person is asked to try again shortly."""


class UnitOfWork(Protocol):
    """One transaction: the repositories share it; nothing lasts until commit().

    Repositories are read-only attributes (an implementation may make them plain attributes).
    """

    # residents and their conversations
    @property
    def subscribers(self) -> SubscriberRepository: ...
    @property
    def dialogues(self) -> DialogueRepository: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def updates(self) -> ProcessedUpdates: ...
    # the directory and the library
    @property
    def units(self) -> UnitRepository: ...
    @property
    def topics(self) -> TopicRepository: ...
    @property
    def bulletins(self) -> BulletinRepository: ...
    # people with a role
    @property
    def members(self) -> MemberRepository: ...
    @property
    def teams(self) -> TeamRepository: ...
    @property
    def roster(self) -> RosterRepository: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def audit(self) -> Audit: ...
    # the tip line
    @property
    def tips(self) -> TipRepository: ...
    @property
    def groups(self) -> GroupRepository: ...
    @property
    def notifications(self) -> NotificationOutbox: ...
    @property
    def counters(self) -> RateCounters: ...
    # broadcasts and statistics
    @property
    def broadcasts(self) -> BroadcastRepository: ...
    @property
    def statistics(self) -> StatisticsRepository: ...
    @property
    def activities(self) -> ActivityRepository: ...

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
