"""What the channels tell us about a person outside the dialogue: they blocked the bot."""
from __future__ import annotations

from handlers.domain import EventKind, SubscriberStatus
from handlers.ports import UnitOfWorkFactory


class Presence:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def blocked(self, channel: str, user_id: str) -> bool:
        """Mark a subscriber who blocked the bot (or whose account is gone) as unreachable."""
        async with self._uow_factory() as uow:
            sub = await uow.subscribers.get(channel, user_id)
            if sub is None or sub.status is SubscriberStatus.BLOCKED:
                return False
            was_active = sub.is_active
            sub.status = SubscriberStatus.BLOCKED
            await uow.subscribers.save(sub)
            if was_active:
                uow.ledger.record(EventKind.BLOCKED, channel=channel, unit_id=sub.unit_id)
            await uow.commit()
            return True
