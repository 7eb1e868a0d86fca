"""The router: commands, buttons that work from any screen, and typed menu labels."""
from __future__ import annotations

from handlers.dialogue import Turn, activate
from handlers.domain import EventKind, SubscriberStatus
from handlers.features import Action, ButtonAction, Feature, MenuItem
from handlers.menu import go_main, visible_menu, welcome
from handlers.messages import Kind
from handlers.onboarding import ONBOARDING
from handlers.text import fold


class Router:
    """Commands and typed menu labels work from every screen; onboarding is finished first."""

    def __init__(self, features: list[Feature]) -> None:
        self._commands: dict[str, Action] = {}
        self._open: set[str] = set()
        self._actions: dict[str, ButtonAction] = {}
        self._group: dict[str, Action] = {}
        self._links: dict[str, ButtonAction] = {}
        for feature in features:
            self._commands.update(feature.commands)
            self._open |= feature.open_commands
            self._actions.update(feature.actions)
            self._group.update(feature.group_commands)
            self._links.update(feature.deep_links)
        self._commands["start"] = self.start

    async def intercept(self, turn: Turn) -> bool:
        inbound = turn.inbound
        if inbound.in_group:
            await self._in_group(turn)
            return True
        if inbound.kind is Kind.BUTTON and await self._action(turn):
            return True
        if turn.subscriber.status is SubscriberStatus.BLOCKED:
            activate(turn, EventKind.RESUBSCRIBED)     # they unblocked the bot and wrote again
        if inbound.kind is Kind.EDITED:
            turn.say(turn.t("error.edited"))
            return True
        if inbound.kind is Kind.COMMAND:
            await self._command(turn, inbound.command)
            return True
        if turn.state.step == "new":
            await self.start_over(turn)
            return True
        onboarded = turn.subscriber.status is not SubscriberStatus.ONBOARDING or turn.member
        if inbound.kind is Kind.TEXT and onboarded:
            item = self._menu_item(turn, inbound.text)
            if item is not None:
                await item.action(turn)
                return True
        return False

    async def _action(self, turn: Turn) -> bool:
        """A button that works from any screen; False if the payload names none."""
        parts = turn.inbound.payload.split(":")
        action = self._actions.get(parts[0])
        if action is None:
            return False
        await action(turn, parts[1:])
        return True

    async def _in_group(self, turn: Turn) -> None:
        """In a group only registered group commands and action buttons work; the rest of
        the chatter is none of the bot's business and gets no answer."""
        inbound = turn.inbound
        if inbound.kind is Kind.COMMAND and inbound.command in self._group:
            await self._group[inbound.command](turn)
        elif inbound.kind is Kind.BUTTON and not await self._action(turn):
            turn.reply.notice = turn.t("error.bad_button")

    async def start_over(self, turn: Turn) -> None:
        if turn.subscriber.status is SubscriberStatus.ONBOARDING and turn.member is None:
            await self.start(turn)
        else:
            await go_main(turn)

    async def _command(self, turn: Turn, command: str) -> None:
        action = self._commands.get(command)
        if turn.state.step == "new" and command not in self._open and turn.member is None:
            await self.start(turn)       # a first contact gets the welcome, unless it asks
            # for something open to anyone (a tip, a lookup on a new phone, help)
        elif action is None:
            turn.say(turn.t("error.unknown_command"))
            await turn.show()
        elif turn.subscriber.status is SubscriberStatus.ONBOARDING and turn.member is None \
                and command not in self._open:
            turn.say(turn.t("onboarding.finish_first"))
            if turn.state.step not in ("commune", "topics"):
                turn.go("commune", ctx=ONBOARDING, page=0)
            await turn.show()
        else:
            await action(turn)

    async def start(self, turn: Turn) -> None:
        """/start: follow a deep link, welcome a new person, resume onboarding, or greet."""
        prefix, _, rest = turn.inbound.args.strip().partition("_")
        link = self._links.get(prefix) if rest else None
        if link is not None:
            await link(turn, [rest[:64]])
            return
        await welcome(turn)

    def _menu_item(self, turn: Turn, text: str) -> MenuItem | None:
        wanted = fold(text)
        for item in visible_menu(turn):
            if any(fold(label) == wanted for label in turn.catalog.all_labels(f"menu.{item.key}")):
                return item
        return None
