"""Choices under a message that no screen owns (a tip card's actions, inbox lines, a follow-up
question): on channels without buttons a person types the number in front of one. The adapter
remembers what the last message offered and turns a typed number or label into the press it
stands for; the payload is then checked by the use case, as any press is."""
from __future__ import annotations

from collections.abc import Sequence

from handlers.messages import Message
from handlers.text import fold
from handlers.typed import number

Choices = list[tuple[str, str]]      # (label, payload) in number order


def offered(messages: Sequence[Message]) -> Choices:
    """(label, payload) of the last message's choices, in number order; [] if it had none."""
    return [(b.label, b.payload) for b in messages[-1].numbered()] if messages else []


def picked(choices: Choices, text: str) -> str | None:
    """The payload a typed number ('2') or label ('tra loi') picks, as typed_choice does."""
    chosen = number(text, 1, len(choices)) if choices else None
    if chosen is not None:       # '①' and 40-digit numbers are refused, not crashed on
        return choices[chosen - 1][1]
    wanted = fold(text)
    matches = [payload for label, payload in choices if wanted and fold(label) == wanted]
    return matches[0] if len(matches) == 1 else None
