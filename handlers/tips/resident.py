"""A resident sends an anonymous tip: safety advice, category, place, text, media, contact,
confirmation; the receipt code only after it is stored."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from handlers.dialogue import Turn, option
from handlers.directory import unit_police
from handlers.domain import EventKind
from handlers.messages import Kind, Message
from handlers.onboarding import CommuneScreen, match_units
from handlers.text import split_text
from handlers.tips.domain import (CATEGORIES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_CONTACT,
                                  MAX_TEXT, TipDraft, TipKind)
from handlers.ports import Secrets
from handlers.tips.domain import TipRules
from handlers.tips.routing import unit_at
from handlers.tips.service import TipRefused, draft_of, keep, limit_reached, submit

DRAFT_LIFETIME = timedelta(hours=24)
MAX_HELD = 4 * MAX_TEXT       # a text longer than a tip is kept while the person decides
TIP_CTX = "tip"


# The steps of each kind of report, in order: a team report is under the member's name, so
# it skips the safety advice and the contact question, and asks when it happened.
SEQUENCE = {
    TipKind.TIP: ("tip_safety", "tip_category", "tip_place", "tip_text", "tip_media",
                  "tip_contact", "tip_confirm"),
    TipKind.TEAM_REPORT: ("tip_category", "team_place", "team_time", "tip_text", "tip_media",
                          "tip_confirm"),
}


def save(turn: Turn, step: str, draft: TipDraft) -> None:
    turn.go(step, draft=keep(draft))


def advance(turn: Turn, after: str, draft: TipDraft) -> None:
    """Go to the step after `after` for this kind of report."""
    steps = SEQUENCE[draft.kind]
    save(turn, steps[steps.index(after) + 1], draft)


async def abandon(turn: Turn, key: str = "tip.cancelled") -> None:
    turn.uow.ledger.record(EventKind.TIP_ABANDONED)
    turn.say(turn.t(key))
    turn.go("main")
    await turn.show()


async def stale(turn: Turn) -> bool:
    """A draft left for more than a day is discarded rather than sent by surprise."""
    started = draft_of(turn).started_at
    if started and datetime.fromisoformat(started) < datetime.now(timezone.utc) - DRAFT_LIFETIME:
        await abandon(turn, "tip.draft_expired")
        return True
    return False


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

    def cancel_row(self, turn: Turn) -> tuple:
        return (option(self.step, "cancel", turn.t("tip.cancel")),)


class SafetyScreen(TipStep):
    step = "tip_safety"

    def __init__(self, secrets: Secrets, rules: TipRules) -> None:
        self._secrets, self._rules = secrets, rules

    async def start(self, turn: Turn, prompted_by: str = "") -> None:
        """Start a tip (menu, /tobao, a bulletin's link or its screen that prompted it); a
        person over the tip limit is told so now, before writing anything."""
        refusal = await limit_reached(turn, self._secrets, self._rules)
        if refusal is not None:
            turn.say(turn.t(refusal))
            turn.go("main")
            await turn.show()
            return
        draft = TipDraft(kind=TipKind.TIP, started_at=datetime.now(timezone.utc).isoformat(),
                         prompted_by=prompted_by[:32])
        turn.uow.ledger.record(EventKind.TIP_STARTED, data={"prompted_by": prompted_by or None})
        save(turn, self.step, draft)
        await turn.show()

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("tip.safety"), buttons=(
            (option(self.step, "go", turn.t("tip.continue")),), self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        advance(turn, self.step, draft)
        await turn.show()


class CategoryScreen(TipStep):
    step = "tip_category"

    async def render(self, turn: Turn) -> Message:
        buttons = [option(self.step, c, turn.t(f"tip.category.{c}")) for c in CATEGORIES]
        rows = [tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2)]
        return Message(text=turn.t("tip.ask_category"), buttons=(*rows, self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        draft.category = key
        advance(turn, self.step, draft)
        await turn.show()


class PlaceScreen(TipStep):
    step = "tip_place"

    async def render(self, turn: Turn) -> Message:
        rows = []
        unit = await turn.uow.units.by_id(turn.subscriber.unit_id or 0)
        if unit is not None:
            rows.append((option(self.step, "mine", turn.t("tip.place_mine", commune=unit.name)),))
        rows.append((option(self.step, "other", turn.t("tip.place_other")),
                     option(self.step, "unknown", turn.t("tip.place_unknown"))))
        return Message(text=turn.t("tip.ask_place"), buttons=(*rows, self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        if key == "other":
            turn.go("tip_commune", ctx=TIP_CTX, page=0, draft=keep(draft))
            await turn.show()
            return
        unit = await turn.uow.units.by_id(turn.subscriber.unit_id or 0) if key == "mine" else None
        draft.unit_slug = unit.slug if unit else "?"
        advance(turn, self.step, draft)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        found = match_units(list(await turn.uow.units.selectable()), text)
        draft = draft_of(turn)
        if len(found) == 1:
            draft.unit_slug = found[0].slug
            turn.say(turn.t("commune.chosen", commune=found[0].name))
            advance(turn, "tip_place", draft)
        else:
            turn.go("tip_commune", ctx=TIP_CTX, page=0, draft=keep(draft),
                    **({"matches": [u.slug for u in found]} if found else {}))
            if not found:
                turn.say(turn.t("commune.not_found", text=text[:60]))
        await turn.show()
        return True

    async def media(self, turn: Turn) -> bool:
        if turn.inbound.kind is not Kind.LOCATION or await stale(turn):
            return False
        draft = draft_of(turn)
        draft.location = turn.inbound.location
        unit = await unit_at(turn, turn.inbound.location)
        if unit is not None:
            draft.unit_slug = unit.slug
            turn.say(turn.t("tip.location_matched", commune=unit.name))
            advance(turn, "tip_place", draft)
        else:
            turn.say(turn.t("tip.location_no_match"))
            turn.go("tip_commune", ctx=TIP_CTX, page=0, draft=keep(draft))
        await turn.show()
        return True


class TipCommuneScreen(CommuneScreen):
    """Choosing the commune of a tip: the resident's own settings stay as they are."""

    step = "tip_commune"
    prompt_key, ambiguous_key = "tip.commune_prompt", "tip.commune_ambiguous"

    async def cancel(self, turn: Turn) -> None:
        await abandon(turn)

    async def pick(self, turn: Turn, unit, ctx: str) -> None:
        if unit is None:
            turn.say(turn.t("error.bad_button"))
            await turn.show()
            return
        draft = draft_of(turn)
        draft.unit_slug = unit.slug
        turn.say(turn.t("commune.chosen", commune=unit.name))
        advance(turn, "tip_place", draft)
        await turn.show()


class TextScreen(TipStep):
    step = "tip_text"
    max_text = MAX_TEXT

    async def too_long(self, turn: Turn, text: str) -> None:
        """A text over the limit is kept and offered to be cut or split, not thrown away."""
        if await stale(turn):
            return
        turn.go("tip_text_long", draft=keep(draft_of(turn)), held=text.strip()[:MAX_HELD])
        await turn.show()

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("tip.ask_text", limit=MAX_TEXT),
                       buttons=(self.cancel_row(turn),))

    async def free_text(self, turn: Turn, text: str) -> bool:
        if await stale(turn):
            return True
        if len(text.strip()) < 5:
            turn.say(turn.t("tip.text_too_short"))
            await turn.show()
            return True
        draft = draft_of(turn)
        draft.text = text.strip()
        advance(turn, self.step, draft)
        await turn.show()
        return True

    async def media(self, turn: Turn) -> bool:
        """A photo with a caption answers both this step and the next."""
        if not turn.inbound.attachments or len(turn.inbound.text.strip()) < 5:
            return False
        draft = draft_of(turn)
        draft.text = turn.inbound.text.strip()[:MAX_TEXT]
        advance(turn, self.step, draft)
        return await MediaScreen().media(turn)


