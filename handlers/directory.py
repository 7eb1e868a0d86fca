"""Names and contacts from the unit directory: who greets, who received a tip, whom to call.

Nothing in the catalogues names a real unit; every police name a person reads comes from here.
"""
from __future__ import annotations

from handlers.dialogue import Turn
from handlers.domain import SubscriberStatus, Unit
from handlers.ports import UnitRepository


async def command_unit(units: UnitRepository) -> Unit | None:
    """The command: the current directory's duty desk, or its first top-level unit."""
    return await units.command()


async def command_police(turn: Turn) -> str:
    unit = await command_unit(turn.uow.units)
    return unit.police if unit else turn.t("directory.police")


async def unit_police(turn: Turn, unit_id: int | None) -> str:
    """The police of a unit by id (a tip's unit), or the command's if it has none."""
    unit = await turn.uow.units.by_id(unit_id) if unit_id else None
    return unit.police if unit else await command_police(turn)


def contact_lines(turn: Turn, unit: Unit) -> list[str]:
    lines = [turn.t("emergency.police", police=unit.police)]
    if unit.phone:
        lines.append(turn.t("emergency.phone", phone=unit.phone))
    if unit.address:
        lines.append(turn.t("emergency.address", address=unit.address))
    if not (unit.phone or unit.address):
        lines.append(turn.t("emergency.unlisted"))
    return lines


async def show_emergency(turn: Turn) -> None:
    """The emergency numbers, then the resident's commune police and the duty desk."""
    units = []
    if turn.subscriber.unit_id:
        units.append(await turn.uow.units.by_id(turn.subscriber.unit_id))
    units.append(await command_unit(turn.uow.units))
    lines = [turn.t("emergency.text")]
    for unit in dict.fromkeys(u for u in units if u is not None):
        lines += ["", *contact_lines(turn, unit)]
    turn.say("\n".join(lines))
    if turn.subscriber.status is SubscriberStatus.ONBOARDING:
        await turn.show()          # stay on the onboarding screen
    else:
        turn.go("main")
