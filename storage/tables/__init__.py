"""Every table, by feature, imported together so Base.metadata (and Alembic) sees all tables.

storage.tables.core (units, topics, library, subscribers, dialogues, the ledger, people, audit),
storage.tables.tips, storage.tables.broadcasts, storage.tables.statistics (offline activities),
storage.tables.rollup (pre-aggregated figures), storage.tables.zalo.
"""
from storage.tables import broadcasts, core, rollup, statistics, tips, zalo  # noqa: F401
from storage.tables.core import Base

metadata = Base.metadata
