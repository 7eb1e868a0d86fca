"""What the statistics use cases need from storage and from the chart renderer."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from handlers.statistics.activities import Activity, ActivityInput
    from handlers.statistics.figures import Figures
    from handlers.statistics.labels import Labels
    from handlers.statistics.period import Period


class StatisticsRepository(Protocol):
    async def figures(self, period: Period, unit_slug: str | None = None) -> Figures:
        """Every figure of the period for the unit's subtree (all units when None).

        Raises handlers.statistics.tree.UnknownUnit for a slug the directory does not have.
        """
        ...


class ActivityRepository(Protocol):
    async def add(self, entry: ActivityInput, actor: str) -> Activity: ...
    async def correct(self, record_id: int, entry: ActivityInput, actor: str,
                      withdrawn: bool = False) -> Activity: ...
    async def get(self, record_id: int) -> Activity | None: ...
    async def history(self, record_id: int) -> list[Activity]: ...
    async def listing(self, unit_ids: list[int] | None, start: date, end: date) -> list[Activity]:
        ...


# Renders the report's charts as one PNG; None when there is nothing to draw.
Chart = Callable[["Figures", "Labels"], Awaitable["bytes | None"]]

# Renders the report as a file ("docx" or "xlsx"): its bytes and a file name.
ReportFile = Callable[["Figures", "Labels", str], Awaitable["tuple[bytes, str]"]]
