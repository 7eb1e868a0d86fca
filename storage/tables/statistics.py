"""Tables of the statistics feature: offline activities (versioned) and unit successions."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, delete, select, text)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.core import Base, BigId, LedgerRow, utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from handlers.domain import UnitSpec


class ActivityRow(Base):
    """One version of an offline activity record; a correction adds a version, never edits.

    `record_id` is the record's number across versions (the first version's id); exactly one
    version of a record is `current`, and the unique (record_id, version) makes two concurrent
    corrections of the same version collide instead of both winning.
    """

    __tablename__ = "offline_activities"
    __table_args__ = (UniqueConstraint("record_id", "version"),
                      Index("ix_offline_activities_current_day", "current", "day"),
                      Index("ix_offline_activities_unit_day", "unit_id", "day"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int | None] = mapped_column(BigId)
    version: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer)
    attendance: Mapped[int | None] = mapped_column(Integer)
    aired: Mapped[int | None] = mapped_column(Integer)
    succeeded: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuccessionRow(Base):
    """From `effective` on, the old unit's history is reported under the new unit (a merger).

    Kept by slug, as the directory file writes it, so a directory may name an old unit that
    is imported later.
    """

    __tablename__ = "unit_successions"
    old_slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    effective: Mapped[date] = mapped_column(Date)


# Covering indexes for the report: per unit and per topic, a period is an index range per kind,
# so a year of a million deliveries is summed without touching the table (SQLite especially).
STATS_BY_UNIT = Index("ix_ledger_stats_unit", LedgerRow.kind, LedgerRow.unit_id, LedgerRow.at,
                      LedgerRow.count)
STATS_BY_TOPIC = Index("ix_ledger_stats_topic", LedgerRow.kind, LedgerRow.topic, LedgerRow.at,
                       LedgerRow.unit_id, LedgerRow.count)
# The tip line's events for the one grouped pass over a period's tips: an index range instead
# of a scan, partial so the million deliveries stay out of it. PostgreSQL carries `data` along
# (INCLUDE: JSON has no b-tree order); SQLite fetches it from the table. For SQLite to use a
# partial index the query must repeat the condition with literal values
# (storage.repositories.statistics_tips).
TIP_KINDS = ("tip_submitted", "team_report_submitted", "tip_moved", "tip_outcome",
             "tip_escalated", "tip_taken", "tip_closed")
TIP_KINDS_SQL = "kind IN (" + ", ".join(f"'{k}'" for k in TIP_KINDS) + ")"
STATS_TIPS = Index("ix_ledger_stats_tips", LedgerRow.kind, LedgerRow.at, LedgerRow.ref,
                   LedgerRow.unit_id, LedgerRow.topic, sqlite_where=text(TIP_KINDS_SQL),
                   postgresql_where=text(TIP_KINDS_SQL), postgresql_include=["data"])


async def sync_successions(session: AsyncSession, specs: Iterable[UnitSpec]) -> set[str]:
    """Make the stored successions match the directory's `replaces:` lists for the units it
    names; returns the slugs of units whose successions changed. Units absent from the file
    keep theirs (a directory file may cover only part of the tree)."""
    named = {spec.slug: spec for spec in specs}
    stored: dict[str, dict[str, SuccessionRow]] = {}
    for row in await session.scalars(select(SuccessionRow).where(
            SuccessionRow.new_slug.in_(list(named)))):
        stored.setdefault(row.new_slug, {})[row.old_slug] = row
    changed: set[str] = set()
    for slug, spec in named.items():
        wanted = {old: spec.effective for old in spec.replaces}
        have = stored.get(slug, {})
        if {old: row.effective for old, row in have.items()} == wanted:
            continue
        changed.add(slug)
        await session.execute(delete(SuccessionRow).where(SuccessionRow.new_slug == slug))
        session.add_all(SuccessionRow(old_slug=old, new_slug=slug, effective=day)
                        for old, day in wanted.items())
    await session.flush()
    return changed
