"""Tables of the tip line. A tip row never holds the tipster's platform id, name or phone
(contact details only if the tipster typed them on purpose); the sealed link that lets the bot
reach the tipster lives in tip_links, encrypted with a key the database does not hold."""
from __future__ import annotations

from typing import Any

from datetime import datetime

from sqlalchemy import (JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from delivery.states import DeliveryState
from storage.tables.core import Base, BigId, UtcDateTime, utcnow


class TipRow(Base):
    __tablename__ = "tips"
    __table_args__ = (Index("ix_tips_unit_status", "unit_id", "status"),
                      Index("ix_tips_text_hash", "text_hash"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    label: Mapped[str] = mapped_column(String(8), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    first_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    place: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    text_hash: Mapped[str] = mapped_column(String(64), default="")
    possible_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    reporter_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    prompted_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    happened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())   # team reports
    first_action_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    conversation_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TipLinkRow(Base):
    """The sealed (encrypted) address of a tipster; erased on the retention schedule."""

    __tablename__ = "tip_links"
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)
    erase_after: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class TipMessageRow(Base):
    """Follow-up: questions to the tipster, answers from them, and internal notes."""

    __tablename__ = "tip_messages"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class UnitGroupRow(Base):
    """An officers' group chat registered for a unit with /dangkynhom."""

    __tablename__ = "unit_groups"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class NotificationRow(Base):
    """Outbox of messages to officers, groups and tipsters (a row before it is a request).

    A row for a tipster has tip_id and no chat_id: the address is unsealed only to send it.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_state", "channel", "state", "not_before"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))
    # The tip an officer's message shows (card, answer): erased with the tip's contents.
    about_tip_id: Mapped[int | None] = mapped_column(BigId, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class RateCounterRow(Base):
    """Per-person counters (tips per hour/day, failed code lookups) under a keyed hash."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class KeptFileRow(Base):
    """A tipster's file the bot downloaded because its channel keeps only a link that expires
    (a Zalo CDN link): images without their metadata. Claimed by the tip that carries it
    (attachment ref "kept:<id>"), erased with the tip's contents; one never claimed (a draft
    abandoned) is erased after two days."""

    __tablename__ = "kept_files"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    mime: Mapped[str] = mapped_column(String(100), default="")
    filename: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
