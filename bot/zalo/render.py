"""Neutral Messages -> Zalo: text split at 2,000 characters, choices as OA buttons or numbers.

Whatever comes back must work as typed text, because on Zalo it is typed text: an OA button
returns its payload as a user_send_text, and the Bot Platform has no buttons at all. So every
choice is offered by a number (or a label) that the dialogue's typed-choice matching accepts.
"""
from __future__ import annotations

from collections.abc import Callable

from broadcasts.splitting import ZALO_TEXT, split_for_channel
from handlers.dialogue import typed_choice
from handlers.messages import Button, Message
from handlers.text import shorten

Translate = Callable[..., str]       # t(key, **values) in the person's language
MAX_BUTTONS = 5                      # OA consultation messages carry at most 5 buttons
MAX_TITLE = 100                      # OA button title limit
BUTTON = "oa.query.show"             # a tap sends the payload back as a visible text message


def split(text: str) -> list[str]:
    """Parts of at most 2,000 characters, cut at paragraph, line or sentence ends."""
    parts = [part.strip() for part in split_for_channel(text, ZALO_TEXT)]
    return [part for part in parts if part] or [text[:ZALO_TEXT.max_units] or "…"]


def choices(message: Message) -> list[str]:
    """Labels of what the person can choose, in number order: the inline options, or else the
    main menu (typing a menu item's number works on the main screen)."""
    if message.buttons:
        return [button.label for button in message.numbered()]
    if message.menu:
        return [label for row in message.menu for label in row]
    return []


def reply_hint(t: Translate, count: int) -> str:
    """'Trả lời 1, 2 hoặc 3.' for a few options, 'Trả lời một số từ 1 đến 9.' for more."""
    if count > 3:
        return t("zalo.reply_range", last=count)
    numbers = [str(number) for number in range(1, count + 1)]
    if len(numbers) > 1:
        numbers = [", ".join(numbers[:-1]) + f" {t('zalo.or')} {numbers[-1]}"]
    return t("zalo.reply_hint", choices=numbers[0])


def numbered_text(message: Message, t: Translate) -> str:
    """The message with its choices as a numbered list and how to answer."""
    labels = choices(message)
    if not labels:
        return message.text
    lines = [message.text, ""]
    if message.menu and not message.buttons:
        lines.append(t("zalo.menu_title"))
    lines.extend(f"{number}. {label}" for number, label in enumerate(labels, start=1))
    lines.append(reply_hint(t, len(labels)))
    return "\n".join(lines)


def bot_texts(message: Message, t: Translate) -> list[str]:
    """Bot Platform: plain texts, choices numbered (no buttons exist there)."""
    return split(numbered_text(message, t))


def oa_messages(message: Message, t: Translate) -> list[dict]:
    """OA consultation `message` objects: buttons when the choices fit, else numbers."""
    labels = choices(message)
    if not labels:
        return [{"text": part} for part in split(message.text)]
    if len(labels) > MAX_BUTTONS:
        return [{"text": part} for part in split(numbered_text(message, t))]
    parts = split(message.text)
    buttons = [_oa_button(title, payload) for title, payload in _button_payloads(message)]
    last = {"text": parts[-1],
            "attachment": {"type": "template", "payload": {"buttons": buttons}}}
    return [{"text": part} for part in parts[:-1]] + [last]


def _button_payloads(message: Message) -> list[tuple[str, str]]:
    """(title, payload) per choice. The payload is the label when typing that label picks this
    very option, else its number; main-menu labels are matched by the dialogue's router."""
    if not message.buttons:
        return [(label, label) for label in choices(message)]
    pairs = []
    for index, button in enumerate(message.numbered()):
        pairs.append((button.label, _payload(message, index, button)))
    return pairs


def _payload(message: Message, index: int, button: Button) -> str:
    key = button.payload.split(":", 1)[-1]
    return button.label if typed_choice(message, button.label) == key else str(index + 1)


def _oa_button(title: str, payload: str) -> dict:
    return {"title": shorten(title, MAX_TITLE), "type": BUTTON, "payload": payload}
