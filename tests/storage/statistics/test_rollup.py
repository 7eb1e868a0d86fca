"""The rollup (daily counters, tip facts) gives the ledger's figures, refreshed or not."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from handlers.statistics.period import Period
from storage.repositories.statistics_rollup import DailyCountRow, TipFactRow, refresh_rollup, watermark
from tests.storage.statistics import ledger as known
from tests.storage.statistics.conftest import figures

PERIODS = [known.PERIOD, known.JUNE, Period(date(2025, 7, 1), date(2025, 7, 31)),
           Period(date(2025, 1, 1), date(2025, 12, 31)),
           # Days around whole months, and days inside one month only.
           Period(date(2025, 5, 31), date(2025, 7, 15)), Period(date(2025, 6, 2), date(2025, 6, 20))]
SCOPES = [None, "cao-thuong", "tan-phuc", "nha-nam"]


def comparable(found) -> dict:
    data = found.as_dict()
    data.pop("generated_at")
    return data


async def all_figures(app) -> dict:
    return {(p.start, p.end, unit): comparable(await figures(app, p, unit))
            for p in PERIODS for unit in SCOPES}


async def refresh(app) -> int:
    async with app.uow() as uow:
        folded = await refresh_rollup(uow.session)
        await uow.commit()
    return folded


async def test_refreshed_rollup_gives_the_ledgers_figures(app, known_ledger):
    from_ledger = await all_figures(app)         # nothing folded yet: all from the ledger
    assert from_ledger[(known.PERIOD.start, known.PERIOD.end, None)]["total"]["counts"][
        "delivered"] == 20
    assert await refresh(app) > 0
    async with app.uow() as uow:
        assert await watermark(uow.session) > 0
        assert await uow.session.scalar(select(func.count()).select_from(DailyCountRow)) > 0
        assert await uow.session.scalar(select(func.count()).select_from(TipFactRow)) == 8
    assert await all_figures(app) == from_ledger
    assert await refresh(app) == 0                # nothing new: nothing folded twice
    assert await all_figures(app) == from_ledger


async def test_rows_after_the_watermark_are_counted_from_the_ledger(app, known_ledger):
    await refresh(app)
    ids = known_ledger["ids"]
    async with app.uow() as uow:
        later = known.Ledger(uow.session, ids)
        # A new delivery in a folded day, and events of an already folded tip (moved, judged).
        later.event("delivered", known.local(6, 2, 14), "cao-thuong", topic="fraud", ref="b1",
                    count=5)
        later.event("tip_moved", known.local(7, 21), "cao-thuong", topic="fraud", ref="6",
                    from_unit=ids["nha-nam"], to_unit=ids["cao-thuong"])
        later.event("tip_outcome", known.local(7, 22), "cao-thuong", topic="fraud", ref="6",
                    outcome="valuable")
        await uow.commit()
    unfolded = await all_figures(app)
    total = unfolded[(known.PERIOD.start, known.PERIOD.end, None)]["total"]["counts"]
    assert total["delivered"] == 25 and total["tips_moved"] == 2
    await refresh(app)
    assert await all_figures(app) == unfolded


async def test_a_wiped_state_row_comes_back(app, known_ledger):
    from_ledger = await all_figures(app)
    async with app.uow() as uow:
        await uow.session.execute(TipFactRow.__table__.delete())
        await uow.commit()
    await refresh(app)
    assert await all_figures(app) == from_ledger
