"""Alembic environment: runs on the connection that storage.db hands over."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from storage.tables import metadata

config = context.config
target_metadata = metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # plain `alembic` CLI use, e.g. autogenerate during development
        url = (config.get_main_option("sqlalchemy.url") or "").replace("+aiosqlite", "").replace(
            "+asyncpg", "+psycopg")
        with create_engine(url).connect() as sync_connection:
            _migrate(sync_connection)
            sync_connection.commit()
        return
    _migrate(connection)


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
