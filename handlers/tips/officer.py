"""Officers act on tips: inbox, view, take, ask the tipster, note, move, judge, close (the typed
steps, ask, note, duplicate and move, are in handlers/tips/officer_steps.py).

Every action re-loads the tip and re-checks on the server that this member may act for its
unit: a forged or stale button does nothing but say so."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone

from handlers.dialogue import Turn
from handlers.domain import Unit
from handlers.messages import Button, Message, Outgoing
from handlers.tips.cards import local_time, staff_t, thread_text, tip_card
from handlers.tips.actions import (CloseTip, JudgeTip, MoveTip, TakeTip, actor_of,
                                   close_tip, judge_tip, move_tip, take_tip)
from handlers.tips.domain import Outcome, Tip
from handlers.tips.followup import send_to_tipster
from handlers.ports import Secrets
from handlers.tips.domain import TipRules
from handlers.tips.routing import notify_unit
from handlers.typed import payload_id, payload_number

INBOX_PAGE = 5
TipAction = Callable[[Turn, Tip, list[str]], Awaitable[None]]
MAX_INBOX_PAGE = 100_000      # a forged page number never reaches the query's OFFSET
TEXT_STEPS = {"ask": "tip_ask", "note": "tip_note", "move": "tip_move"}


def actor(turn: Turn) -> str:
    return actor_of(turn.member)


class OfficerDesk:
    def __init__(self, secrets: Secrets, rules: TipRules) -> None:
        self._secrets, self._rules = secrets, rules

    async def allowed_tip(self, turn: Turn, tip_id: str) -> Tip | None:
        """The tip, if it exists and this member may act for its unit; otherwise say why."""
        tip_number = payload_id(tip_id)
        tip = await turn.uow.tips.by_id(tip_number) if tip_number is not None else None
        if tip is None or turn.member is None or not turn.member.may_act_for(tip.unit_id):
            turn.reply.notice = turn.t("tip.officer.not_allowed")
            turn.say(turn.t("tip.officer.not_allowed"))
            if tip is not None:
                turn.uow.audit.record(actor(turn), "denied", "tip", str(tip.id))
            return None
        return tip

    async def act(self, turn: Turn, args: list[str]) -> None:
        """Button payload tip:<verb>:<id>[:<arg>]."""
        verb, tip_id = (args + ["", ""])[:2]
        if verb == "inbox":
            page = payload_number(tip_id, 0, MAX_INBOX_PAGE)
            if page is None:
                turn.reply.notice = turn.t("error.old_button")
            else:
                await self.inbox(turn, page)
            return
        tip = await self.allowed_tip(turn, tip_id)
        if tip is None:
            return
        action = self._actions().get(verb)
        if action is None:            # a forged or outdated payload names no action
            turn.reply.notice = turn.t("error.bad_button")
            return
        await action(turn, tip, args[2:])

    def _actions(self) -> dict[str, TipAction]:
        """Every verb a button payload may name; nothing else on this desk is reachable."""
        return {"view": self._view, "take": self._take, "ask": self._ask, "note": self._note,
                "move": self._move, "judge": self._judge, "outcome": self._outcome,
                "close": self._close}

    async def inbox_command(self, turn: Turn) -> None:
        if turn.member is None or not turn.member.role.is_staff:
            turn.say(turn.t("tip.officer.staff_only"))
            return
        await self.inbox(turn, 0)

    async def inbox(self, turn: Turn, page: int) -> None:
        if turn.member is None or not turn.member.role.is_staff:
            turn.reply.notice = turn.t("tip.officer.not_allowed")
            return
        mine = [turn.member.unit_id] if turn.member.unit_id is not None else []
        units = None if turn.member.role.sees_every_unit else mine
        total = await turn.uow.tips.count_open(units)
        tips = await turn.uow.tips.open_tips(units, page * INBOX_PAGE, INBOX_PAGE)
        rows: list[tuple[Button, ...]] = [(Button(self._line(turn, t), f"tip:view:{t.id}"),)
                                          for t in tips]
        nav = []
        if page > 0:
            nav.append(Button(turn.t("common.prev"), f"tip:inbox:{page - 1}"))
        if (page + 1) * INBOX_PAGE < total:
            nav.append(Button(turn.t("common.next"), f"tip:inbox:{page + 1}"))
        if nav:
            rows.append(tuple(nav))
        turn.say(turn.t("tip.officer.inbox", count=total) if total
                 else turn.t("tip.officer.inbox_empty"), buttons=tuple(rows))

    def _line(self, turn: Turn, tip: Tip) -> str:
        return staff_t(turn, "tip.officer.inbox_line", label=tip.label,
                       category=staff_t(turn, f"tip.category.{tip.category}"),
                       time=local_time(tip.created_at)[:11],
                       status=staff_t(turn, f"tip.status_icon.{tip.status.value}"))

    async def _view(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        turn.uow.audit.record(actor(turn), "viewed", "tip", str(tip.id))
        card = await tip_card(turn, tip, "tip.card.view")
        thread = await turn.uow.tips.thread(tip.id)
        text = card.text + ("\n\n" + thread_text(turn, thread, for_tipster=False)
                            if thread else "")
        turn.reply.messages.append(Message(text=text, buttons=card.buttons,
                                           attachments=card.attachments, protect=True))

    async def ensure_taken(self, turn: Turn, tip: Tip) -> bool:
        """Any first action takes the tip; False if another officer already has it."""
        assert turn.member is not None           # allowed_tip let only a member through
        return await take_tip(TakeTip(tip, turn.member, datetime.now(timezone.utc)), turn.uow)

    async def _take(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        if turn.member is not None and tip.taken_by == turn.member.id:
            turn.reply.notice = turn.t("tip.officer.already_yours")
        elif await self.ensure_taken(turn, tip):
            turn.reply.notice = turn.t("tip.officer.taken", label=tip.label)
            turn.say(turn.t("tip.officer.taken", label=tip.label))
        else:
            await self._taken_by_other(turn, tip)

    async def _taken_by_other(self, turn: Turn, tip: Tip) -> None:
        fresh = await turn.uow.tips.by_id(tip.id)
        other = await turn.uow.members.by_id(fresh.taken_by or 0) if fresh else None
        text = turn.t("tip.officer.taken_by_other", label=tip.label,
                      name=other.name if other else "?")
        turn.reply.notice = text
        turn.say(text)

    async def _prompt(self, turn: Turn, tip: Tip, verb: str) -> None:
        """Steps that need typing happen in the officer's private chat."""
        if not await self.ensure_taken(turn, tip):
            await self._taken_by_other(turn, tip)
            return
        turn.go(TEXT_STEPS[verb], tip=tip.id)
        prompt = await turn.screens[TEXT_STEPS[verb]].render(turn)
        if turn.inbound.in_group:
            turn.reply.notice = turn.t("tip.officer.continue_private")
            turn.uow.notifications.add(Outgoing(channel=turn.inbound.channel,
                                                chat_id=turn.inbound.user_id, message=prompt))
        else:
            turn.reply.messages.append(prompt)

    async def _ask(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        if tip.conversation_ended or await turn.uow.tips.link(tip.id) is None:
            turn.reply.notice = turn.t("tip.officer.cannot_reach")
            turn.say(turn.t("tip.officer.cannot_reach"))
            return
        await self._prompt(turn, tip, "ask")

    async def _note(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        await self._prompt(turn, tip, "note")

    async def _move(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        await self._prompt(turn, tip, "move")

    async def _judge(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        buttons = tuple((Button(turn.t(f"tip.outcome.{o.value}"),
                                f"tip:outcome:{tip.id}:{o.value}"),) for o in Outcome)
        turn.say(turn.t("tip.officer.judge", label=tip.label), buttons=buttons)

    async def _outcome(self, turn: Turn, tip: Tip, args: list[str]) -> None:
        value = args[0] if args else ""
        if value not in {o.value for o in Outcome} or not await self.ensure_taken(turn, tip):
            turn.reply.notice = turn.t("error.bad_button")
            return
        if value == Outcome.DUPLICATE.value:
            turn.go("tip_dup", tip=tip.id)
            await turn.show()
            return
        await self.set_outcome(turn, tip, Outcome(value), None)

    async def set_outcome(self, turn: Turn, tip: Tip, outcome: Outcome, dup: Tip | None) -> None:
        assert turn.member is not None
        await judge_tip(JudgeTip(tip, turn.member, outcome, dup), turn.uow)
        turn.say(turn.t("tip.officer.outcome_set", label=tip.label,
                        outcome=turn.t(f"tip.outcome.{outcome.value}")))

    async def _close(self, turn: Turn, tip: Tip, _: list[str]) -> None:
        if not tip.is_open:
            turn.reply.notice = turn.t("tip.officer.already_closed")
            return
        if not await self.ensure_taken(turn, tip):
            await self._taken_by_other(turn, tip)
            return
        assert turn.member is not None
        await close_tip(CloseTip(tip, turn.member, datetime.now(timezone.utc),
                                 timedelta(days=self._rules.link_retention_days)), turn.uow)
        await send_to_tipster(turn, self._secrets, tip, "tip.closed_for_tipster",
                              answerable=False, label=tip.label)
        turn.reply.notice = turn.t("tip.officer.closed", label=tip.label)
        turn.say(turn.t("tip.officer.closed", label=tip.label))

    async def move_to(self, turn: Turn, tip: Tip, unit: Unit, reason: str) -> None:
        assert turn.member is not None
        await move_tip(MoveTip(tip, turn.member, unit, reason), turn.uow)
        card = await tip_card(turn, tip, "tip.card.moved")
        await notify_unit(turn, unit.id, Message(
            text=card.text + "\n\n" + staff_t(turn, "tip.card.move_reason", reason=reason),
            buttons=card.buttons, attachments=card.attachments, protect=True), about=tip.id)
        turn.say(turn.t("tip.officer.moved", label=tip.label, unit=unit.name))
