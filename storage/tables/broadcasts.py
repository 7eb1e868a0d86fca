"""Tables of the broadcast feature: bulletins sent out, their outbox, the drain leases."""
from __future__ import annotations

from typing import Any

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from delivery.states import DeliveryState
from storage.tables.core import Base, BigId, utcnow


class BroadcastRow(Base):
    """One bulletin sent (or to be sent) to residents and/or team members.

    A recurring bulletin is a parent whose ``start_at`` is its next firing; each firing is a child
    row (``parent_id``, unique per firing time) with its own outbox rows and counts.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (UniqueConstraint("parent_id", "start_at"),
                      Index("ix_broadcasts_status_start", "status", "start_at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    bulletin_id: Mapped[int | None] = mapped_column(ForeignKey("bulletins.id"))
    text: Mapped[str] = mapped_column(Text)
    photo_ref: Mapped[str | None] = mapped_column(String(1024))      # a path, URL or file id
    photo_file_id: Mapped[str | None] = mapped_column(String(256))   # once uploaded: reused
    photo_error: Mapped[str | None] = mapped_column(String(200))     # rejected: text only
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    unit_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)       # empty with all_units
    all_units: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str] = mapped_column(String(16))                # residents | team | both
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)       # fanned out to these
    sender: Mapped[str] = mapped_column(String(64))                  # "member:12" or "cli"
    sender_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16))
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    valid_seconds: Mapped[int | None] = mapped_column(Integer)       # per firing, recurring
    recurrence: Mapped[str | None] = mapped_column(String(120))
    allow_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    # fan-out progress: subscribers with id <= cursor are enqueued; a lease keeps it single
    fanout_cursor: Mapped[int] = mapped_column(BigId, default=0)
    fanout_done: Mapped[bool] = mapped_column(Boolean, default=False)
    fanout_lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    expired: Mapped[int] = mapped_column(Integer, default=0)
    # the sender's status message, updated every few seconds while it runs
    status_channel: Mapped[str | None] = mapped_column(String(16))
    status_chat: Mapped[str | None] = mapped_column(String(64))
    status_lang: Mapped[str] = mapped_column(String(8), default="vi")
    status_message: Mapped[str | None] = mapped_column(String(64))
    status_shown: Mapped[str | None] = mapped_column(String(32))    # state last drawn
    rate: Mapped[float] = mapped_column(Float, default=0.0)          # measured messages/s
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """One delivery of one broadcast to one chat: pending -> sending -> sent|failed|blocked|
    unreached (not attempted: outside Zalo's reply window)."""

    __tablename__ = "broadcast_outbox"
    __table_args__ = (UniqueConstraint("broadcast_id", "channel", "chat_id"),
                      Index("ix_broadcast_outbox_claim", "channel", "state", "id"),
                      Index("ix_broadcast_outbox_state", "broadcast_id", "state"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    subscriber_id: Mapped[int | None] = mapped_column(BigId)
    unit_id: Mapped[int | None] = mapped_column(BigId)     # the recipient's commune (ledger)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200))
    message_ref: Mapped[str | None] = mapped_column(String(64))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DrainLeaseRow(Base):
    """Who drains a channel account now; a holder that stops renewing loses it at expires_at."""

    __tablename__ = "drain_leases"
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
