"""Every table module, imported together so Base.metadata (and Alembic) sees all tables.

Each feature owns its own module: storage.models (core, people, audit), storage.tip_tables,
storage.broadcast_tables, storage.statistics_tables, storage.zalo_tables.
"""
from storage import models  # noqa: F401
from storage import broadcast_tables, statistics_tables, tip_tables, zalo_tables  # noqa: F401
from storage import statistics_rollup  # noqa: F401
from storage.models import Base

metadata = Base.metadata
