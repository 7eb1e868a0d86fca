"""What a reorganisation moves from a merged unit to its successor, in the caller's transaction.

History stays where it happened: ledger events, closed tips, offline activities and deliveries
keep the old unit (the statistics map it to its successor from the merger's date). What is
still going on moves: residents, open tips, staff and team members, teams, officers' groups,
unused invites and bulletins not yet finished.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import SubscriberStatus
from storage.results import rowcount
from storage.tables.broadcasts import BroadcastRow
from storage.tables.core import InviteRow, MemberRow, SubscriberRow, TeamRow, UnitRow, utcnow
from storage.tables.tips import TipRow, UnitGroupRow

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

FINISHED_BULLETINS = ("cancelled", "finished", "expired")
TEAM_NAME_LENGTH = 120


class UnitMoves:
    """The reorganisation side of the unit repository (mixed into SqlUnits)."""

    _s: AsyncSession

    async def residents_to_tell(self, unit_id: int) -> list[tuple[str, str, str]]:
        """(channel, user id, language) of the unit's active subscribers."""
        rows = await self._s.execute(select(
            SubscriberRow.channel, SubscriberRow.user_id, SubscriberRow.language).where(
            SubscriberRow.unit_id == unit_id,
            SubscriberRow.status == SubscriberStatus.ACTIVE.value).order_by(SubscriberRow.id))
        return [(channel, user_id, language) for channel, user_id, language in rows]

    async def move_holdings(self, old_id: int, new_id: int, label: str) -> dict[str, int]:
        """Move everything still going on from `old_id` to `new_id`; counts per kind."""
        moved = {"subscribers": await self._move(SubscriberRow, old_id, new_id),
                 "open_tips": await self._move(TipRow, old_id, new_id,
                                               TipRow.status != "closed"),
                 "members": await self._move(MemberRow, old_id, new_id),
                 "teams": await self._move_teams(old_id, new_id, label),
                 "groups": await self._move(UnitGroupRow, old_id, new_id),
                 "invites": await self._move(InviteRow, old_id, new_id,
                                             InviteRow.used_at.is_(None),
                                             InviteRow.revoked_at.is_(None)),
                 "bulletins": await self._retarget_bulletins(old_id, new_id)}
        await self._s.flush()
        return moved

    async def retire(self, old_id: int, successor_id: int, on: date) -> None:
        """The unit becomes history: not choosable, still named in old tips and reports."""
        await self._s.execute(update(UnitRow).where(UnitRow.id == old_id).values(
            active=False, successor_id=successor_id, retired_on=on, updated_at=utcnow()))

    async def _move(self, table: type[SubscriberRow | TipRow | MemberRow | UnitGroupRow | InviteRow],
                    old_id: int, new_id: int, *conditions: ColumnElement[bool]) -> int:
        result = await self._s.execute(update(table).where(
            table.unit_id == old_id, *conditions).values(unit_id=new_id))
        return rowcount(result)

    async def _move_teams(self, old_id: int, new_id: int, label: str) -> int:
        """Teams keep their names unless the successor already has one so named (each of the
        merged communes may have a "Tổ 1"): then the old commune's name is added."""
        taken = set(await self._s.scalars(select(func.lower(TeamRow.name)).where(
            TeamRow.unit_id == new_id)))
        teams = list(await self._s.scalars(select(TeamRow).where(TeamRow.unit_id == old_id)))
        for team in teams:
            if team.name.lower() in taken:
                team.name = f"{team.name} ({label})"[:TEAM_NAME_LENGTH]
            taken.add(team.name.lower())
            team.unit_id = new_id
        return len(teams)

    async def _retarget_bulletins(self, old_id: int, new_id: int) -> int:
        """Bulletins not finished (drafts, scheduled, recurring, running, paused) that name the
        old unit name its successor instead (once, if they named both)."""
        rows = await self._s.scalars(select(BroadcastRow).where(
            BroadcastRow.status.not_in(FINISHED_BULLETINS), BroadcastRow.all_units.is_(False)))
        count = 0
        for row in rows:
            ids = [int(i) for i in row.unit_ids or []]
            if old_id in ids:
                row.unit_ids = list(dict.fromkeys(new_id if i == old_id else i for i in ids))
                count += 1
        return count
