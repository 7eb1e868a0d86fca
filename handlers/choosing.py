"""How what a person typed or pressed becomes a choice on the screen they are on.

A number or a whole label picks its option; words that mean "back" work on every screen (in a
form they go a step back, and a way out asks before it discards what was written); a
finish word ("xong") picks the step's finish; otherwise the screen reads the text itself, and
only then do partial labels count ("lua dao", "co"): one match is chosen, several get a short
question listing just those. Every screen with options offers the way home as one of them."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from handlers.domain import SubscriberStatus
from handlers.messages import Button, Message
from handlers.text import fold
from handlers.typed import (is_back_word, is_finish_word, is_step_back_word, number,
                            partial_matches)

if TYPE_CHECKING:
    from handlers.dialogue import Screen, Turn

HOME = "home"
WAY_BACK = ("back", "cancel", "quit", "menu", HOME, "no")   # a step back first, else home
FINISH = ("done", "skip")
PENDING = "_which"      # in the state for one turn: the keys an ambiguous answer listed


def key_of(button: Button) -> str:
    return button.payload.split(":", 1)[1] if ":" in button.payload else ""


def choice_key(message: Message, step: str, payload: str) -> str | None:
    """The key of a payload, only if that exact option is on the screen now (forgery-proof)."""
    offered = {button.payload for button in message.numbered()}
    return payload.split(":", 1)[1] if payload in offered and payload.startswith(step + ":") else None


def typed_choice(message: Message, text: str) -> str | None:
    """A number ('3') or the whole label ('xong', 'Ma tuy') typed instead of pressing."""
    buttons = message.numbered()
    chosen = number(text, 1, len(buttons)) if buttons else None
    if chosen is not None:
        return key_of(buttons[chosen - 1])
    wanted = fold(text) if len(text) <= 200 else ""
    matches = [b for b in buttons if wanted and fold(b.label) == wanted]
    return key_of(matches[0]) if len(matches) == 1 else None


def may_go_home(turn: Turn) -> bool:
    """The main menu is there for anyone past onboarding (and for staff), not in groups."""
    onboarded = turn.subscriber.status is not SubscriberStatus.ONBOARDING or turn.member
    return bool(onboarded) and not turn.inbound.in_group


def with_way_home(turn: Turn, step: str, message: Message) -> Message:
    """The screen with a "main menu" option added when it has options but no way back."""
    keys = {key_of(b) for b in message.numbered()}
    if not message.buttons or keys & set(WAY_BACK) or not may_go_home(turn):
        return message
    home = Button(turn.t("common.home"), f"{step}:{HOME}")
    return replace(message, buttons=(*message.buttons, (home,)))


async def go_home(turn: Turn) -> None:
    turn.go("main")
    await turn.show()


async def choose(turn: Turn, screen: Screen, key: str) -> None:
    if key == HOME:
        if not await _hook(turn, screen, "leave"):    # a screen may keep or ask first
            await go_home(turn)
    else:
        await screen.choose(turn, key)


async def typed(turn: Turn, screen: Screen, message: Message) -> None:
    """Act on a typed line at this screen (see the module's docstring for the order)."""
    text = turn.inbound.text
    keys = [key_of(b) for b in message.numbered()]
    key = _pending(turn, keys, text) or typed_choice(message, text)
    if key is None and is_back_word(text) and not _number_screen(screen, text):
        if not (is_step_back_word(text) and await _hook(turn, screen, "step_back")
                or await _hook(turn, screen, "leave")):
            await way_back(turn, screen, keys)
        return
    if key is None and is_finish_word(text):
        key = next((k for k in FINISH if k in keys), None)
    if key is not None:
        await choose(turn, screen, key)
    elif not await screen.free_text(turn, text):
        await _partial(turn, screen, message, text)


async def _hook(turn: Turn, screen: Screen, name: str) -> bool:
    """A screen inside a form (a tip's steps) may go one step back keeping the answers
    (`step_back`), and may ask before a way out discards what was written (`leave`)."""
    hook = getattr(screen, name, None)
    return callable(hook) and bool(await hook(turn))


async def way_back(turn: Turn, screen: Screen, keys: list[str]) -> None:
    back = next((k for k in WAY_BACK if k in keys), None)
    if back is not None:
        await choose(turn, screen, back)
    elif may_go_home(turn):
        await go_home(turn)
    else:
        turn.say(turn.t("onboarding.finish_first"))
        await turn.show()


async def _partial(turn: Turn, screen: Screen, message: Message, text: str) -> None:
    buttons = message.numbered()
    hits = partial_matches([b.label for b in buttons], text)
    if len(hits) == 1:
        await choose(turn, screen, key_of(buttons[hits[0]]))
    elif hits:
        ask_which(turn, [buttons[i] for i in hits])
    else:
        turn.say(turn.t("error.not_understood"))
        await turn.show()


def ask_which(turn: Turn, candidates: list[Button]) -> None:
    """A short question listing only the options the typed words could mean."""
    turn.state.data[PENDING] = [key_of(b) for b in candidates]
    turn.say(turn.t("choice.which"), buttons=tuple((b,) for b in candidates))


def _pending(turn: Turn, keys: list[str], text: str) -> str | None:
    """A number typed right after an ambiguous answer picks from the short list."""
    listed = [k for k in turn.pending if k in keys]
    chosen = number(text, 1, len(listed)) if listed else None
    return listed[chosen - 1] if chosen is not None else None


def _number_screen(screen: Screen, text: str) -> bool:
    """At a step that asks for a count, a typed 0 is a number, not "back"."""
    return bool(getattr(screen, "typed_numbers", False)) and fold(text) == "0"
