"""Choosing a commune and topics: first at /start, later from settings."""
from __future__ import annotations

from rapidfuzz import fuzz

from handlers.dialogue import Turn, activate, option
from handlers.domain import EventKind, Unit
from handlers.messages import Button, Message
from handlers.text import fold, strip_place_prefix

PAGE_SIZE = 8
TYPO_SCORE = 80         # rapidfuzz ratio (0-100) from which a name counts as a typo of it
TYPO_MARGIN = 4         # names this close to the best one are offered alongside it
MAX_GUESSES = 4
ONBOARDING, SETTINGS = "onboarding", "settings"


def match_units(units: list[Unit], typed: str) -> list[Unit]:
    """Units whose name or alias matches what was typed, with or without accents or 'xã'/'TT'."""
    wanted = strip_place_prefix(fold(typed))
    if not wanted:
        return []
    names = {u.slug: {strip_place_prefix(fold(n)) for n in (u.name, u.short, *u.aliases)}
             for u in units}
    exact = [u for u in units if wanted in names[u.slug]]
    if exact:
        return exact
    partial = [u for u in units if any(wanted in name for name in names[u.slug])]
    return partial or _close_names(units, names, wanted)


def _close_names(units: list[Unit], names: dict[str, set[str]], wanted: str) -> list[Unit]:
    """Names a small typo away ("ngoc chua" -> Ngọc Châu), best first; the clear best alone."""
    scored = sorted(((max(fuzz.ratio(wanted, n) for n in names[u.slug]), i)
                     for i, u in enumerate(units)), reverse=True)
    close = [(score, i) for score, i in scored if score >= TYPO_SCORE][:MAX_GUESSES]
    if not close:
        return []
    best = close[0][0]
    return [units[i] for score, i in close if score > best - TYPO_MARGIN]


