"""The known ledger, built once per test on the `app` fixture's clean database."""
from __future__ import annotations

import pytest

from tests.storage.statistics import ledger as known


@pytest.fixture
async def known_ledger(app, tmp_path):
    return await known.build(app, tmp_path)


async def figures(app, period=known.PERIOD, unit=None):
    async with app.uow() as uow:
        return await uow.statistics.figures(period, unit)


def row(figures, slug):
    return next(u for u in figures.units if u.slug == slug)
