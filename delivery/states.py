"""An outbox item's life cycle, the one set of rules both outboxes (bulletins, notifications) keep.

    pending ──claim──▶ sending ──▶ sent | blocked | failed | unreached   (final)
       ▲   │              │
       │   └──▶ cancelled | expired  (its broadcast was cancelled or ran out of time; final)
       └── retry / release / requeue (a crash, a lost lease, a stopped broadcast)

A broadcast's own status gates its items: only a RUNNING broadcast's pending items are claimed.
"""
from __future__ import annotations

import enum


class DeliveryState(str, enum.Enum):
    PENDING = "pending"       # waiting for a drain (not before ``not_before``)
    SENDING = "sending"       # claimed by a drain; a crash leaves it here until requeued
    SENT = "sent"
    BLOCKED = "blocked"       # the recipient is gone (blocked the bot, deleted the account)
    FAILED = "failed"         # our request is wrong for this recipient, or retries ran out
    UNREACHED = "unreached"   # not attempted: outside the channel's reach (Zalo's window)
    CANCELLED = "cancelled"   # never sent: the broadcast was cancelled first
    EXPIRED = "expired"       # never sent: the bulletin's validity ended first

    @property
    def is_final(self) -> bool:
        """Whether the item is done with (never sent again)."""
        return self in FINAL


FINAL = frozenset({DeliveryState.SENT, DeliveryState.BLOCKED, DeliveryState.FAILED,
                   DeliveryState.UNREACHED, DeliveryState.CANCELLED, DeliveryState.EXPIRED})
OPEN = frozenset({DeliveryState.PENDING, DeliveryState.SENDING})
# Final states whose record says why (the reason is kept with the row and the ledger).
WITH_REASON = frozenset({DeliveryState.FAILED, DeliveryState.UNREACHED})

_MOVES = {
    DeliveryState.PENDING: frozenset({DeliveryState.SENDING, DeliveryState.CANCELLED,
                                      DeliveryState.EXPIRED}),
    DeliveryState.SENDING: (FINAL - {DeliveryState.CANCELLED, DeliveryState.EXPIRED})
    | {DeliveryState.PENDING},
}


def may_move(current: DeliveryState, target: DeliveryState) -> bool:
    """Whether an item in ``current`` may move to ``target`` (final states never move)."""
    return target in _MOVES.get(current, frozenset())


class BroadcastStatus(str, enum.Enum):
    """A broadcast's life cycle (broadcasts.model.Status): the batch its deliveries belong to."""

    DRAFT = "draft"           # shown in a preview, not confirmed
    SCHEDULED = "scheduled"   # confirmed; starts at start_at (a recurring parent stays here)
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FINISHED = "finished"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        return self in (BroadcastStatus.CANCELLED, BroadcastStatus.FINISHED,
                        BroadcastStatus.EXPIRED)


# Broadcast statuses whose outbox is being drained (or may be again: paused).
LIVE = (BroadcastStatus.RUNNING, BroadcastStatus.PAUSED)
