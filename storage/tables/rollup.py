"""The rollup's tables (see storage.repositories.statistics_rollup): daily and monthly sums
next to the ledger, one row of facts per tip, and the watermark."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, PrimaryKeyConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.core import Base, BigId, LedgerRow, UtcDateTime
from storage.tables.statistics import TIP_KINDS_SQL

NO_UNIT, NO_TOPIC = 0, ""      # key columns are NOT NULL (a primary key); these stand for none


class _Counts:
    """Sums of `count` of the ledger rows of one Vietnam day (or month) and key. The key leads
    with kind and unit so a report reads index ranges; SQLite keeps the rows in the key's
    b-tree (WITHOUT ROWID), so a sum never leaves the index."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


def _key(name: str) -> tuple[PrimaryKeyConstraint, dict[str, bool]]:
    return (PrimaryKeyConstraint("kind", "unit_id", "day", "topic", "channel", name=name),
            {"sqlite_with_rowid": False})


class DailyCountRow(_Counts, Base):
    __tablename__ = "ledger_daily"
    __table_args__ = _key("pk_ledger_daily")


class MonthlyCountRow(_Counts, Base):
    """The same sums per calendar month (`day` is the month's first day): a year is 12 rows
    per key instead of 365."""

    __tablename__ = "ledger_monthly"
    __table_args__ = _key("pk_ledger_monthly")


class TipFactRow(Base):
    """What the ledger says of one tip or team report, up to the watermark (see tip_facts)."""

    __tablename__ = "tip_facts"
    # Kept in submission order (SQLite: in the key's b-tree), so a period is one range read.
    __table_args__ = (PrimaryKeyConstraint("at", "ref", name="pk_tip_facts"),
                      Index("ix_tip_facts_ref", "ref", unique=True),
                      {"sqlite_with_rowid": False})
    ref: Mapped[str] = mapped_column(String(64))
    at: Mapped[object] = mapped_column(UtcDateTime())
    last_at: Mapped[object] = mapped_column(UtcDateTime())
    unit_id: Mapped[int | None] = mapped_column(BigId)
    topic: Mapped[str | None] = mapped_column(String(40))
    team: Mapped[int] = mapped_column(Integer)
    credited: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(16))
    moved: Mapped[int] = mapped_column(Integer)
    escalated: Mapped[int] = mapped_column(Integer)
    first_action: Mapped[int | None] = mapped_column(Integer)
    closure: Mapped[int | None] = mapped_column(Integer)


# The tips touched after the watermark are looked up by ref; partial like ix_ledger_stats_tips.
TIP_REFS = Index("ix_ledger_tip_refs", LedgerRow.ref, LedgerRow.kind,
                 sqlite_where=text(TIP_KINDS_SQL), postgresql_where=text(TIP_KINDS_SQL))


class RollupStateRow(Base):
    """The one row holding the id of the last ledger row folded into the rollup."""

    __tablename__ = "ledger_rollup_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
