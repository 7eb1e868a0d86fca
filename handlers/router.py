"""The router: commands, buttons that work from any screen, and typed menu labels."""
from __future__ import annotations

from dataclasses import replace

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
        if inbound.kind is Kind.BUTTON and inbound.payload.split(":")[0] in self._actions \
                and await self._ask_first(turn, {"payload": inbound.payload}):
            return True
        if inbound.kind is Kind.BUTTON and await self._action(turn):
            return True
        if turn.subscriber.status is SubscriberStatus.BLOCKED:
            activate(turn, EventKind.RESUBSCRIBED)     # they unblocked the bot and wrote again
        if inbound.kind is Kind.EDITED:
            turn.say(turn.t("error.edited"))
            return True
        if inbound.kind is Kind.COMMAND:
            if not (self._leaves(turn, inbound.command) and await self._ask_first(
                    turn, {"command": inbound.command, "args": inbound.args[:200]})):
                await self._command(turn, inbound.command)
            return True
        if turn.state.step == "new":
            await self.start_over(turn)
            return True
        onboarded = turn.subscriber.status is not SubscriberStatus.ONBOARDING or turn.member
        if inbound.kind is Kind.TEXT and onboarded:
            item = self._menu_item(turn, inbound.text)
            if item is not None:
                if not await self._ask_first(turn, {"menu": item.key}):
                    await item.action(turn)
                return True
        return False

    def _leaves(self, turn: Turn, command: str) -> bool:
        """Every known command leads elsewhere, but /start only with a link (it resumes)."""
        if command != "start":
            return command in self._commands
        prefix, _, rest = turn.inbound.args.strip().partition("_")
        return bool(rest) and prefix in self._links

    async def _ask_first(self, turn: Turn, then: dict[str, str]) -> bool:
        """A command, menu item or button that would leave a half-written tip asks first
        (the screen's `leave_for`); what was asked for is done if the person gives it up."""
        hook = getattr(turn.screens.get(turn.state.step), "leave_for", None)
        return callable(hook) and bool(await hook(turn, then))

    async def follow(self, turn: Turn, then: object) -> None:
        """Do what the person asked for before they were asked to give up their draft (read
        back from the dialogue state: checked again like anything typed)."""
        then = then if isinstance(then, dict) else {}
        command, key, payload = then.get("command"), then.get("menu"), then.get("payload")
        item = next((i for i in visible_menu(turn) if i.key == key), None)
        if isinstance(command, str) and command in self._commands:
            args = str(then.get("args", ""))[:200]
            turn.inbound = replace(turn.inbound, kind=Kind.COMMAND, command=command, args=args,
                                   text=f"/{command} {args}".strip(), payload="")
            await self._command(turn, command)
        elif item is not None:
            await item.action(turn)
        elif isinstance(payload, str) and payload:
            turn.inbound = replace(turn.inbound, kind=Kind.BUTTON, payload=payload[:64], text="")
            if not await self._action(turn):
                await go_main(turn)
        else:
            await go_main(turn)

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
