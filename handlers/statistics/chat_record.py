"""/ghinhan: an officer records an offline activity step by step; every step works by typing."""
from __future__ import annotations

from datetime import date, timedelta

from handlers.dialogue import Turn, option
from handlers.messages import Message
from handlers.statistics.access import leave, may_record, staff
from handlers.statistics.activities import (BY_SLUG, CATEGORIES, NOTE_LIMIT, ActivityError,
                                            ActivityInput, check_count, check_day, check_extra)
from handlers.statistics.labels import Labels
from handlers.statistics.numbers import parse_count
from handlers.statistics.period import PeriodError, parse_date
from handlers.statistics.recording import record_activity
from handlers.text import fold

STEPS = ("act_category", "act_date", "act_count", "act_extra", "act_note", "act_confirm")


class Recorder:
    """Moves through the steps, carrying what was entered in the dialogue state."""

    def __init__(self, today) -> None:
        self.today = today               # () -> local date

    async def start(self, turn: Turn) -> None:
        """/ghinhan [unit-slug]: officers record for their unit, the command for any unit."""
        member = staff(turn)
        if member is None:
            await leave(turn, "stats.act.refused")
            return
        wanted = turn.inbound.args.strip().lower()[:64] or None
        if wanted is None and member.role.sees_every_unit:
            turn.go("stats_unit", purpose="act", page=0)
            await turn.show()
            return
        unit = await turn.uow.units.by_slug(wanted) if wanted else (
            await turn.uow.units.by_id(member.unit_id) if member.unit_id else None)
        await self.pick_unit(turn, unit.slug if unit else wanted)

    async def pick_unit(self, turn: Turn, slug: str | None) -> None:
        unit = await turn.uow.units.by_slug(slug) if slug else None
        if not await may_record(turn, unit):
            await leave(turn, "stats.act.refused_unit")
            return
        turn.go("act_category", unit=unit.slug)
        await turn.show()

    async def advance(self, turn: Turn, **entered: object) -> None:
        """Store what was just entered and show the next step that still needs an answer."""
        data = {**turn.state.data, **entered}
        current = STEPS.index(turn.state.step)
        following = STEPS[current + 1]
        if following == "act_extra" and not BY_SLUG[data["cat"]].extra:
            following = "act_note"
        turn.go(following, **data)
        await turn.show()

    async def refuse(self, turn: Turn, error: ActivityError | PeriodError) -> None:
        turn.say(Labels(turn.catalog, turn.lang).explain(error))
        await turn.show()

    async def save(self, turn: Turn) -> None:
        data = turn.state.data
        unit = await turn.uow.units.by_slug(data["unit"])
        if not await may_record(turn, unit):
            await leave(turn, "stats.act.refused_unit")
            return
        entry = ActivityInput(unit_id=unit.id, day=date.fromisoformat(data["day"]),
                              category=data["cat"], count=int(data["count"]),
                              extra=data.get("extra"), note=data.get("note", ""))
        try:
            activity = await record_activity(turn.uow, entry, f"member:{staff(turn).id}",
                                             self.today())
        except ActivityError as error:
            turn.say(Labels(turn.catalog, turn.lang).explain(error))
            await leave(turn)
            return
        await leave(turn, "stats.act.saved", record=activity.record_id)


