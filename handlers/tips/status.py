"""The tipster's screens after `/tracuu CODE` and `/ketthuc CODE`: the tip's status with numbered
choices (answer the police, end the conversation, main menu), and the confirmation before the
conversation is ended. The tip is named in the dialogue state only sealed, never in clear."""
from __future__ import annotations

from handlers.dialogue import Turn, option
from handlers.messages import Message
from handlers.tips.cards import thread_text
from handlers.tips.domain import Tip
from handlers.ports import Secrets
from handlers.typed import payload_id

TIP = "tip"         # the purpose of the sealed tip id in the dialogue state


def seal_tip(secrets: Secrets, tip: Tip) -> str:
    return secrets.seal(TIP, str(tip.id))


async def sealed_tip(turn: Turn, secrets: Secrets) -> Tip | None:
    unsealed = secrets.unseal(str(turn.state.data.get("tip", "")))
    if unsealed is None or unsealed[0] != TIP or payload_id(unsealed[1]) is None:
        return None
    return await turn.uow.tips.by_id(payload_id(unsealed[1]))


def answerable(tip: Tip | None) -> bool:
    return tip is not None and tip.is_open and not tip.conversation_ended


class TipStatusScreen:
    """What `/tracuu CODE` shows; the options are the ones a typed number selects."""

    step = "tip_status"

    def __init__(self, secrets: Secrets, ender: EndScreen) -> None:
        self._secrets, self._ender = secrets, ender

    async def render(self, turn: Turn) -> Message:
        tip = await sealed_tip(turn, self._secrets)
        if tip is None:
            return Message(text=turn.t("tip.answer_closed"), buttons=(
                (option(self.step, "menu", turn.t("library.main_menu")),),))
        thread = [m for m in await turn.uow.tips.thread(tip.id) if m.direction != "note"]
        text = turn.t("tip.lookup_status", label=tip.label,
                      status=turn.t(f"tip.public_status.{tip.status.value}"))
        if thread:
            text += "\n\n" + thread_text(turn, thread, for_tipster=True)
        rows = []
        if answerable(tip):
            rows.append((option(self.step, "answer", turn.t("tip.answer_button")),))
            rows.append((option(self.step, "end", turn.t("tip.end_button")),))
        rows.append((option(self.step, "menu", turn.t("library.main_menu")),))
        return Message(text=text, buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        tip = await sealed_tip(turn, self._secrets)
        if key == "menu" or not answerable(tip):
            if key != "menu":
                turn.say(turn.t("tip.answer_closed"))
            turn.go("main")
        else:
            turn.go("tip_answer" if key == "answer" else self._ender.step,
                    tip=seal_tip(self._secrets, tip))
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class EndScreen:
    """`/ketthuc CODE` asks first, as `/huy` does: ending cannot be undone."""

    step = "tip_end"

    def __init__(self, secrets: Secrets, end) -> None:
        self._secrets, self._end = secrets, end

    async def render(self, turn: Turn) -> Message:
        tip = await sealed_tip(turn, self._secrets)
        return Message(text=turn.t("tip.end_confirm", label=tip.label if tip else "?"),
                       buttons=((option(self.step, "yes", turn.t("tip.end_yes")),
                                 option(self.step, "no", turn.t("tip.end_no"))),))

    async def choose(self, turn: Turn, key: str) -> None:
        tip = await sealed_tip(turn, self._secrets)
        turn.go("main")
        if key == "yes" and tip is not None and not tip.conversation_ended:
            await self._end(turn, tip)
        elif key == "yes":
            turn.say(turn.t("tip.answer_closed"))
        else:
            turn.say(turn.t("tip.end_kept"))
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False
