"""Targeting: the topics, the communes (officers: only their own) and the audience."""
from __future__ import annotations

from broadcasts.flow import advance, may_target, quit_compose, refuse
from broadcasts.model import Audience, leaves_under
from broadcasts.problems import NoTopics, NoUnits, OutsideUnit
from handlers.dialogue import Turn, option
from handlers.domain import Unit
from handlers.messages import Button, Message
from handlers.onboarding import match_units

TOPICS, UNITS, AUDIENCE = "bc_topics", "bc_units", "bc_audience"
UNIT_PAGE = 8


class TopicsScreen:
    step = TOPICS

    async def render(self, turn: Turn) -> Message:
        chosen = set(turn.state.data.get("topics", []))
        rows: list[tuple[Button, ...]] = [(option(self.step, f"t.{slug}",
                        ("✅ " if slug in chosen else "⬜ ") + turn.t(f"topic.{slug}")),)
                for slug in await turn.uow.topics.active()]
        rows.append((option(self.step, "next", turn.t("broadcast.next")),
                     option(self.step, "quit", turn.t("common.cancel"))))
        return Message(text=turn.t("broadcast.topics"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        chosen = list(turn.state.data.get("topics", []))
        if key == "quit":
            await quit_compose(turn)
            return
        if key == "next":
            if not chosen:
                refuse(turn, NoTopics())
                await turn.show()
                return
            await start_units(turn)
            return
        slug = key[2:]
        chosen = [t for t in chosen if t != slug] if slug in chosen else chosen + [slug]
        advance(turn, self.step, topics=chosen)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


async def allowed_units(turn: Turn) -> list[Unit]:
    """The communes this person may target: all of them for the command, else their unit's."""
    units = list(await turn.uow.units.all())
    member = turn.member
    if member is not None and member.role.sees_every_unit:
        return list(await turn.uow.units.selectable())
    if member is None or member.unit_id is None:
        return []
    return leaves_under(member.unit_id, units)


async def start_units(turn: Turn) -> None:
    """Open the communes screen; an officer's own communes come chosen already."""
    member = turn.member
    preset = [] if member is not None and member.role.sees_every_unit else [
        u.id for u in await allowed_units(turn)]
    advance(turn, UNITS, units=turn.state.data.get("units") or preset, page=0)
    await turn.show()


class UnitsScreen:
    """Toggle communes (paged; names can be typed), or "all" for the command."""

    step = UNITS

    async def render(self, turn: Turn) -> Message:
        data = turn.state.data
        chosen, every = set(data.get("units", [])), bool(data.get("all"))
        units = await allowed_units(turn)
        page = max(0, min(int(data.get("page", 0)), (len(units) - 1) // UNIT_PAGE))
        shown = units[page * UNIT_PAGE:(page + 1) * UNIT_PAGE]
        rows = [tuple(option(self.step, f"u.{u.id}", _mark(every or u.id in chosen) + u.short)
                      for u in shown[i:i + 2]) for i in range(0, len(shown), 2)]
        rows += _nav(turn, self.step, page, len(units))
        if turn.member is not None and turn.member.role.sees_every_unit:
            rows.append((option(self.step, "all", _mark(every) + turn.t("broadcast.all_units")),))
        rows.append((option(self.step, "next", turn.t("broadcast.next")),
                     option(self.step, "quit", turn.t("common.cancel"))))
        return Message(text=turn.t("broadcast.units"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        data = turn.state.data
        if key == "quit":
            await quit_compose(turn)
            return
        if key == "next":
            await self._next(turn)
            return
        if key.startswith("p."):
            advance(turn, self.step, page=int(key[2:]))
        elif key == "all":
            advance(turn, self.step, all=not data.get("all"), units=[], page=data.get("page", 0))
        else:
            self._toggle(turn, int(key[2:]))
        await turn.show()

    def _toggle(self, turn: Turn, unit_id: int) -> None:
        chosen = [u for u in turn.state.data.get("units", [])]
        chosen = [u for u in chosen if u != unit_id] if unit_id in chosen else chosen + [unit_id]
        advance(turn, self.step, units=chosen, all=False, page=turn.state.data.get("page", 0))

    async def _next(self, turn: Turn) -> None:
        data = turn.state.data
        units, every = list(data.get("units", [])), bool(data.get("all"))
        problem = NoUnits() if not units and not every else await may_target(turn, units, every)
        if problem is not None:
            refuse(turn, problem)
            await turn.show()
            return
        advance(turn, AUDIENCE)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        """A typed commune name toggles it; a commune outside the officer's unit is refused."""
        found = match_units(list(await turn.uow.units.selectable()), text)
        if len(found) != 1:
            return False
        allowed = {u.id for u in await allowed_units(turn)}
        if found[0].id not in allowed:
            refuse(turn, OutsideUnit())
        else:
            self._toggle(turn, found[0].id)
        await turn.show()
        return True


def _mark(on: bool) -> str:
    return "✅ " if on else "⬜ "


def _nav(turn: Turn, step: str, page: int, count: int) -> list[tuple[Button, ...]]:
    nav = []
    if page > 0:
        nav.append(option(step, f"p.{page - 1}", turn.t("common.prev")))
    if (page + 1) * UNIT_PAGE < count:
        nav.append(option(step, f"p.{page + 1}", turn.t("common.next")))
    return [tuple(nav)] if nav else []


class AudienceScreen:
    step = AUDIENCE

    async def render(self, turn: Turn) -> Message:
        rows = [(option(self.step, a.value, turn.t(f"broadcast.audience.{a.value}")),)
                for a in Audience]
        rows.append((option(self.step, "quit", turn.t("common.cancel")),))
        return Message(text=turn.t("broadcast.audience"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        advance(turn, "bc_when", audience=key)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False
