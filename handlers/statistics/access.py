"""Who may see which unit's statistics and record its activities; re-checked at every step."""
from __future__ import annotations

from handlers.dialogue import Turn
from handlers.domain import Member, Unit


def staff(turn: Turn) -> Member | None:
    """The person's staff role (officer, command, admin), or None for residents and teams."""
    member = turn.member
    return member if member is not None and member.active and member.role.is_staff else None


async def within(turn: Turn, unit: Unit, ancestor_id: int) -> bool:
    """`unit` is the unit `ancestor_id` or lies under it in the directory."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.id not in seen:
        if current.id == ancestor_id:
            return True
        seen.add(current.id)
        current = await turn.uow.units.by_id(current.parent_id) if current.parent_id else None
    return False


async def may_see(turn: Turn, unit_slug: str | None) -> bool:
    """Command and admin see every unit and the whole area; an officer their unit's subtree."""
    member = staff(turn)
    if member is None:
        return False
    if member.role.sees_every_unit:
        return True
    if unit_slug is None or member.unit_id is None:
        return False
    unit = await turn.uow.units.by_slug(unit_slug)
    return unit is not None and await within(turn, unit, member.unit_id)


async def may_record(turn: Turn, unit: Unit | None) -> bool:
    """Recording for a unit follows the same rule as acting on its tips."""
    member = staff(turn)
    return member is not None and unit is not None and member.may_act_for(unit.id)


async def leave(turn: Turn, key: str | None = None, **values: object) -> None:
    """Say why (if there is a reason) and go back to the main menu."""
    if key:
        turn.say(turn.t(key, **values))
    turn.go("main")
    await turn.show()
