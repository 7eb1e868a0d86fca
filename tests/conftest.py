"""Shared fixtures. The whole suite runs on one database chosen by BOT_TEST_DATABASE_URL
(default: a temporary SQLite file); CI runs it once on SQLite and once on PostgreSQL."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, build_app, prepare_database
from config.settings import Settings
from storage import db
from storage.tables.core import Base
from storage.tables import metadata as _all_tables  # noqa: F401  (every table for wipe)

ROOT = Path(__file__).resolve().parent.parent
SEED_DIRECTORY = ROOT / "config" / "units" / "tan-yen.yaml"


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory) -> str:
    """A fresh, migrated database for this test session."""
    base = os.environ.get("BOT_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        engine = db.make_engine(url)
        await db.upgrade(engine)
        await engine.dispose()
        yield url
        return
    name = f"antt_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    engine = db.make_engine(url)
    await db.upgrade(engine)
    await engine.dispose()
    yield url
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


def make_settings(database_url: str, **overrides) -> Settings:
    # Most tests were written against the seed-era Tân Yên directory (Cao Thượng, Nhã Nam...),
    # not the 2025 default: they name it here. Tests of the default pass units_file themselves.
    values = dict(database_url=database_url, auto_migrate=False, telegram_token=None,
                  http_port=0, log_level="DEBUG", secret_key="test-secret-key-0123456789",
                  units_file=SEED_DIRECTORY,
                  zalo_media_hosts="")     # no test fetches a Zalo CDN link from the internet
    values.update(overrides)
    return Settings(_env_file=None, **values)


async def wipe(app: App) -> None:
    """Empty every table, children first."""
    async with app.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(table.delete())


@pytest.fixture
async def app(database_url):
    """The real composition root on a clean, seeded database."""
    application = build_app(make_settings(database_url))
    await wipe(application)
    await prepare_database(application)
    yield application
    await application.close()
