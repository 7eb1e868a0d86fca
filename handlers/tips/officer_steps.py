"""The officer's typed steps about one tip: ask the tipster, add a note, mark a duplicate,
move the tip to another unit (the desk in handlers/tips/officer.py does the acting)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from handlers.dialogue import Turn, option
from handlers.messages import Message
from handlers.onboarding import match_units
from handlers.ports import Secrets
from handlers.tips.actions import NoteOnTip, note_on_tip
from handlers.tips.domain import Outcome, Tip, as_attachments, stored_files
from handlers.tips.followup import send_to_tipster
from handlers.tips.officer import OfficerDesk
from handlers.tips.routing import duty_desk


class TextStep:
    """An officer types something about one tip (the tip id is in the state)."""

    step = ""
    key = ""
    max_text = 3000

    def __init__(self, desk: OfficerDesk, secrets: Secrets) -> None:
        self._desk, self._secrets = desk, secrets

    async def render(self, turn: Turn) -> Message:
        tip = await turn.uow.tips.by_id(int(turn.state.data.get("tip", 0)))
        return Message(text=turn.t(self.key, label=tip.label if tip else "?"),
                       buttons=((option(self.step, "cancel", turn.t("common.cancel")),),))

    async def choose(self, turn: Turn, key: str) -> None:
        turn.say(turn.t("tip.officer.cancelled"))
        turn.go("main")

    async def tip(self, turn: Turn) -> Tip | None:
        tip = await self._desk.allowed_tip(turn, str(turn.state.data.get("tip", "")))
        turn.go("main")
        return tip


class AskStep(TextStep):
    step, key = "tip_ask", "tip.officer.ask_prompt"

    async def free_text(self, turn: Turn, text: str) -> bool:
        await self._send(turn, text.strip(), ())
        return True

    async def media(self, turn: Turn) -> bool:
        if not turn.inbound.attachments:
            return False
        files = stored_files(turn.inbound.attachments)
        await self._send(turn, turn.inbound.text.strip(), files)
        return True

    async def _send(self, turn: Turn, text: str, files: tuple[dict[str, Any], ...]) -> None:
        tip = await self.tip(turn)
        if tip is None:
            return
        if not await send_to_tipster(turn, self._secrets, tip, "tip.question_for_tipster",
                                     answerable=True, attachments=as_attachments(files),
                                     label=tip.label,
                                     text=text or turn.t("tip.thread.files_only")):
            turn.say(turn.t("tip.officer.cannot_reach"))
            return
        assert turn.member is not None
        await note_on_tip(NoteOnTip(tip, turn.member, text, datetime.now(timezone.utc), files,
                                    asked=True), turn.uow)
        turn.say(turn.t("tip.officer.question_sent", label=tip.label))


class NoteStep(TextStep):
    step, key = "tip_note", "tip.officer.note_prompt"

    async def free_text(self, turn: Turn, text: str) -> bool:
        tip = await self.tip(turn)
        if tip is not None and turn.member is not None:
            await note_on_tip(NoteOnTip(tip, turn.member, text.strip(),
                                        datetime.now(timezone.utc)), turn.uow)
            turn.say(turn.t("tip.officer.note_saved", label=tip.label))
        return True


class DuplicateStep(TextStep):
    step, key = "tip_dup", "tip.officer.dup_prompt"

    async def free_text(self, turn: Turn, text: str) -> bool:
        tip = await self.tip(turn)
        other = await turn.uow.tips.by_label(text.strip().lstrip("#")[:8])
        if tip is None:
            return True
        if other is None or other.id == tip.id:
            turn.say(turn.t("tip.officer.dup_not_found"))
            turn.go(self.step, tip=tip.id)
            return True
        await self._desk.set_outcome(turn, tip, Outcome.DUPLICATE, other)
        return True


class MoveStep(TextStep):
    """Choose the receiving unit (typed name or number), then give a reason."""

    step, key = "tip_move", "tip.officer.move_prompt"

    async def render(self, turn: Turn) -> Message:
        message = await super().render(turn)
        unit_slug = turn.state.data.get("unit")
        if unit_slug:
            return Message(text=turn.t("tip.officer.move_reason", unit=unit_slug),
                           buttons=message.buttons)
        desk = await duty_desk(turn.uow)
        units = [desk, *await turn.uow.units.selectable()]
        rows = [tuple(option(self.step, f"u.{u.slug}", u.short) for u in units[i:i + 3])
                for i in range(0, len(units), 3)]
        return Message(text=message.text, buttons=(*rows, *message.buttons))

    async def choose(self, turn: Turn, key: str) -> None:
        if key.startswith("u."):
            turn.go(self.step, tip=turn.state.data.get("tip"), unit=key[2:])
            await turn.show()
        else:
            await super().choose(turn, key)

    async def free_text(self, turn: Turn, text: str) -> bool:
        data = turn.state.data
        if not data.get("unit"):
            found = match_units(list(await turn.uow.units.all()), text)
            if len(found) != 1:
                turn.say(turn.t("commune.not_found", text=text[:60]))
                await turn.show()
                return True
            turn.go(self.step, tip=data.get("tip"), unit=found[0].slug)
            await turn.show()
            return True
        unit = await turn.uow.units.by_slug(data["unit"])
        tip = await self.tip(turn)
        if tip is not None and unit is not None:
            await self._desk.move_to(turn, tip, unit, text.strip()[:500])
        return True
