"""SQLAlchemy 2 async storage: tables, repositories, the unit of work, Alembic migrations."""
