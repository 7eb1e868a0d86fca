"""/thongke: an officer's unit or, for the command, any unit or all; a period; a summary and a
chart."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handlers.dialogue import Turn, option
from handlers.messages import Message
from handlers.statistics.access import leave, may_see, staff
from handlers.statistics.chat_files import remember
from handlers.statistics.labels import Labels
from handlers.statistics.narrative import summary
from handlers.statistics.period import Period, PeriodError, local_today, named, parse_range
from handlers.ports import Chart
from handlers.statistics.tree import UnknownUnit

NAMED = ("this_month", "last_month", "this_year")


class StatsReport:
    """Computes and shows one report; shared by the period and range screens."""

    def __init__(self, chart: Chart | None, clock: Callable[[], datetime] | None) -> None:
        self.chart, self.clock = chart, clock

    def today(self):
        return local_today(self.clock() if self.clock else None)

    async def start(self, turn: Turn) -> None:
        """/thongke [unit-slug]."""
        member = staff(turn)
        if member is None:
            await leave(turn, "stats.refused")
            return
        wanted = turn.inbound.args.strip().lower()[:64] or None
        if wanted is None and member.role.sees_every_unit:
            turn.go("stats_unit", purpose="stats", page=0)
            await turn.show()
            return
        await self.pick_unit(turn, wanted or await self._own_slug(turn))

    async def _own_slug(self, turn: Turn) -> str | None:
        member = staff(turn)
        unit = await turn.uow.units.by_id(member.unit_id) if member.unit_id else None
        return unit.slug if unit else None

    async def pick_unit(self, turn: Turn, slug: str | None) -> None:
        # a unit merged away is still reported on (its history), by its old slug
        if slug is not None and await turn.uow.units.any_by_slug(slug) is None:
            await leave(turn, "stats.unit.unknown", unit=slug)
        elif not await may_see(turn, slug):
            await leave(turn, "stats.refused_unit")
        else:
            turn.go("stats_period", unit=slug)
            await turn.show()

    async def deliver(self, turn: Turn, period: Period) -> None:
        slug = turn.state.data.get("unit")
        if not await may_see(turn, slug):          # the role may have changed since the start
            await leave(turn, "stats.refused_unit")
            return
        try:
            figures = await turn.uow.statistics.figures(period, slug)
        except UnknownUnit:
            await leave(turn, "stats.unit.unknown", unit=slug)
            return
        labels = Labels(turn.catalog, turn.lang)
        image = await self.chart(figures, labels) if self.chart and not figures.empty else None
        turn.reply.messages.append(Message(text=summary(figures, labels), image=image))
        remember(turn, slug, period)
        await turn.show()


async def _scope_name(turn: Turn, slug: str | None) -> str:
    unit = await turn.uow.units.any_by_slug(slug) if slug else None
    return unit.name if unit else turn.t("stats.scope.all")


class PeriodScreen:
    step = "stats_period"

    def __init__(self, report: StatsReport) -> None:
        self._report = report

    async def render(self, turn: Turn) -> Message:
        scope = await _scope_name(turn, turn.state.data.get("unit"))
        rows = [(option(self.step, kind, turn.t(f"stats.period.{kind}")),) for kind in NAMED]
        rows.append((option(self.step, "custom", turn.t("stats.period.custom")),))
        rows.append((option(self.step, "cancel", turn.t("common.cancel")),))
        return Message(text=turn.t("stats.period.prompt", scope=scope), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "cancel":
            await leave(turn)
        elif key == "custom":
            turn.go("stats_range", unit=turn.state.data.get("unit"))
            await turn.show()
        else:
            await self._report.deliver(turn, named(key, self._report.today()))

    async def free_text(self, turn: Turn, text: str) -> bool:
        """A range typed straight away ("01/01/2025 - 31/03/2025") is understood here too."""
        if not any(ch.isdigit() for ch in text):
            return False
        return await RangeScreen(self._report).free_text(turn, text)


class RangeScreen:
    step = "stats_range"

    def __init__(self, report: StatsReport) -> None:
        self._report = report

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("stats.range.prompt"),
                       buttons=((option(self.step, "cancel", turn.t("common.cancel")),),))

    async def choose(self, turn: Turn, key: str) -> None:
        await leave(turn)

    async def free_text(self, turn: Turn, text: str) -> bool:
        try:
            period = parse_range(text, self._report.today())
        except PeriodError as error:
            turn.say(turn.t(error.key, **error.values))
            turn.go(self.step, unit=turn.state.data.get("unit"))
            await turn.show()
            return True
        await self._report.deliver(turn, period)
        return True
