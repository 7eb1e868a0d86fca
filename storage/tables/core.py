"""Tables. Portable SQL only: everything here runs on SQLite and PostgreSQL."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from datetime import date, datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text, TypeDecorator, UniqueConstraint, false)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite hands back naive ones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    if TYPE_CHECKING:
        # DeclarativeBase says FromClause (a class may be mapped to a select); every class here
        # is mapped to a Table of its own, and Core statements (insert, update) want a Table.
        __table__: ClassVar[Table]


class UnitRow(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short: Mapped[str] = mapped_column(String(120))
    police: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    duty_desk: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    boundary: Mapped[dict[str, Any] | None] = mapped_column(JSON)   # GeoJSON geometry, optional
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    # A unit merged into another (a reorganisation) is history: inactive, pointing at the
    # unit that took over its residents, tips and staff, from `retired_on`.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    retired_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TopicRow(Base):
    __tablename__ = "topics"
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BulletinRow(Base):
    __tablename__ = "bulletins"
    __table_args__ = (Index("ix_bulletins_topic_published", "topic", "published"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    source: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SubscriberRow(Base):
    __tablename__ = "subscribers"
    __table_args__ = (UniqueConstraint("channel", "user_id"),
                      Index("ix_subscribers_unit_status", "unit_id", "status"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SubscriberTopicRow(Base):
    __tablename__ = "subscriber_topics"
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class DialogueRow(Base):
    __tablename__ = "dialogue_states"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LedgerRow(Base):
    """One outreach event; the statistics are counted from these rows."""

    __tablename__ = "ledger_events"
    __table_args__ = (Index("ix_ledger_kind_at", "kind", "at"),
                      Index("ix_ledger_unit_at", "unit_id", "at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    topic: Mapped[str | None] = mapped_column(String(40))
    ref: Mapped[str | None] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ProcessedUpdateRow(Base):
    """Update ids already taken in, so a re-sent webhook call is not handled twice."""

    __tablename__ = "processed_updates"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class TeamRow(Base):
    """A self-management security team (Tổ an ninh tự quản) of a commune."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # On the real roster (imported: python -m bot teams import); its people are RosterMemberRow.
    on_roster: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class RosterMemberRow(Base):
    """A person on a team's real roster, whether or not they use the bot (handlers.roster)."""

    __tablename__ = "roster_members"
    __table_args__ = (UniqueConstraint("team_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class MemberRow(Base):
    """A person with a role (team member, officer, command, admin) on one channel account."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("channel", "user_id"),
                      Index("ix_members_unit_role", "unit_id", "role"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    name: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class InviteRow(Base):
    """A one-time invite; only a hash of the code is stored."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AuditRow(Base):
    """Who did what to what, and when. Never holds a tipster's identity."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_subject", "subject", "subject_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))       # "member:12", "cli", "system"
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40))      # "tip", "invite", "activity", ...
    subject_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
