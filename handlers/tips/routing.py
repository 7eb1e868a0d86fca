"""Which unit answers for a tip, and who hears about it."""
from __future__ import annotations

from typing import Any

from handlers.dialogue import Turn
from handlers.domain import Role, Unit
from handlers.messages import Message, Outgoing
from handlers.ports import UnitOfWork


async def duty_desk(uow: UnitOfWork) -> Unit:
    """The command's duty desk: it receives tips whose place is unknown."""
    units = await uow.units.all()
    desks = [u for u in units if u.duty_desk]
    return desks[0] if desks else next(u for u in units if u.parent_id is None)


async def responsible_unit(uow: UnitOfWork, unit_slug: str) -> Unit:
    # resolve: a draft begun before a reorganisation goes to the commune that took it over
    unit = await uow.units.resolve(unit_slug) if unit_slug not in ("", "?") else None
    return unit or await duty_desk(uow)


async def unit_at(turn: Turn, location: tuple[float, float]) -> Unit | None:
    """The commune whose imported boundary contains the point, if boundaries exist."""
    for unit in await turn.uow.units.selectable():
        if unit.boundary and contains(unit.boundary, location):
            return unit
    for old in await turn.uow.units.history():       # a merged commune's boundary
        if old.boundary and contains(old.boundary, location):
            return await turn.uow.units.resolve(old.slug)
    return None


def contains(geometry: dict[str, Any], point: tuple[float, float]) -> bool:
    """Point in a GeoJSON Polygon or MultiPolygon (ray casting; holes respected)."""
    lat, lon = point
    polygons = geometry.get("coordinates", [])
    if geometry.get("type") == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        rings = [_inside(ring, lon, lat) for ring in polygon]
        if rings and rings[0] and not any(rings[1:]):
            return True
    return False


def _inside(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


async def notify_unit(turn: Turn, unit_id: int, message: Message, about: int | None = None
                      ) -> int:
    """Queue `message` to the unit's officers and groups; the duty desk if nobody is there.
    `about` is the tip the message shows: retention erases the queued copies with it."""
    officers = await turn.uow.members.staff_of([unit_id], [Role.OFFICER, Role.COMMAND])
    groups = await turn.uow.groups.of_units([unit_id])
    if not officers and not groups:
        desk = await duty_desk(turn.uow)
        officers = await turn.uow.members.staff_of([desk.id], [Role.COMMAND, Role.OFFICER])
        groups = await turn.uow.groups.of_units([desk.id])
    if not officers and not groups:
        officers = [m for m in await turn.uow.members.all() if m.active and m.role is Role.ADMIN]
    for member in officers:
        turn.uow.notifications.add(Outgoing(channel=member.channel, chat_id=member.user_id,
                                            message=message, about_tip=about))
    for channel, chat_id in groups:
        turn.uow.notifications.add(Outgoing(channel=channel, chat_id=chat_id, message=message,
                                            about_tip=about))
    return len(officers) + len(groups)


async def notify_member(turn: Turn, member_id: int | None, message: Message,
                        about: int | None = None) -> bool:
    member = await turn.uow.members.by_id(member_id) if member_id else None
    if member is None or not member.active:
        return False
    turn.uow.notifications.add(Outgoing(channel=member.channel, chat_id=member.user_id,
                                        message=message, about_tip=about))
    return True
