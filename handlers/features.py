"""How a use-case module plugs into the conversation: screens, commands, main-menu items."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.dialogue import Screen, Turn

Action = Callable[["Turn"], Awaitable[None]]
# A button that works from any screen (e.g. on an officer's notification): payload
# "<prefix>:<arg>:<arg>..."; it must re-check on the server that the person may do it.
ButtonAction = Callable[["Turn", list[str]], Awaitable[None]]


def always(turn: Turn) -> bool:
    return True


@dataclass(frozen=True)
class MenuItem:
    """A main-menu entry; its label is the catalogue key `menu.<key>`."""

    key: str
    action: Action
    position: int
    visible: Callable[[Turn], bool] = always


@dataclass
class Feature:
    """What one use-case module adds. Commands in `open_commands` work before onboarding ends."""

    name: str
    screens: list[Screen] = field(default_factory=list)
    commands: dict[str, Action] = field(default_factory=dict)
    open_commands: frozenset[str] = frozenset()
    menu: list[MenuItem] = field(default_factory=list)
    actions: dict[str, ButtonAction] = field(default_factory=dict)
    group_commands: dict[str, Action] = field(default_factory=dict)   # work in group chats
    deep_links: dict[str, ButtonAction] = field(default_factory=dict)  # /start <prefix>_<arg>