class _Step:
    step = ""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def category(self, turn: Turn):
        return BY_SLUG[turn.state.data["cat"]]

    async def choose(self, turn: Turn, key: str) -> None:
        await leave(turn)                       # the only button on typing steps: cancel

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class CategoryScreen(_Step):
    step = "act_category"

    async def render(self, turn: Turn) -> Message:
        labels = Labels(turn.catalog, turn.lang)
        rows = [(option(self.step, c.slug, labels.activity(c.slug)),) for c in CATEGORIES]
        rows.append((option(self.step, "cancel", turn.t("common.cancel")),))
        unit = await turn.uow.units.by_slug(turn.state.data.get("unit", ""))
        return Message(text=turn.t("stats.act.category_prompt", unit=unit.name if unit else ""),
                       buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key in BY_SLUG:
            await self.recorder.advance(turn, cat=key)
        else:
            await leave(turn)


class DateScreen(_Step):
    step = "act_date"

    async def render(self, turn: Turn) -> Message:
        rows = ((option(self.step, "today", turn.t("stats.act.today")),
                 option(self.step, "yesterday", turn.t("stats.act.yesterday"))),
                (option(self.step, "cancel", turn.t("common.cancel")),))
        return Message(text=turn.t("stats.act.date_prompt"), buttons=rows)

    async def choose(self, turn: Turn, key: str) -> None:
        if key in ("today", "yesterday"):
            day = self.recorder.today() - timedelta(days=1 if key == "yesterday" else 0)
            await self.recorder.advance(turn, day=day.isoformat())
        else:
            await leave(turn)

    async def free_text(self, turn: Turn, text: str) -> bool:
        today = self.recorder.today()
        try:
            day = check_day(parse_date(text, today), today)
        except (PeriodError, ActivityError) as error:
            await self.recorder.refuse(turn, error)
            return True
        await self.recorder.advance(turn, day=day.isoformat())
        return True


class CountScreen(_Step):
    """No buttons here: a typed "1" must be a count, not the first button."""

    step = "act_count"
    typed_numbers = True        # a typed 0 is a count (refused as such), not "back"

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t(f"stats.act.count_prompt.{turn.state.data['cat']}"))

    async def free_text(self, turn: Turn, text: str) -> bool:
        try:
            count = check_count(self.category(turn), _number(text))
        except ActivityError as error:
            await self.recorder.refuse(turn, error)
            return True
        await self.recorder.advance(turn, count=count)
        return True


class ExtraScreen(_Step):
    step = "act_extra"
    typed_numbers = True        # 0 succeeded is a real answer here

    async def render(self, turn: Turn) -> Message:
        cat = self.category(turn)
        return Message(text=turn.t(f"stats.act.extra_prompt.{cat.extra}"))

    async def free_text(self, turn: Turn, text: str) -> bool:
        cat, data = self.category(turn), turn.state.data
        skip = {fold(w) for w in turn.t("stats.act.skip_words").split(",")}
        try:
            value = None if fold(text) in skip else _number(text)
            extra = check_extra(cat, int(data["count"]), value)
        except ActivityError as error:
            await self.recorder.refuse(turn, error)
            return True
        await self.recorder.advance(turn, extra=extra)
        return True


class NoteScreen(_Step):
    step = "act_note"

    async def render(self, turn: Turn) -> Message:
        rows = ((option(self.step, "skip", turn.t("stats.act.skip")),
                 option(self.step, "cancel", turn.t("common.cancel"))),)
        return Message(text=turn.t("stats.act.note_prompt", limit=NOTE_LIMIT), buttons=rows)

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "skip":
            await self.recorder.advance(turn, note="")
        else:
            await leave(turn)

    async def free_text(self, turn: Turn, text: str) -> bool:
        if len(text.strip()) > NOTE_LIMIT:
            await self.recorder.refuse(turn, ActivityError("stats.act.error.note_long",
                                                           limit=NOTE_LIMIT))
            return True
        await self.recorder.advance(turn, note=text.strip())
        return True


class ConfirmScreen(_Step):
    step = "act_confirm"

    async def render(self, turn: Turn) -> Message:
        data, labels = turn.state.data, Labels(turn.catalog, turn.lang)
        cat = self.category(turn)
        unit = await turn.uow.units.by_slug(data["unit"])
        extra = "" if data.get("extra") is None else turn.t(
            f"stats.act.extra_line.{cat.extra}", value=labels.n(data["extra"]))
        text = turn.t("stats.act.confirm", unit=unit.name if unit else data["unit"],
                      category=labels.activity(cat.slug),
                      day=labels.day(date.fromisoformat(data["day"])),
                      count=labels.n(data["count"]), extra=extra,
                      note=data.get("note") or "—")
        rows = ((option(self.step, "save", turn.t("stats.act.save")),
                 option(self.step, "cancel", turn.t("common.cancel"))),)
        return Message(text=text, buttons=rows)

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "save":
            await self.recorder.save(turn)
        else:
            await leave(turn, "stats.act.cancelled")


def _number(text: str) -> int:
    try:
        return parse_count(text)
    except ValueError:
        raise ActivityError("stats.act.error.not_number", text=text.strip()[:30]) from None
