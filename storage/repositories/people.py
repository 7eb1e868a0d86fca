"""Repositories for members (staff and team members), teams, invites and the audit log."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import Member, Role
from storage.results import rowcount
from storage.tables.core import AuditRow, InviteRow, MemberRow, TeamRow, utcnow


class SqlMembers:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, channel: str, user_id: str) -> Member | None:
        row = await self._s.scalar(select(MemberRow).where(
            MemberRow.channel == channel, MemberRow.user_id == user_id))
        return _member(row) if row else None

    async def by_id(self, member_id: int) -> Member | None:
        row = await self._s.get(MemberRow, member_id)
        return _member(row) if row else None

    async def save(self, member: Member) -> Member:
        row = await self._s.get(MemberRow, member.id) if member.id else await self._s.scalar(
            select(MemberRow).where(MemberRow.channel == member.channel,
                                    MemberRow.user_id == member.user_id))
        if row is None:
            row = MemberRow(channel=member.channel, user_id=member.user_id, created_at=utcnow())
            self._s.add(row)
        row.role, row.unit_id, row.team_id = member.role.value, member.unit_id, member.team_id
        row.name, row.active, row.updated_at = member.name, member.active, utcnow()
        await self._s.flush()
        return _member(row)

    async def staff_of(self, unit_ids: Iterable[int], roles: Iterable[Role]) -> list[Member]:
        """Active members with one of `roles` in one of the units."""
        rows = await self._s.scalars(select(MemberRow).where(
            MemberRow.active, MemberRow.unit_id.in_(list(unit_ids)),
            MemberRow.role.in_([r.value for r in roles])).order_by(MemberRow.id))
        return [_member(r) for r in rows]

    async def with_role(self, roles: Iterable[Role]) -> list[Member]:
        rows = await self._s.scalars(select(MemberRow).where(
            MemberRow.active, MemberRow.role.in_([r.value for r in roles])).order_by(MemberRow.id))
        return [_member(r) for r in rows]

    async def all(self) -> list[Member]:
        return [_member(r) for r in await self._s.scalars(select(MemberRow).order_by(MemberRow.id))]


def _member(row: MemberRow) -> Member:
    return Member(id=row.id, channel=row.channel, user_id=row.user_id, role=Role(row.role),
                  unit_id=row.unit_id, team_id=row.team_id, name=row.name, active=row.active)


class SqlTeams:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def ensure(self, unit_id: int, name: str) -> int:
        row = await self._s.scalar(select(TeamRow).where(TeamRow.unit_id == unit_id,
                                                         TeamRow.name == name))
        if row is None:
            row = TeamRow(unit_id=unit_id, name=name, created_at=utcnow())
            self._s.add(row)
            await self._s.flush()
        return row.id

    async def name(self, team_id: int) -> str | None:
        row = await self._s.get(TeamRow, team_id)
        return row.name if row else None


class SqlInvites:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, code_hash: str, role: Role, unit_id: int | None, team_id: int | None,
                  expires_at: datetime, created_by: str) -> int:
        row = InviteRow(code_hash=code_hash, role=role.value, unit_id=unit_id, team_id=team_id,
                        expires_at=expires_at, created_by=created_by, created_at=utcnow())
        self._s.add(row)
        await self._s.flush()
        return row.id

    async def by_id(self, invite_id: int) -> InviteRow | None:
        return await self._s.get(InviteRow, invite_id)

    async def find(self, code_hash: str) -> InviteRow | None:
        return await self._s.scalar(select(InviteRow).where(InviteRow.code_hash == code_hash))

    async def use(self, invite_id: int, member_id: int, now: datetime) -> bool:
        """Mark an invite used; False if someone used or revoked it first (one winner)."""
        result = await self._s.execute(update(InviteRow).where(
            InviteRow.id == invite_id, InviteRow.used_at.is_(None),
            InviteRow.revoked_at.is_(None), InviteRow.expires_at > now).values(
            used_at=now, used_by_member_id=member_id))
        return rowcount(result) == 1

    async def revoke(self, invite_id: int, now: datetime) -> bool:
        result = await self._s.execute(update(InviteRow).where(
            InviteRow.id == invite_id, InviteRow.used_at.is_(None),
            InviteRow.revoked_at.is_(None)).values(revoked_at=now))
        return rowcount(result) == 1

    async def listing(self) -> list[InviteRow]:
        return list(await self._s.scalars(select(InviteRow).order_by(InviteRow.id.desc())))


class SqlAudit:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def record(self, actor: str, action: str, subject: str, subject_id: str | None = None,
               data: dict[str, Any] | None = None) -> None:
        self._s.add(AuditRow(at=utcnow(), actor=actor, action=action, subject=subject,
                             subject_id=subject_id, data=data))

    async def of(self, subject: str, subject_id: str) -> list[AuditRow]:
        return list(await self._s.scalars(select(AuditRow).where(
            AuditRow.subject == subject, AuditRow.subject_id == subject_id).order_by(AuditRow.id)))
