"""The tipster's side after sending: look up a tip by its receipt code, answer the police's
questions, end the conversation. Nothing here reveals who the tipster is to anyone."""
from __future__ import annotations

from datetime import datetime, timezone

from handlers.dialogue import Turn
from handlers.domain import EventKind
from handlers.messages import Button, Message, Outgoing, typed_only
from handlers.tips.cards import staff_t
from handlers.tips.domain import (ThreadMessage, Tip, as_attachments, normalise_code,
                                  stored_files)
from handlers.ports import Secrets
from handlers.tips.domain import TipRules
from handlers.tips.routing import notify_member, notify_unit
from handlers.tips.service import windows
from handlers.tips.status import EndScreen, TipStatusScreen, seal_tip
from handlers.typed import payload_id

MAX_ANSWER = 3000


def answer_token(secrets: Secrets, tip_id: int, channel: str, user_id: str) -> str:
    """Binds an 'answer' button to the account it was sent to: forged presses do nothing."""
    return secrets.digest("answer", f"{tip_id}:{channel}:{user_id}")[:16]


def answer_button(turn: Turn, secrets: Secrets, tip: Tip, channel: str, user_id: str,
                  lang: str | None = None) -> Button:
    token = answer_token(secrets, tip.id, channel, user_id)
    label = turn.catalog.t(lang or turn.lang, "tip.answer_button")
    return Button(label, f"tipr:{tip.id}:{token}")


