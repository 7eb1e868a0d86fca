"""OAuth v4 on the OA: the single-use refresh token survives restarts and is spent once."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from bot.zalo.errors import ZaloApiError
from bot.zalo.tokens import TokenKeeper
from tests.channels.zalo.harness import running_zalo

RESIDENT = "7300011122233344"


async def stored_pair(app, oa):
    async with app.uow() as uow:
        return await uow.zalo_tokens.get(oa.app_id)


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
    return TokenKeeper(app.uow, http, app_id=oa.app_id, app_secret=oa.app_secret,
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