class LongTextScreen(TipStep):
    """What to do with a text longer than a tip holds: cut it, split it, or type it again."""

    step = "tip_text_long"

    async def render(self, turn: Turn) -> Message:
        held = str(turn.state.data.get("held", ""))
        parts = len(split_text(held, MAX_TEXT))
        return Message(text=turn.t("tip.text_over", length=len(held), limit=MAX_TEXT),
                       buttons=((option(self.step, "cut", turn.t("tip.text_cut", limit=MAX_TEXT)),),
                                (option(self.step, "split", turn.t("tip.text_split", parts=parts)),),
                                (option(self.step, "again", turn.t("tip.text_again")),),
                                self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        parts = split_text(str(turn.state.data.get("held", "")), MAX_TEXT)
        if key == "again":
            save(turn, "tip_text", draft)
        else:
            draft.text, draft.more = parts[0], parts[1:] if key == "split" else []
            advance(turn, "tip_text", draft)
        await turn.show()


class MediaScreen(TipStep):
    step = "tip_media"

    async def render(self, turn: Turn) -> Message:
        draft = draft_of(turn)
        done = "done" if draft.attachments else "skip"
        return Message(text=turn.t("tip.ask_media", count=MAX_ATTACHMENTS,
                                   size=MAX_ATTACHMENT_BYTES // (1024 * 1024)),
                       buttons=((option(self.step, done, turn.t(f"tip.media_{done}")),),
                                self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        advance(turn, self.step, draft)
        await turn.show()

    async def media(self, turn: Turn) -> bool:
        inbound = turn.inbound
        if inbound.kind is Kind.LOCATION:
            draft = draft_of(turn)
            draft.location = inbound.location
            save(turn, self.step, draft)
            turn.say(turn.t("tip.location_added"))
            return True
        if not inbound.attachments:
            turn.say(turn.t("tip.media_unsupported"))
            return True
        await self._add(turn, draft_of(turn))
        return True

    async def _add(self, turn: Turn, draft: TipDraft) -> None:
        """Keep the files; answer once per album, not once per photo."""
        group = turn.inbound.attachments[0].group
        first_of_album = not group or group != turn.state.data.get("album")
        refused = too_big = 0
        for item in turn.inbound.attachments:
            if item.size and item.size > MAX_ATTACHMENT_BYTES:
                too_big += 1
            elif len(draft.attachments) >= MAX_ATTACHMENTS:
                refused += 1
            else:
                draft.attachments.append({"kind": item.kind, "ref": item.ref, "mime": item.mime,
                                          "size": item.size})
        full_said = bool(turn.state.data.get("full_said"))
        say_full = bool(refused) and not full_said
        turn.go(self.step, draft=keep(draft), album=group, full_said=full_said or say_full)
        if too_big:
            turn.say(turn.t("tip.media_too_big", size=MAX_ATTACHMENT_BYTES // (1024 * 1024)))
        elif say_full:
            turn.say(turn.t("tip.media_full", count=MAX_ATTACHMENTS))
        elif first_of_album and not refused:
            turn.say(turn.t("tip.media_received", count=len(draft.attachments)))
            await turn.show()


class ContactScreen(TipStep):
    step = "tip_contact"
    max_text = MAX_CONTACT

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("tip.ask_contact"), buttons=(
            (option(self.step, "anonymous", turn.t("tip.stay_anonymous")),),
            self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        draft.contact = ""
        advance(turn, self.step, draft)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        if await stale(turn):
            return True
        draft = draft_of(turn)
        draft.contact = " ".join(text.split())[:MAX_CONTACT]
        advance(turn, self.step, draft)
        await turn.show()
        return True


class ConfirmScreen(TipStep):
    step = "tip_confirm"

    def __init__(self, secrets: Secrets, rules: TipRules) -> None:
        self._secrets, self._rules = secrets, rules

    async def render(self, turn: Turn) -> Message:
        draft = draft_of(turn)
        unit = await turn.uow.units.resolve(draft.unit_slug) if draft.unit_slug != "?" else None
        place = unit.name if unit else turn.t("tip.place_unknown")
        shown = draft.text[:500] + ("\n" + turn.t("tip.more_parts", count=len(draft.more))
                                    if draft.more else "")
        text = turn.t("tip.summary", category=turn.t(f"tip.category.{draft.category}"),
                      place=" · ".join(p for p in (place, draft.place) if p),
                      text=shown, count=len(draft.attachments),
                      contact=draft.contact or turn.t("tip.no_contact"))
        if draft.kind is TipKind.TEAM_REPORT:
            text = turn.t("team.summary", name=turn.member.name if turn.member else "",
                          when=draft.happened_at[:16].replace("T", " ")) + "\n" + text
        return Message(text=text, buttons=((option(self.step, "send", turn.t("tip.send")),),
                                           self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        team = draft.kind is TipKind.TEAM_REPORT
        if team and turn.member is None:
            await abandon(turn, "team.members_only")
            return
        try:
            tip, code = await submit(turn, draft, self._secrets, self._rules,
                                     turn.member.id if team else None)
        except TipRefused as refusal:
            turn.say(turn.t(refusal.key))
            await turn.show()            # the draft stays; they can send it later
            return
        police = await unit_police(turn, tip.unit_id)     # the unit that received it
        turn.say(turn.t("team.receipt" if team else "tip.receipt", code=code, label=tip.label,
                        police=police))
        turn.go("main")
        await turn.show()


def resident_screens(secrets: Secrets, rules: TipRules) -> list:
    return [SafetyScreen(secrets, rules), CategoryScreen(), PlaceScreen(), TipCommuneScreen(),
            TextScreen(), LongTextScreen(), MediaScreen(), ContactScreen(),
            ConfirmScreen(secrets, rules)]
