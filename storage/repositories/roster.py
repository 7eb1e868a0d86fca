"""The teams' real roster (handlers.roster): teams put on it and the people on each."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.roster import RosterMember
from handlers.text import fold
from storage.tables.core import RosterMemberRow, TeamRow, utcnow


class SqlRoster:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def team(self, unit_id: int, name: str) -> tuple[int, bool]:
        teams = await self._s.scalars(select(TeamRow).where(TeamRow.unit_id == unit_id))
        row = next((t for t in teams if fold(t.name) == fold(name)), None)
        created = row is None
        if row is None:
            row = TeamRow(unit_id=unit_id, name=name, created_at=utcnow())
            self._s.add(row)
        row.on_roster, row.active = True, True
        await self._s.flush()
        return row.id, created

    async def replace_members(self, team_id: int,
                              members: Sequence[RosterMember]) -> tuple[int, int, int]:
        rows = {r.name: r for r in await self._s.scalars(
            select(RosterMemberRow).where(RosterMemberRow.team_id == team_id))}
        added = updated = 0
        for member in members:
            row = rows.pop(member.name, None)
            if row is None:
                self._s.add(RosterMemberRow(team_id=team_id, name=member.name, role=member.role,
                                            phone=member.phone, created_at=utcnow(),
                                            updated_at=utcnow()))
                added += 1
            elif (row.role, row.phone) != (member.role, member.phone):
                row.role, row.phone, row.updated_at = member.role, member.phone, utcnow()
                updated += 1
        if rows:
            await self._s.execute(delete(RosterMemberRow).where(
                RosterMemberRow.id.in_([r.id for r in rows.values()])))
        await self._s.flush()
        return added, updated, len(rows)

    async def listing(self, unit_id: int | None = None) -> list[tuple[int, str, list[RosterMember]]]:
        """Teams on the roster (of one unit, or all): (unit id, team name, members)."""
        query = select(TeamRow).where(TeamRow.on_roster, TeamRow.active)
        if unit_id is not None:
            query = query.where(TeamRow.unit_id == unit_id)
        teams = list(await self._s.scalars(query.order_by(TeamRow.unit_id, TeamRow.name)))
        people: dict[int, list[RosterMember]] = {t.id: [] for t in teams}
        rows = await self._s.scalars(select(RosterMemberRow).where(
            RosterMemberRow.team_id.in_(list(people))).order_by(RosterMemberRow.id))
        for row in rows:
            people[row.team_id].append(RosterMember(row.name, row.role, row.phone))
        return [(t.unit_id, t.name, people[t.id]) for t in teams]
