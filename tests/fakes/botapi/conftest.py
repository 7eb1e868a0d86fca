"""Fixtures for the fake Bot API's own tests (usable by other tests under tests/fakebotapi)."""
from __future__ import annotations

import pytest_asyncio

from .server import FakeBotApi


@pytest_asyncio.fixture
async def fake_api():
    async with FakeBotApi() as api:
        api.check_responses = True  # every returned Message is validated against the spec
        yield api


@pytest_asyncio.fixture
async def fake_bot(fake_api):
    bot = fake_api.make_bot()
    async with bot:
        yield bot


def pytest_sessionfinish(session, exitstatus):
    """Collect garbage (leaked tasks/transports of failed async tests) before the terminal summary:
    on CPython 3.11.7, finalizers running while the hypothesis plugin's summary hook imports (and
    assertion-rewrites) hypothesis crash pytest with 'SystemError: AST constructor recursion depth
    mismatch', hiding the test results."""
    import gc

    gc.collect()
