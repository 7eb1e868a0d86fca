"""A resident sends an anonymous tip: safety advice, category, place, text, media, contact,
confirmation; the receipt code only after it is stored."""
from __future__ import annotations

from datetime import datetime, timezone

from handlers.dialogue import Turn, option
from handlers.directory import unit_police
from handlers.domain import EventKind
from handlers.messages import Kind, Message
from handlers.onboarding import CommuneScreen, match_units
from handlers.ports import Secrets
from handlers.tips.domain import CATEGORIES, MAX_CONTACT, TipDraft, TipKind, TipRules
from handlers.tips.routing import unit_at
from handlers.tips.service import (SubmitTip, TipRefused, announce_new, draft_of, keep,
                                   limit_reached, submit_tip)
from handlers.tips.cards import happened_text
from handlers.tips.leaving import LeaveScreen
from handlers.tips.steps import (TIP_CTX, TipStep, abandon, advance, ask_before_leaving, go_back,
                                 save, stale, tip_t)
from handlers.tips.writing import LongTextScreen, MediaScreen, TextScreen


class SafetyScreen(TipStep):
    step = "tip_safety"

    def __init__(self, secrets: Secrets, rules: TipRules) -> None:
        self._secrets, self._rules = secrets, rules

    async def start(self, turn: Turn, prompted_by: str = "") -> None:
        """Start a tip (menu, /tobao, a bulletin's link or its screen that prompted it); a
        person over the tip limit is told so now, before writing anything."""
        refusal = await limit_reached(turn.uow, self._secrets, self._rules, turn.inbound.channel,
                                      turn.inbound.user_id, datetime.now(timezone.utc))
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
        text = so_far(turn, tip_t(turn, "tip.ask_category"), draft_of(turn).category and
                      turn.t(f"tip.category.{draft_of(turn).category}"))
        return Message(text=text, buttons=(*rows, self.cancel_row(turn)))

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
        text = so_far(turn, turn.t("tip.ask_place"), await _place_name(turn, draft_of(turn)))
        return Message(text=text, buttons=(*rows, self.cancel_row(turn)))

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

    async def step_back(self, turn: Turn) -> bool:
        return await go_back(turn, self.step)        # "quay lại": where it happened, again

    async def leave(self, turn: Turn) -> bool:
        return await ask_before_leaving(turn, self.step)

    async def leave_for(self, turn: Turn, then: dict[str, str]) -> bool:
        return await ask_before_leaving(turn, self.step, then)

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


class ContactScreen(TipStep):
    step = "tip_contact"
    max_text = MAX_CONTACT

    async def render(self, turn: Turn) -> Message:
        text = so_far(turn, turn.t("tip.ask_contact"), draft_of(turn).contact)
        return Message(text=text, buttons=(
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
        text = tip_t(turn, "tip.summary", category=turn.t(f"tip.category.{draft.category}"),
                     place=" · ".join(p for p in (place, draft.place) if p),
                     text=shown, count=len(draft.attachments),
                     contact=draft.contact or turn.t("tip.no_contact"),
                     **await _reporter(turn, draft))
        return Message(text=text, buttons=((option(self.step, "send", tip_t(turn, "tip.send")),),
                                           self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        team = draft.kind is TipKind.TEAM_REPORT
        if team and turn.member is None:
            await abandon(turn, "team.members_only")
            return
        now = datetime.now(timezone.utc)
        command = SubmitTip(draft, turn.inbound.channel, turn.inbound.user_id, now,
                            turn.member.id if team and turn.member else None)
        try:
            submitted = await submit_tip(command, turn.uow, self._secrets, self._rules)
        except TipRefused as refusal:
            turn.say(turn.t(refusal.key))
            await turn.show()            # the draft stays; they can send it later
            return
        tip, code = submitted.tip, submitted.code
        await announce_new(turn, tip, self._rules, now)
        police = await unit_police(turn, tip.unit_id)     # the unit that received it
        turn.say(turn.t("team.receipt" if team else "tip.receipt", code=code, label=tip.label,
                        police=police))
        turn.go("main")
        await turn.show()


def so_far(turn: Turn, prompt: str, chosen: str | None) -> str:
    """A step shown again after "quay lại" says what was chosen there before."""
    return f"{prompt}\n{turn.t('tip.chosen_so_far', value=chosen)}" if chosen else prompt


async def _place_name(turn: Turn, draft: TipDraft) -> str:
    if not draft.unit_slug:
        return ""
    unit = await turn.uow.units.resolve(draft.unit_slug) if draft.unit_slug != "?" else None
    return unit.name if unit else turn.t("tip.place_unknown")


async def _reporter(turn: Turn, draft: TipDraft) -> dict[str, str]:
    """Who reports and when it happened, for a team report's summary (none for a tip)."""
    if draft.kind is not TipKind.TEAM_REPORT or turn.member is None:
        return {}
    team_id = turn.member.team_id
    team = await turn.uow.teams.name(team_id) if team_id else None
    return {"name": turn.member.name, "team": team or turn.t("team.no_team"),
            "when": happened_text(turn.t, draft.happened_at)}


def resident_screens(secrets: Secrets, rules: TipRules) -> list:
    return [SafetyScreen(secrets, rules), CategoryScreen(), PlaceScreen(), TipCommuneScreen(),
            TextScreen(), LongTextScreen(), MediaScreen(), ContactScreen(),
            ConfirmScreen(secrets, rules), LeaveScreen()]
