"""Choosing a unit in chat (command and admin): paged buttons, a number, or the typed name."""
from __future__ import annotations

from handlers.dialogue import Turn, option
from handlers.messages import Message
from handlers.onboarding import match_units
from handlers.statistics.access import leave

PAGE = 8
ALL = "all"


class UnitPickScreen:
    """`purpose` in the state says what comes next: the statistics period or an activity."""

    step = "stats_unit"

    def __init__(self, next_steps: dict) -> None:
        self._next = next_steps          # purpose -> async (turn, unit slug | None) -> None

    async def render(self, turn: Turn) -> Message:
        units = list(await turn.uow.units.all())
        data = turn.state.data
        matches = data.get("matches")
        shown = [u for u in units if u.slug in matches] if matches else units
        page = 0 if matches else min(max(int(data.get("page", 0)), 0), (len(units) - 1) // PAGE)
        rows = []
        if data.get("purpose") == "stats" and page == 0 and not matches:
            rows.append((option(self.step, ALL, turn.t("stats.scope.all_button")),))
        window = shown if matches else shown[page * PAGE:(page + 1) * PAGE]
        rows += [tuple(option(self.step, f"u.{u.slug}", u.short) for u in window[i:i + 2])
                 for i in range(0, len(window), 2)]
        rows.append(tuple(self._nav(turn, page, len(units), bool(matches))))
        return Message(text=turn.t("stats.unit.prompt"), buttons=tuple(rows))

    def _nav(self, turn: Turn, page: int, count: int, matched: bool) -> list:
        nav = []
        if matched:
            nav.append(option(self.step, "p.0", turn.t("commune.show_all")))
        elif page > 0:
            nav.append(option(self.step, f"p.{page - 1}", turn.t("common.prev")))
        if not matched and (page + 1) * PAGE < count:
            nav.append(option(self.step, f"p.{page + 1}", turn.t("common.next")))
        nav.append(option(self.step, "cancel", turn.t("common.cancel")))
        return nav

    async def choose(self, turn: Turn, key: str) -> None:
        purpose = turn.state.data.get("purpose", "stats")
        if key == "cancel":
            await leave(turn)
        elif key.startswith("p."):
            turn.go(self.step, purpose=purpose, page=int(key[2:]))
            await turn.show()
        else:
            await self._next[purpose](turn, None if key == ALL else key[2:])

    async def free_text(self, turn: Turn, text: str) -> bool:
        purpose = turn.state.data.get("purpose", "stats")
        found = match_units(list(await turn.uow.units.all()), text)
        if len(found) == 1:
            await self._next[purpose](turn, found[0].slug)
        elif found:
            turn.go(self.step, purpose=purpose, matches=[u.slug for u in found])
            await turn.show()
        else:
            turn.say(turn.t("stats.unit.not_found", text=text[:60]))
            await turn.show()
        return True
