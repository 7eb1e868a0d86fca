"""Fixtures: the fake Zalo servers."""
from __future__ import annotations

import pytest

from tests.fakes.zalo.botplatform import FakeZaloBot
from tests.fakes.zalo.oa import FakeZaloOA


@pytest.fixture
async def oa():
    async with FakeZaloOA() as fake:
        yield fake


@pytest.fixture
def oa_tokens(oa):
    """The pair an officer pasted into the settings when authorising the OA."""
    return oa.issue_tokens()


@pytest.fixture
async def zbot():
    async with FakeZaloBot() as fake:
        yield fake
