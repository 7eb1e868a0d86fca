"""Migrations apply from nothing, roll back to nothing and apply again, on the suite's database
engine (a separate SQLite file or PostgreSQL database of its own)."""
from __future__ import annotations

import uuid

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from storage import db
from storage.tables import metadata


async def fresh_database(database_url: str, tmp_path):
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}", None
    name = f"antt_mig_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(database_url.rsplit("/", 1)[0] + "/postgres",
                                isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    return database_url.rsplit("/", 1)[0] + "/" + name, (admin, name)


async def tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_downgrade_upgrade(database_url, tmp_path):
    url, cleanup = await fresh_database(database_url, tmp_path)
    engine = db.make_engine(url)
    try:
        await db.upgrade(engine)
        expected = {t.name for t in metadata.sorted_tables}
        assert expected <= await tables(engine)
        await db.downgrade(engine, "base")
        assert await tables(engine) <= {"alembic_version"}
        await db.upgrade(engine)
        assert expected <= await tables(engine)
    finally:
        await engine.dispose()
        if cleanup:
            admin, name = cleanup
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()


def _comparable(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic cannot compare an index with INCLUDE columns on PostgreSQL: it reflects the
    included columns as key columns and reports a difference that is not there."""
    index = compare_to if reflected else obj
    if type_ == "index" and index is not None and getattr(index, "dialect_options", None):
        if index.dialect_options["postgresql"].get("include"):
            return False
    if type_ == "index" and reflected and obj is not None and compare_to is None:
        return not (obj.dialect_options.get("postgresql", {}).get("include"))
    return True


async def test_migrations_match_the_models(database_url, tmp_path):
    """A column added to a model without a migration shows up here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    url, cleanup = await fresh_database(database_url, tmp_path)
    engine = db.make_engine(url)
    try:
        await db.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"include_object": _comparable}),
                metadata))
    finally:
        await engine.dispose()
        if cleanup:
            admin, name = cleanup
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()
    assert diff == []
