"""A half-configured Zalo product stops start-up with one line naming what is missing."""
from __future__ import annotations

import asyncio
import os
import sys

import pytest
from pydantic import ValidationError

from config.settings import Settings, describe_error
from tests.conftest import ROOT

OA = {"BOT_ZALO_OA_APP_ID": "3141", "BOT_ZALO_OA_APP_SECRET": "s3cret",
      "BOT_ZALO_OA_SECRET_KEY": "k3y", "BOT_ZALO_OA_REFRESH_TOKEN": "rt"}


def without(name: str) -> dict:
    return {key: value for key, value in OA.items() if key != name}


@pytest.mark.parametrize("env,expected", [
    (without("BOT_ZALO_OA_SECRET_KEY"),
     "BOT_ZALO_OA_SECRET_KEY is required when BOT_ZALO_OA_APP_ID is set"),
    ({"BOT_ZALO_OA_ACCESS_TOKEN": "at"},
     "BOT_ZALO_OA_APP_ID is required when BOT_ZALO_OA_ACCESS_TOKEN is set"),
    ({"BOT_ZALO_BOT_TOKEN": "2718:abcdefgh", "BOT_ZALO_BOT_MODE": "webhook",
      "BOT_PUBLIC_URL": "https://bot.example"},
     "BOT_ZALO_BOT_WEBHOOK_SECRET is required when BOT_ZALO_BOT_MODE=webhook"),
    ({"BOT_ZALO_BOT_TOKEN": "a/b?c"}, "BOT_ZALO_BOT_TOKEN:"),
    ({"BOT_ZALO_OA_API_URL": "openapi.zalo.me"}, "BOT_ZALO_OA_API_URL:"),
])
async def test_half_configured_zalo_stops_with_one_clear_line(env, expected):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOT_ZALO")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env={**clean, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 1
    assert len(lines) == 1 and lines[0].startswith("configuration error: ")
    assert expected in lines[0]


def test_each_product_is_enabled_only_by_its_own_settings():
    settings = Settings(_env_file=None, **{k[4:].lower(): v for k, v in OA.items()})
    assert settings.zalo_oa_enabled and not settings.zalo_bot_enabled
    assert settings.zalo_oa_app_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    bot = Settings(_env_file=None, zalo_bot_token="2718:abcdefgh")
    assert bot.zalo_bot_enabled and not bot.zalo_oa_enabled
    with pytest.raises(ValidationError) as short:
        Settings(_env_file=None, zalo_free_window_hours=200)
    assert "BOT_ZALO_REPLY_WINDOW_HOURS" in describe_error(short.value)
