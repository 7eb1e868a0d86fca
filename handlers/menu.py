"""The main menu, settings, language, unsubscribing, and commands that work from any screen."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.dialogue import Turn, activate, option
from handlers.domain import EventKind, SubscriberStatus
from handlers.library import LATEST
from handlers.messages import Kind, Message
from handlers.onboarding import ONBOARDING, SETTINGS
from handlers.text import fold

MENU_ITEMS = (("latest", "library"), ("emergency", "settings"), ("help",))


def menu_keys() -> list[str]:
    return [key for row in MENU_ITEMS for key in row]


def main_menu(turn: Turn) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(turn.t(f"menu.{key}") for key in row) for row in MENU_ITEMS)


class MainScreen:
    step = "main"

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("main.prompt"), menu=main_menu(turn))

    async def choose(self, turn: Turn, key: str) -> None:  # pragma: no cover - no buttons here
        await open_menu_item(turn, key)

    async def free_text(self, turn: Turn, text: str) -> bool:
        keys = menu_keys()
        if text.strip().isdigit() and 1 <= int(text.strip()) <= len(keys):
            await open_menu_item(turn, keys[int(text.strip()) - 1])
            return True
        return False


class SettingsScreen:
    step = "settings"

    async def render(self, turn: Turn) -> Message:
        sub = turn.subscriber
        unit = await turn.uow.units.by_id(sub.unit_id) if sub.unit_id else None
        topics = await turn.uow.topics.active()
        names = ", ".join(turn.t(f"topic.{t}") for t in topics if t in sub.topics)
        text = turn.t("settings.summary", commune=unit.name if unit else "—",
                      topics=names or "—", language=turn.t(f"language.{sub.language}"),
                      status=turn.t(f"status.{sub.status.value}"))
        toggle = "unsubscribe" if sub.is_active else "resubscribe"
        rows = ((option(self.step, "commune", turn.t("settings.commune")),
                 option(self.step, "topics", turn.t("settings.topics"))),
                (option(self.step, "language", turn.t("settings.language")),
                 option(self.step, toggle, turn.t(f"settings.{toggle}"))),
                (option(self.step, "back", turn.t("common.back")),))
        return Message(text=text, buttons=rows)

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "commune":
            turn.go("commune", ctx=SETTINGS, page=0)
        elif key == "topics":
            turn.go("topics", ctx=SETTINGS, selected=sorted(turn.subscriber.topics))
        elif key == "language":
            turn.go("language")
        elif key == "unsubscribe":
            turn.go("unsubscribe")
        elif key == "resubscribe":
            await resubscribe(turn)
            return
        else:
            turn.go("main")
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class LanguageScreen:
    step = "language"

    async def render(self, turn: Turn) -> Message:
        buttons = tuple((option(self.step, lang, turn.catalog.t(lang, f"language.{lang}")),)
                        for lang in turn.catalog.languages())
        return Message(text=turn.t("language.prompt"), buttons=buttons)

    async def choose(self, turn: Turn, key: str) -> None:
        turn.subscriber.language = key
        turn.record(EventKind.SETTINGS_CHANGED, data={"field": "language", "language": key})
        turn.say(turn.t("language.saved"))
        await go_main(turn)

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class UnsubscribeScreen:
    step = "unsubscribe"

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("unsubscribe.confirm"), buttons=(
            (option(self.step, "yes", turn.t("unsubscribe.yes")),
             option(self.step, "no", turn.t("unsubscribe.no"))),))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "yes" and turn.subscriber.is_active:
            turn.subscriber.status = SubscriberStatus.UNSUBSCRIBED
            turn.record(EventKind.UNSUBSCRIBED)
            turn.say(turn.t("unsubscribe.done"))
        else:
            turn.say(turn.t("unsubscribe.kept"))
        await go_main(turn)

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


async def go_main(turn: Turn) -> None:
    turn.go("main")
    await turn.show()


async def resubscribe(turn: Turn) -> None:
    sub = turn.subscriber
    if sub.status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BLOCKED):
        activate(turn, EventKind.RESUBSCRIBED)
        turn.say(turn.t("subscribe.again"))
    else:
        turn.say(turn.t("subscribe.already"))
    await go_main(turn)


async def open_menu_item(turn: Turn, key: str) -> None:
    """Open a main-menu item, whichever way it was asked for."""
    if key == "latest":
        turn.go("lib_list", topic=LATEST, page=0)
    elif key == "library":
        turn.go("lib_topics")
    elif key == "emergency":
        turn.say(turn.t("emergency.text"))
        turn.go("main")
        return
    elif key == "settings":
        turn.go("settings")
    else:
        turn.say(turn.t("help.text"))
        await go_main(turn)
        return
    await turn.show()


Action = Callable[[Turn], Awaitable[None]]


class Router:
    """Commands and typed menu labels work from every screen; onboarding is finished first."""

    def __init__(self) -> None:
        self._commands: dict[str, Action] = {
            "start": self.start, "menu": go_main, "help": _menu("help"), "trogiup": _menu("help"),
            "canhbao": _menu("latest"), "thuvien": _menu("library"),
            "khancap": _menu("emergency"), "caidat": _menu("settings"),
            "huy": self.unsubscribe, "dangky": resubscribe, "ngonngu": _goto("language"),
            "language": _goto("language"), "riengtu": _say("privacy.text"),
        }
        # What someone who has not finished onboarding may still do without losing their place.
        self._open = {"start", "help", "trogiup", "khancap", "riengtu", "ngonngu", "language",
                      "canhbao", "thuvien"}

    async def intercept(self, turn: Turn) -> bool:
        inbound = turn.inbound
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
        if inbound.kind is Kind.TEXT and turn.subscriber.status is not SubscriberStatus.ONBOARDING:
            key = self._menu_label(turn, inbound.text)
            if key:
                await open_menu_item(turn, key)
                return True
        return False

    async def start_over(self, turn: Turn) -> None:
        if turn.subscriber.status is SubscriberStatus.ONBOARDING:
            await self.start(turn)
        else:
            await go_main(turn)

    async def start(self, turn: Turn) -> None:
        sub = turn.subscriber
        if sub.status is not SubscriberStatus.ONBOARDING:
            turn.say(turn.t("start.welcome_back"))
            await go_main(turn)
            return
        if turn.state.step in ("commune", "topics") and not turn.inbound.args:
            turn.say(turn.t("start.welcome_back"))      # onboarding in progress: resume it
            await turn.show()
            return
        turn.say(turn.t("start.welcome"))
        turn.say(turn.t("privacy.text"))
        unit = await turn.uow.units.by_slug(turn.inbound.args.strip().lower()[:64])
        if unit is not None and unit.id in {u.id for u in await turn.uow.units.selectable()}:
            from handlers.onboarding import CommuneScreen
            await CommuneScreen().pick(turn, unit, ONBOARDING)
            return
        turn.go("commune", ctx=ONBOARDING, page=0)
        await turn.show()

    async def unsubscribe(self, turn: Turn) -> None:
        if turn.subscriber.is_active:
            turn.go("unsubscribe")
            await turn.show()
        else:
            turn.say(turn.t("unsubscribe.not_subscribed"))
            await go_main(turn)

    async def _command(self, turn: Turn, command: str) -> None:
        action = self._commands.get(command)
        if turn.state.step == "new":
            await self.start(turn)       # a first contact always gets the welcome
        elif action is None:
            turn.say(turn.t("error.unknown_command"))
            await turn.show()
        elif turn.subscriber.status is SubscriberStatus.ONBOARDING and command not in self._open:
            turn.say(turn.t("onboarding.finish_first"))
            await self._resume_onboarding(turn)
        else:
            await action(turn)

    async def _resume_onboarding(self, turn: Turn) -> None:
        if turn.state.step not in ("commune", "topics"):
            turn.go("commune", ctx=ONBOARDING, page=0)
        await turn.show()

    def _menu_label(self, turn: Turn, text: str) -> str | None:
        wanted = fold(text)
        for key in menu_keys():
            if any(fold(label) == wanted for label in turn.catalog.all_labels(f"menu.{key}")):
                return key
        return None


def _menu(key: str) -> Action:
    async def action(turn: Turn) -> None:
        await open_menu_item(turn, key)
    return action


def _goto(step: str) -> Action:
    async def action(turn: Turn) -> None:
        turn.go(step)
        await turn.show()
    return action


def _say(key: str) -> Action:
    async def action(turn: Turn) -> None:
        turn.say(turn.t(key))
        await go_main(turn) if turn.subscriber.status is not SubscriberStatus.ONBOARDING \
            else await turn.show()
    return action