class Followup:
    """Commands and screens of the tipster's side."""

    step = "tip_answer"
    max_text = MAX_ANSWER

    def __init__(self, secrets: Secrets, rules: TipRules) -> None:
        self._secrets, self._rules = secrets, rules
        self.ender = EndScreen(secrets, self.end_conversation)
        self.status = TipStatusScreen(secrets, self.ender)

    async def find(self, turn: Turn, typed: str) -> Tip | None:
        """A tip by its code, rate-limited per account (failed guesses count)."""
        key = self._secrets.digest("lookup", f"{turn.inbound.channel}:{turn.inbound.user_id}")
        hour, _ = windows(datetime.now(timezone.utc))
        if await turn.uow.counters.count(key, hour) >= self._rules.lookups_per_hour:
            turn.say(turn.t("tip.lookup_limited"))
            return None
        code = normalise_code(typed)
        tip = await turn.uow.tips.by_code_hash(self._secrets.digest("receipt", code)) \
            if code else None
        if tip is None:
            await turn.uow.counters.hit(key, hour)
            turn.say(turn.t("tip.lookup_not_found"))
        return tip

    async def lookup(self, turn: Turn) -> None:
        """/tracuu CODE: status and the police's questions, from any account; without a code
        it asks for one (that is not a failed look-up)."""
        if not turn.inbound.args.strip():
            turn.go("tip_lookup")
            await turn.show()
            return
        await self.lookup_code(turn, turn.inbound.args)

    async def lookup_code(self, turn: Turn, typed: str) -> None:
        tip = await self.find(turn, typed)
        if tip is not None:
            await self.show_status(turn, tip)

    async def show_status(self, turn: Turn, tip: Tip) -> None:
        turn.go(self.status.step, tip=seal_tip(self._secrets, tip))
        await turn.show()

    async def end(self, turn: Turn) -> None:
        """/ketthuc CODE: asks first, like /huy; without a code it asks for one."""
        if not turn.inbound.args.strip():
            turn.go("tip_lookup", then="end")
            await turn.show()
            return
        tip = await self.find(turn, turn.inbound.args)
        if tip is not None:
            await self.confirm_end(turn, tip)

    async def confirm_end(self, turn: Turn, tip: Tip) -> None:
        turn.go(self.ender.step, tip=seal_tip(self._secrets, tip))
        await turn.show()

    async def end_conversation(self, turn: Turn, tip: Tip) -> None:
        """Nothing more is delivered to the tipster; the link is erased now."""
        await turn.uow.tips.end_conversation(tip.id, datetime.now(timezone.utc))
        turn.uow.audit.record("tipster", "conversation_ended", "tip", str(tip.id))
        await _tell_officers(turn, tip, Message(text=staff_t(
            turn, "tip.officer.conversation_ended", label=tip.label)))
        turn.say(turn.t("tip.ended", label=tip.label))

    async def press_answer(self, turn: Turn, args: list[str]) -> None:
        """The 'answer' button under a question: only the account it was sent to may use it."""
        tip_id = (payload_id(args[0]) if args else None) or 0
        token = args[1] if len(args) > 1 else ""
        expected = answer_token(self._secrets, tip_id, turn.inbound.channel, turn.inbound.user_id)
        tip = await turn.uow.tips.by_id(tip_id) if token == expected else None
        if tip is None or not tip.is_open or tip.conversation_ended:
            turn.reply.notice = turn.t("tip.answer_closed")
            return
        # The tip id is kept sealed in the dialogue state while the answer is typed.
        turn.go(self.step, tip=self._secrets.seal("tip", str(tip.id)))
        await turn.show()

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("tip.ask_answer"))

    async def choose(self, turn: Turn, key: str) -> None:  # pragma: no cover - no buttons
        return None

    async def free_text(self, turn: Turn, text: str) -> bool:
        await self._answer(turn, text.strip(), ())
        return True

    async def media(self, turn: Turn) -> bool:
        files = stored_files(turn.inbound.attachments)
        if not files:
            return False
        await self._answer(turn, turn.inbound.text.strip(), files)
        return True

    async def _answer(self, turn: Turn, text: str, files: tuple) -> None:
        unsealed = self._secrets.unseal(turn.state.data.get("tip", ""))
        tip_id = payload_id(unsealed[1]) if unsealed else None
        tip = await turn.uow.tips.by_id(tip_id) if tip_id else None
        turn.go("main")
        if tip is None or not tip.is_open:
            turn.say(turn.t("tip.answer_closed"))
            return
        now = datetime.now(timezone.utc)
        await turn.uow.tips.add_message(tip.id, ThreadMessage("from_tipster", text, now,
                                                              attachments=files), None)
        turn.uow.ledger.record(EventKind.FOLLOWUP_ANSWERED, unit_id=tip.unit_id,
                               topic=tip.category, ref=str(tip.id))
        turn.uow.audit.record("tipster", "answered", "tip", str(tip.id))
        reply = Button(staff_t(turn, "tip.action.ask"), f"tip:ask:{tip.id}")
        await _tell_officers(turn, tip, Message(
            text=staff_t(turn, "tip.officer.answer", label=tip.label,
                         text=text or staff_t(turn, "tip.thread.files_only")),
            buttons=((reply,),), attachments=as_attachments(files), protect=True))
        turn.say(turn.t("tip.answer_sent"))
        await turn.show()



async def _tell_officers(turn: Turn, tip: Tip, message: Message) -> None:
    if not await notify_member(turn, tip.taken_by, message, about=tip.id):
        await notify_unit(turn, tip.unit_id, message, about=tip.id)


async def send_to_tipster(turn: Turn, secrets: Secrets, tip: Tip, key: str, *,
                          answerable: bool, attachments: tuple = (), **values: object) -> bool:
    """Queue a message for the tipster, in their language; False if the link is gone.

    The address is unsealed here only to pick the language and bind the answer button; the
    queued row names the tip, not the person (the sender unseals again to deliver it).
    """
    sealed = await turn.uow.tips.link(tip.id)
    address = secrets.unseal(sealed) if sealed else None
    if address is None or tip.conversation_ended:
        return False
    channel, user_id = address
    subscriber = await turn.uow.subscribers.get(channel, user_id)
    lang = subscriber.language if subscriber else None
    buttons = ((answer_button(turn, secrets, tip, channel, user_id, lang),),) \
        if answerable else ()
    wording = turn.catalog.variant(key, typed_only(channel))
    message = Message(text=turn.catalog.t(lang, wording, **values), buttons=buttons,
                      attachments=attachments, protect=bool(attachments))
    turn.uow.notifications.add(Outgoing(channel=channel, tip_id=tip.id, message=message))
    return True
