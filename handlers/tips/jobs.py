"""Scheduled work of the tip line: alert the duty desk about tips nobody took, and forget
what the retention schedule says to forget. The database is the source of truth, so these
survive restarts, and each step is atomic so two processes do not double it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from handlers.domain import EventKind, Role
from handlers.i18n import Catalog
from handlers.messages import Message, Outgoing
from handlers.ports import UnitOfWork, UnitOfWorkFactory
from handlers.tips.cards import staff_t, tip_card
from handlers.tips.domain import TipRules
from handlers.tips.routing import duty_desk, notify_unit

TIP_STEPS = "tip_"
DRAFT_LIFETIME = timedelta(hours=24)


@dataclass
class JobContext:
    """What the tip cards and routing need when no person is talking: storage and words."""

    uow: UnitOfWork
    catalog: Catalog


async def escalate_unclaimed(uow_factory: UnitOfWorkFactory, catalog: Catalog,
                             rules: TipRules) -> int:
    now = datetime.now(timezone.utc)
    cutoff = now - timedelta(minutes=rules.escalation_minutes)
    escalated = 0
    async with uow_factory() as uow:
        ctx = JobContext(uow, catalog)
        desk = await duty_desk(ctx.uow)
        for tip in await uow.tips.due_for_escalation(cutoff):
            if not await uow.tips.mark_escalated(tip.id, now):
                continue                      # another process got there first
            card = await tip_card(ctx, tip, "tip.card.view")
            alert = Message(text=staff_t(ctx, "tip.officer.escalated", label=tip.label,
                                         minutes=rules.escalation_minutes) + "\n\n" + card.text,
                            buttons=card.buttons, attachments=card.attachments, protect=True)
            await notify_unit(ctx, desk.id, alert, about=tip.id)
            await _notify_command(ctx, desk.id, alert, tip.id)
            uow.ledger.record(EventKind.TIP_ESCALATED, unit_id=tip.unit_id,
                              topic=tip.category, ref=str(tip.id))
            uow.audit.record("system", "escalated", "tip", str(tip.id))
            escalated += 1
        await uow.commit()
    return escalated


async def _notify_command(ctx: JobContext, desk_id: int, message: Message, tip_id: int
                          ) -> None:
    """Command members bound to no unit (or another) hear about escalations too."""
    for member in await ctx.uow.members.with_role([Role.COMMAND]):
        if member.unit_id != desk_id:
            ctx.uow.notifications.add(Outgoing(channel=member.channel, chat_id=member.user_id,
                                               message=message, about_tip=tip_id))


async def apply_retention(uow_factory: UnitOfWorkFactory, rules: TipRules) -> dict[str, int]:
    """Erase due tipster links, old tip contents, stale drafts and old counters."""
    now = datetime.now(timezone.utc)
    async with uow_factory() as uow:
        links = await uow.tips.erase_due_links(now)
        contents = await uow.tips.erase_contents(
            now - timedelta(days=rules.content_retention_days), now)
        drafts = await uow.dialogues.reset_stale(TIP_STEPS, now - DRAFT_LIFETIME)
        if drafts:
            uow.ledger.record(EventKind.TIP_ABANDONED, count=drafts)
        counters = await uow.counters.forget_before(now - timedelta(days=2))
        await uow.commit()
    return {"links": links, "contents": contents, "drafts": drafts, "counters": counters}
