"""The broadcast feature as the dialogue sees it: /phatcanhbao, its screens, an officer menu item."""
from __future__ import annotations

from broadcasts.compose import (START, LibraryListScreen, LibraryTopicsScreen, PhotoScreen,
                                StartScreen)
from broadcasts.flow import BroadcastContext
from broadcasts.review import ListScreen, PreviewScreen, WatchScreen, refuse_resident
from broadcasts.scheduling import ExpiryScreen, WhenScreen
from broadcasts.targeting import AudienceScreen, TopicsScreen, UnitsScreen
from handlers.dialogue import Turn
from handlers.features import Feature, MenuItem
from handlers.menu import go_main

COMMAND = "phatcanhbao"   # "phát cảnh báo": send a warning


def is_staff(turn: Turn) -> bool:
    return turn.member is not None and turn.member.active and turn.member.role.is_staff


async def compose(turn: Turn) -> None:
    """Open the composer for officers and the command; residents get a polite refusal."""
    if refuse_resident(turn):
        await go_main(turn)
        return
    turn.go(START)
    await turn.show()


def broadcast_feature(ctx: BroadcastContext) -> Feature:
    """Screens in the order an officer meets them."""
    return Feature(
        name="broadcasts",
        screens=[StartScreen(), PhotoScreen(), LibraryTopicsScreen(), LibraryListScreen(),
                 TopicsScreen(), UnitsScreen(), AudienceScreen(), WhenScreen(ctx),
                 ExpiryScreen(ctx), PreviewScreen(ctx), WatchScreen(ctx), ListScreen()],
        commands={COMMAND: compose},
        menu=[MenuItem("broadcast", compose, 70, visible=is_staff)])
