"""What a broadcast's fan-out hands the delivery engine (delivery.ports has the engine's own ports;
BroadcastView and BroadcastRepository, what the screens and the CLI use, are in handlers/ports)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    """A subscriber a broadcast is fanned out to."""

    channel: str
    chat_id: str
    subscriber_id: int | None = None
