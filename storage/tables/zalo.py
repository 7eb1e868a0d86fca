"""Tables of the Zalo channel: OA tokens, each user's last interaction, bulletin message ids,
the choices a person was last offered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.core import Base, UtcDateTime, utcnow


class ZaloTokenRow(Base):
    """The OA's OAuth v4 token pair. The refresh token is single-use: the pair is replaced in one
    commit, so a crash leaves either the old pair or the new one, never half of each."""

    __tablename__ = "zalo_oa_tokens"
    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    # None: not known (a token pasted into settings); the first use refreshes it.
    access_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A hash of the settings' refresh token this pair descends from: new settings re-seed.
    seed: Mapped[str] = mapped_column(String(64))
    # The tokens are sealed with the key outside the database (bot/sealing.py); rows written
    # before 0009 hold them in clear until the bot reads and re-stores them once.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ZaloInteractionRow(Base):
    """When a Zalo user last wrote to us: the OA may message them only inside a window after it."""

    __tablename__ = "zalo_interactions"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ZaloOutboundRow(Base):
    """A bulletin message the OA sent, so Zalo's delivery and read receipts can be counted."""

    __tablename__ = "zalo_outbound"
    __table_args__ = (Index("ix_zalo_outbound_sent_at", "sent_at"),)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    msg_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    ref: Mapped[str] = mapped_column(String(64))          # the broadcast it belongs to
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ZaloOfferRow(Base):
    """The choices of the last message the bot sent a Zalo user, sealed (they may name a tip).

    Zalo has no callback buttons: a tap or a typed number comes back as text, and is matched
    against what the person last saw (bot/zalo/offers.py). Void after the reply window.
    """

    __tablename__ = "zalo_offers"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
