"""What every step of a tip or team report shares: the order of the steps, saving the draft,
going a step back, asking before a written draft is left, cancelling, and discarding a draft
left for more than a day."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from handlers.dialogue import Turn, option
from handlers.domain import EventKind
from handlers.messages import Button
from handlers.tips.domain import TipDraft, TipKind
from handlers.tips.service import draft_of, keep

DRAFT_LIFETIME = timedelta(hours=24)
TIP_CTX = "tip"


# The steps of each kind of report, in order: a team report is under the member's name, so
# it skips the safety advice and the contact question, and asks when it happened.
SEQUENCE = {
    TipKind.TIP: ("tip_safety", "tip_category", "tip_place", "tip_text", "tip_media",
                  "tip_contact", "tip_confirm"),
    TipKind.TEAM_REPORT: ("tip_category", "team_place", "team_time", "tip_text", "tip_media",
                          "tip_confirm"),
}
# Steps reached from another one rather than in SEQUENCE's order.
PREVIOUS = {"tip_text_long": "tip_text", "tip_commune": "tip_place"}
LEAVE = "tip_leave"       # "Bỏ tin báo đang viết?": asked before a written draft is left
RESUMABLE = frozenset({step for steps in SEQUENCE.values() for step in steps} | set(PREVIOUS))


def tip_t(turn: Turn, key: str, **values: object) -> str:
    """A tip step's words. A team report says `team.<rest>` where the catalogue has it: the
    member reports under their own name, so no "do not write your name", no anonymity, and it is
    a "báo cáo", not a "tin báo"."""
    if key.startswith("tip.") and draft_of(turn).kind is TipKind.TEAM_REPORT:
        team_key = "team." + key.removeprefix("tip.")
        if turn.catalog.has(team_key):
            key = team_key
    return turn.t(key, **values)


def save(turn: Turn, step: str, draft: TipDraft) -> None:
    turn.go(step, draft=keep(draft))


def advance(turn: Turn, after: str, draft: TipDraft) -> None:
    """Go to the step after `after` for this kind of report."""
    steps = SEQUENCE[draft.kind]
    save(turn, steps[steps.index(after) + 1], draft)


async def abandon(turn: Turn, key: str = "tip.cancelled", show: bool = True) -> None:
    turn.uow.ledger.record(EventKind.TIP_ABANDONED)
    turn.say(tip_t(turn, key))
    turn.go("main")
    if show:
        await turn.show()


async def stale(turn: Turn) -> bool:
    """A draft left for more than a day is discarded rather than sent by surprise."""
    started = draft_of(turn).started_at
    if started and datetime.fromisoformat(started) < datetime.now(timezone.utc) - DRAFT_LIFETIME:
        await abandon(turn, "tip.draft_expired")
        return True
    return False


def has_work(draft: TipDraft) -> bool:
    """Something the person chose or wrote that leaving would throw away."""
    return bool(draft.category or draft.text or draft.attachments or draft.contact
                or draft.location or draft.place or draft.more)


async def ask_before_leaving(turn: Turn, step: str, then: dict[str, str] | None = None) -> bool:
    """A typed "menu" / "thoát" / "0", or a command or menu item (`then`: done if the draft is
    given up), over a draft with work in it asks first (keep or discard), with everything of
    the step kept to come back to; False when nothing is written (the way out applies)."""
    if await stale(turn):
        return not then          # the stale draft is gone: what was asked for goes ahead
    if not has_work(draft_of(turn)):
        return False
    data = dict(turn.state.data)
    draft = data.pop("draft", None)
    turn.go(LEAVE, draft=draft, resume_step=step, resume=data, **({"then": then} if then else {}))
    await turn.show()
    return True


def resume(turn: Turn) -> None:
    """Back to the step the person left, as it was (a tip's commune list, a held long text)."""
    data = turn.state.data
    step, kept = data.get("resume_step"), data.get("resume")
    draft = draft_of(turn)
    if not isinstance(step, str) or step not in RESUMABLE:
        step = SEQUENCE[draft.kind][0]         # dialogue state is read back, never trusted
    turn.go(step, **(kept if isinstance(kept, dict) else {}), draft=keep(draft))


async def go_back(turn: Turn, step: str) -> bool:
    """One step back from `step`, keeping the draft; False at the first step."""
    if await stale(turn):
        return True
    draft = draft_of(turn)
    steps = SEQUENCE[draft.kind]
    target = PREVIOUS.get(step)
    if target is None and step in steps[1:]:
        target = steps[steps.index(step) - 1]
    if target is None:
        return False
    save(turn, target, draft)
    await turn.show()
    return True


class TipStep:
    """Common behaviour: a cancel button, stale drafts, no free text unless said."""

    step = ""
    max_text = 1000

    async def choose(self, turn: Turn, key: str) -> None:
        if await stale(turn):
            return
        if key == "cancel":
            await abandon(turn)
            return
        await self.act(turn, key, draft_of(turn))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        raise NotImplementedError

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False

    async def step_back(self, turn: Turn) -> bool:
        """A typed "quay lại" / "trở về" goes to the step before, keeping the draft; at the
        first step there is none (False: the screen's own way back applies)."""
        return await go_back(turn, self.step)

    async def leave(self, turn: Turn) -> bool:
        return await ask_before_leaving(turn, self.step)

    async def leave_for(self, turn: Turn, then: dict[str, str]) -> bool:
        return await ask_before_leaving(turn, self.step, then)

    def cancel_row(self, turn: Turn) -> tuple[Button, ...]:
        return (option(self.step, "cancel", tip_t(turn, "tip.cancel")),)
