"""Engine creation and migrations."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from storage.state_sealing import StateSealer

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# SQLite has one writer. With many connections, transactions wait for it in SQLite's busy
# handler, which sleeps in steps of up to 100 ms and lets a busy writer (the outbox drain)
# take the lock again and again; two connections make them queue in the pool instead, in
# order. broadcast_benchmark.py: residents' reply p95 during a broadcast 0.7 s with the
# default pool (5 + 10), about 0.35-0.45 s with 2; 1 serialises reads too (0.59 s).
SQLITE_CONNECTIONS = 2
# The key that seals each engine's dialogue states (a tip draft sits next to the person's id
# there); it comes from outside the database, see seal_dialogue_states.
_STATE_SEALERS: WeakKeyDictionary[Any, StateSealer] = WeakKeyDictionary()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite files get WAL, a busy timeout, enforced foreign keys and
    secure_delete."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 15},
                                     pool_size=SQLITE_CONNECTIONS, max_overflow=0)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10,
                               max_overflow=10)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted and overwritten rows are zeroed, not left in free pages of the file (or of the
    # -wal file) where a copy of it would still show a tip draft next to a chat id.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def seal_dialogue_states(engine: AsyncEngine, key: bytes) -> None:
    """Dialogue states stored through `engine` are sealed with `key` (held outside the DB)."""
    _STATE_SEALERS[engine.sync_engine] = StateSealer(key)


def state_sealer(session: AsyncSession) -> StateSealer | None:
    """The sealer of the engine this session is bound to, if one was set."""
    bind = session.bind
    engine = getattr(bind, "sync_engine", bind)
    return _STATE_SEALERS.get(engine) if engine is not None else None


def dialect_name(session: AsyncSession) -> str:
    """``session.bind.dialect.name``: "sqlite" or "postgresql"."""
    bind = session.bind
    assert bind is not None   # storage's sessions are bound to an engine (or a connection)
    return bind.dialect.name


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (Alembic's recipe for an async engine)."""
    async with engine.begin() as conn:
        await conn.run_sync(_run_alembic, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run_alembic, "downgrade", revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision())


def _run_alembic(connection: Connection, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)
