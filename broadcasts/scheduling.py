"""When it goes out (now, a date and time, or a recurrence) and when undelivered copies expire."""
from __future__ import annotations

from datetime import datetime, timedelta

from broadcasts.commands import ComposeBroadcast, DraftRefused, StatusMessage, compose_broadcast
from broadcasts.flow import BroadcastContext, advance, draft_of, quit_compose, refuse
from broadcasts.problems import BadTime, BulletinProblem, MalformedRecurrence
from broadcasts.recurrence import next_occurrence, parse_recurrence
from broadcasts.recurrence_words import RecurrenceWords, read_typed_recurrence
from broadcasts.review import enter_preview
from broadcasts.validation import validate_schedule
from broadcasts.when import parse_duration, parse_local
from handlers.dialogue import Turn, option
from handlers.messages import Message

WHEN, EXPIRY, PREVIEW = "bc_when", "bc_expiry", "bc_preview"
_RULE_MACHINE = ("daily:", "daily@", "weekly:", "monthly:")
EXPIRY_CHOICES = {"6h": timedelta(hours=6), "24h": timedelta(hours=24),
                  "3d": timedelta(days=3), "7d": timedelta(days=7)}


class WhenScreen:
    """Now, or a typed date and time, or a typed recurrence ("thứ hai hằng tuần 08:00")."""

    step = WHEN

    def __init__(self, ctx: BroadcastContext) -> None:
        self._ctx = ctx

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("broadcast.when"), buttons=(
            (option(self.step, "now", turn.t("broadcast.now")),),
            (option(self.step, "quit", turn.t("common.cancel")),)))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        advance(turn, EXPIRY, start=None, rec=None)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        now = self._ctx.clock()
        try:
            start, rule = self._read(text.strip(), now, RecurrenceWords.of(turn.t))
            problems = validate_schedule(start, None, now, None)
            if problems:
                raise problems[0]
        except BulletinProblem as problem:
            refuse(turn, problem)
            await turn.show()
            return True
        advance(turn, EXPIRY, start=start.isoformat(), rec=rule)
        await turn.show()
        return True

    def _read(self, text: str, now: datetime,
              words: RecurrenceWords) -> tuple[datetime, str | None]:
        if "@" in text or text.lower().startswith(_RULE_MACHINE):
            rule = parse_recurrence(text)        # the stored grammar, as the CLI takes it
            return next_occurrence(rule, now), str(rule)
        typed = read_typed_recurrence(text, words)   # raises MalformedRecurrence if half a rule
        if typed is not None:
            return next_occurrence(typed, now), str(typed)
        try:
            return parse_local(text, now), None
        except BadTime:
            if ":" in text and any(c.isalpha() for c in text):
                raise MalformedRecurrence(text, "not a rule") from None
            raise


class ExpiryScreen:
    """How long undelivered copies may still go out: a preset, a typed duration or a date."""

    step = EXPIRY

    def __init__(self, ctx: BroadcastContext) -> None:
        self._ctx = ctx

    async def render(self, turn: Turn) -> Message:
        presets = tuple(option(self.step, key, turn.t(f"broadcast.expiry.{key}"))
                        for key in EXPIRY_CHOICES)
        return Message(text=turn.t("broadcast.expiry"), buttons=(
            presets[:2], presets[2:], (option(self.step, "quit", turn.t("common.cancel")),)))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        await self._set(turn, EXPIRY_CHOICES[key], None)

    async def free_text(self, turn: Turn, text: str) -> bool:
        duration = parse_duration(text)
        if duration is not None:
            await self._set(turn, duration, None)
            return True
        try:
            await self._set(turn, None, parse_local(text, self._ctx.clock()))
        except BadTime as problem:
            refuse(turn, problem)
            await turn.show()
        return True

    async def _set(self, turn: Turn, duration: timedelta | None, moment: datetime | None) -> None:
        now = self._ctx.clock()
        draft = draft_of(turn.state.data)
        start = draft.start or now
        draft.expires = moment if moment is not None else start + (duration or timedelta())
        watch = StatusMessage(turn.subscriber.channel, turn.inbound.user_id, turn.lang)
        try:
            draft_id = await compose_broadcast(ComposeBroadcast(draft, turn.member, now, watch),
                                               turn.uow)
        except DraftRefused as refused:
            refuse(turn, refused.problems[0])
            await turn.show()
            return
        advance(turn, PREVIEW, id=draft_id, expires=draft.expires.isoformat(),
                valid=int((draft.expires - start).total_seconds()))
        await enter_preview(turn, self._ctx)