class CommuneScreen:
    step = "commune"
    prompt_key, ambiguous_key = "commune.prompt", "commune.ambiguous"   # where one lives
    carry = ("draft",)      # state kept while paging or searching (a tip draft, for example)

    def _go(self, turn: Turn, **data: object) -> None:
        kept = {key: turn.state.data[key] for key in self.carry if key in turn.state.data}
        turn.go(self.step, **kept, **data)

    async def render(self, turn: Turn) -> Message:
        units = list(await turn.uow.units.selectable())
        data = turn.state.data
        matches = data.get("matches")
        if matches:
            shown = [u for u in units if u.slug in matches]
            nav = [option(self.step, "all", turn.t("commune.show_all"))]
            text = turn.t(self.ambiguous_key, count=len(shown))
        else:
            page = _clamp(int(data.get("page", 0)), len(units))
            shown = units[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            nav = _page_buttons(turn, self.step, page, len(units))
            text = turn.t(self.prompt_key, page=page + 1, pages=_pages(len(units)))
        rows = [tuple(option(self.step, f"u.{u.slug}", u.short) for u in shown[i:i + 2])
                for i in range(0, len(shown), 2)]
        if nav:
            rows.append(tuple(nav))
        if data.get("ctx", ONBOARDING) != ONBOARDING:
            rows.append((option(self.step, "cancel", turn.t("common.cancel")),))
        elif self.step == "commune":      # the privacy note, one tap or number away
            rows.append((option(self.step, "privacy", turn.t("commune.privacy")),))
        return Message(text=text, buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        ctx = turn.state.data.get("ctx", ONBOARDING)
        if key.startswith("p."):
            self._go(turn, ctx=ctx, page=int(key[2:]))
        elif key == "all":
            self._go(turn, ctx=ctx, page=0)
        elif key == "cancel":
            await self.cancel(turn)
            return
        elif key == "privacy":
            turn.say(turn.t("privacy.text"))
        else:
            unit = await turn.uow.units.by_slug(key[2:])
            await self.pick(turn, unit, ctx)
            return
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        ctx = turn.state.data.get("ctx", ONBOARDING)
        found = match_units(list(await turn.uow.units.selectable()), text)
        if len(found) == 1:
            await self.pick(turn, found[0], ctx)
        elif found:
            self._go(turn, ctx=ctx, matches=[u.slug for u in found])
            await turn.show()
        else:
            turn.say(turn.t("commune.not_found", text=text[:60]))
            await turn.show()
        return True

    async def cancel(self, turn: Turn) -> None:
        turn.go("settings")
        await turn.show()

    async def pick(self, turn: Turn, unit: Unit | None, ctx: str) -> None:
        """Set the person's commune, then go on to topics (onboarding) or back to settings."""
        if unit is None:
            turn.say(turn.t("error.bad_button"))
            await turn.show()
            return
        turn.subscriber.unit_id = unit.id
        turn.say(turn.t("commune.chosen", commune=unit.name))
        if ctx == SETTINGS:
            turn.record(EventKind.SETTINGS_CHANGED, data={"field": "commune"})
            turn.go("settings")
        else:
            topics = await turn.uow.topics.active()
            turn.go("topics", ctx=ONBOARDING, selected=topics)
        await turn.show()


class TopicsScreen:
    step = "topics"

    async def render(self, turn: Turn) -> Message:
        topics = await turn.uow.topics.active()
        selected = set(turn.state.data.get("selected", []))
        rows = [tuple(option(self.step, f"t.{slug}", _tick(turn, slug, selected))
                      for slug in topics[i:i + 2]) for i in range(0, len(topics), 2)]
        every = "none" if selected >= set(topics) else "every"
        rows.append((option(self.step, every, turn.t(f"topics.{every}")),
                     option(self.step, "done", turn.t("topics.done"))))
        return Message(text=turn.t("topics.prompt"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        data = turn.state.data
        selected = set(data.get("selected", []))
        topics = await turn.uow.topics.active()
        if key == "done":
            await self._done(turn, [t for t in topics if t in selected])
            return
        if key in ("every", "none"):
            selected = set(topics) if key == "every" else set()
        else:
            selected ^= {key[2:]}
        turn.go(self.step, ctx=data.get("ctx", ONBOARDING),
                selected=[t for t in topics if t in selected])
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False

    async def leave(self, turn: Turn) -> bool:
        """Leaving settings' topics ("menu", a command, 🏠) keeps what was ticked: it is saved
        and said, never dropped silently. Onboarding's ticks wait for "Xong" as before."""
        data = turn.state.data
        topics = await turn.uow.topics.active()
        chosen = [t for t in topics if t in set(data.get("selected", []))]
        if data.get("ctx") == SETTINGS and chosen and set(chosen) != turn.subscriber.topics:
            turn.subscriber.topics = set(chosen)
            turn.record(EventKind.SETTINGS_CHANGED, data={"field": "topics", "topics": chosen})
            turn.say(turn.t("topics.saved", topics=", ".join(
                turn.t(f"topic.{slug}") for slug in chosen)))
        return False

    async def leave_for(self, turn: Turn, then: dict[str, str]) -> bool:
        return await self.leave(turn)

    async def _done(self, turn: Turn, chosen: list[str]) -> None:
        if not chosen:
            turn.reply.notice = turn.t("topics.none_chosen")
            turn.say(turn.t("topics.none_chosen"))
            await turn.show()
            return
        turn.subscriber.topics = set(chosen)
        names = ", ".join(turn.t(f"topic.{slug}") for slug in chosen)
        if turn.state.data.get("ctx") == SETTINGS:
            turn.record(EventKind.SETTINGS_CHANGED, data={"field": "topics", "topics": chosen})
            turn.say(turn.t("topics.saved", topics=names))
            turn.go("settings")
        else:
            unit = await turn.uow.units.by_id(turn.subscriber.unit_id or 0)
            activate(turn, EventKind.SUBSCRIBED)
            turn.say(turn.t("onboarding.done", commune=unit.name if unit else "",
                            topics=names))
            turn.go("main")
        await turn.show()


def _tick(turn: Turn, slug: str, selected: set[str]) -> str:
    mark = "✅" if slug in selected else "⬜"
    return f"{mark} {turn.t(f'topic.{slug}')}"


def _pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def _clamp(page: int, count: int) -> int:
    return min(max(page, 0), _pages(count) - 1)


def _page_buttons(turn: Turn, step: str, page: int, count: int) -> list[Button]:
    buttons = []
    if page > 0:
        buttons.append(option(step, f"p.{page - 1}", turn.t("common.prev")))
    if page < _pages(count) - 1:
        buttons.append(option(step, f"p.{page + 1}", turn.t("common.next")))
    return buttons

