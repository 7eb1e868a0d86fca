"""OAuth v4 on the OA: the single-use refresh token survives restarts and is spent once."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from bot.zalo.errors import ZaloApiError
from bot.sealing import Sealer
from bot.zalo.tokens import TokenKeeper, opened, seed_of
from storage.tables.zalo import ZaloTokenRow
from tests.channels.zalo.harness import running_zalo

RESIDENT = "7300011122233344"


async def stored_pair(app, oa):
    """The stored pair, opened with the bot's key (it is kept sealed)."""
    async with app.uow() as uow:
        return opened(app.sealer, await uow.zalo_tokens.get(oa.app_id))


def oauth_calls(oa):
    return [call for call in oa.calls if call.path == "oauth"]


async def until(condition, timeout=10.0):
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_token_refresh_survives_a_restart(app, database_url, oa):
    _, settings_refresh = oa.issue_tokens()
    # Only the refresh token is configured: the bot refreshes at start and keeps the new pair.
    async with running_zalo(database_url, oa=oa, tokens=("", settings_refresh)):
        await until(lambda: len(oauth_calls(oa)) == 1)
        await oa.user_sends(RESIDENT, "/start")
        await oa.wait_for(RESIDENT, "Bạn đang sống ở xã")
    assert settings_refresh in oa.spent_refresh_tokens
    first = await stored_pair(app, oa)
    assert first.refresh_token == oa.refresh_token and first.access_expires_at is not None

    # Same settings after a restart: the spent token from the settings is never offered again.
    async with running_zalo(database_url, oa=oa, tokens=("", settings_refresh)):
        await oa.user_sends(RESIDENT, "/khancap")
        await oa.wait_for(RESIDENT, "Số điện thoại khẩn cấp")
        oa.expire_access_tokens()                          # Zalo says -220 on the next call
        await oa.user_sends(RESIDENT, "/riengtu")
        await oa.wait_for(RESIDENT, "Dữ liệu bot lưu về bạn")
        await oa.wait_idle()
    second = await stored_pair(app, oa)
    assert [call.ok for call in oauth_calls(oa)] == [True, True]
    assert second.refresh_token == oa.refresh_token != first.refresh_token
    assert [c.code for c in oa.calls if c.path == "cs" and not c.ok] == [-220]
    async with aiohttp.ClientSession() as http:        # the fake really rejects the old one
        async with http.post(f"{oa.url}/v4/oa/access_token",
                             data={"app_id": oa.app_id, "grant_type": "refresh_token",
                                   "refresh_token": first.refresh_token},
                             headers={"secret_key": oa.app_secret}) as response:
            assert (await response.json())["error"] == -14014


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def keeper(app, oa, http, refresh: str, access: str = "", clock=None) -> TokenKeeper:
    extra = {"clock": clock} if clock else {}
    return TokenKeeper(app.uow, http, sealer=app.sealer, app_id=oa.app_id,
                         app_secret=oa.app_secret,
                       oauth_url=oa.url, access_token=access, refresh_token=refresh, **extra)


async def test_access_token_is_refreshed_before_it_expires(app, oa, http):
    now = [datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)]
    tokens = keeper(app, oa, http, oa.issue_tokens()[1], clock=lambda: now[0])
    first = await tokens.access_token()                     # unknown pair: refreshed at once
    now[0] += timedelta(hours=20)
    assert await tokens.access_token() == first             # 5 hours left: kept
    now[0] += timedelta(hours=3, minutes=30)                # 1.5 hours left: refreshed ahead
    second = await tokens.access_token()
    assert second != first and second in oa.access_tokens
    assert [call.ok for call in oauth_calls(oa)] == [True, True]


async def test_concurrent_refreshes_spend_the_refresh_token_once(app, oa, http):
    access, refresh = oa.issue_tokens()
    tokens = keeper(app, oa, http, refresh, access=access)
    assert await tokens.access_token() == access            # no known expiry: used as given
    results = await asyncio.gather(*(tokens.refresh(rejected=access) for _ in range(5)))
    assert len({pair.access_token for pair in results}) == 1
    assert [call.ok for call in oauth_calls(oa)] == [True]


async def test_new_tokens_in_the_settings_replace_the_stored_pair(app, oa, http):
    old = keeper(app, oa, http, oa.issue_tokens()[1])
    await old.access_token()
    access, refresh = oa.issue_tokens()                     # an officer re-authorised the OA
    assert await keeper(app, oa, http, refresh, access=access).access_token() == access
    assert (await stored_pair(app, oa)).refresh_token == refresh


async def test_a_refused_refresh_is_an_error_not_a_silent_loop(app, oa, http):
    tokens = keeper(app, oa, http, "RT-never-issued")
    with pytest.raises(ZaloApiError) as refused:
        await tokens.access_token()
    assert refused.value.code == -14014
    assert (await stored_pair(app, oa)).access_token == ""       # nothing invented


async def raw_row(app, oa):
    """The row as a copy of the database would show it."""
    async with app.uow() as uow:
        row = await uow.session.get(ZaloTokenRow, oa.app_id, populate_existing=True)
        return SimpleNamespace(sealed=row.sealed, access_token=row.access_token,
                               refresh_token=row.refresh_token)


async def test_the_stored_pair_is_sealed_with_the_key_outside_the_database(app, oa, http):
    access, refresh = oa.issue_tokens()
    tokens = keeper(app, oa, http, refresh, access=access)
    await tokens.refresh(rejected=access)                   # a new pair from Zalo
    row = await raw_row(app, oa)
    assert row.sealed and oa.refresh_token not in (row.access_token, row.refresh_token)
    assert row.access_token not in oa.access_tokens and refresh not in row.refresh_token
    assert (await stored_pair(app, oa)).refresh_token == oa.refresh_token
    other_key = Sealer(b"another-key-0123456789")
    async with app.uow() as uow:                             # a stolen copy opens nothing
        assert opened(other_key, await uow.zalo_tokens.get(oa.app_id)) is None


async def test_a_pair_stored_in_clear_is_read_once_and_stored_again_sealed(app, oa, http):
    access, refresh = oa.issue_tokens()
    async with app.uow() as uow:                             # as written before migration 0009
        uow.session.add(ZaloTokenRow(app_id=oa.app_id, access_token=access, refresh_token=refresh,
                                     access_expires_at=None, seed=seed_of(refresh),
                                     sealed=False))
        await uow.commit()
    tokens = keeper(app, oa, http, refresh)
    assert await tokens.access_token() == access             # still readable, no refresh spent
    assert oauth_calls(oa) == []
    row = await raw_row(app, oa)
    assert row.sealed and access not in row.access_token and refresh not in row.refresh_token
    again = keeper(app, oa, http, refresh)                    # after a restart
    assert await again.access_token() == access and oauth_calls(oa) == []
