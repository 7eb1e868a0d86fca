"""The main menu, settings, language, unsubscribing, and commands that work from any screen."""
from __future__ import annotations

from handlers.dialogue import Turn, activate, option
from handlers.domain import EventKind, SubscriberStatus
from handlers.features import Action, ButtonAction, Feature, MenuItem
from handlers.library import LATEST
from handlers.messages import Kind, Message
from handlers.onboarding import ONBOARDING, SETTINGS, CommuneScreen
from handlers.text import fold
from handlers.typed import number, partial_matches

MENU_COLUMNS = 2


def visible_menu(turn: Turn) -> list[MenuItem]:
    return [item for item in turn.menu_items if item.visible(turn)]


def main_menu(turn: Turn) -> tuple[tuple[str, ...], ...]:
    labels = [turn.t(f"menu.{item.key}") for item in visible_menu(turn)]
    return tuple(tuple(labels[i:i + MENU_COLUMNS]) for i in range(0, len(labels), MENU_COLUMNS))


class MainScreen:
    step = "main"

    async def render(self, turn: Turn) -> Message:
        # Officers are greeted "Chào đồng chí": the prompt keeps addressing them that way.
        staff = turn.member is not None and turn.member.role.is_staff
        return Message(text=turn.t("main.prompt_staff" if staff else "main.prompt"),
                       menu=main_menu(turn))

    async def choose(self, turn: Turn, key: str) -> None:  # pragma: no cover - no buttons here
        return None

    async def free_text(self, turn: Turn, text: str) -> bool:
        """Typing a menu item's number works where the channel shows no keyboard."""
        items = visible_menu(turn)
        chosen = number(text, 1, len(items)) if items else None
        if chosen is not None:
            await items[chosen - 1].action(turn)
            return True
        labels = [turn.t(f"menu.{item.key}") for item in items]
        hits = partial_matches(labels, text)
        if len(hits) == 1:
            await items[hits[0]].action(turn)
        elif hits:           # the numbers are the main menu's own: typing one picks it
            options = "\n".join(f"{i + 1}. {labels[i]}" for i in hits)
            turn.say(turn.t("choice.which_menu", options=options), menu=main_menu(turn))
        return bool(hits)


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
        if turn.subscriber.status is SubscriberStatus.ONBOARDING:
            turn.go("commune", ctx=ONBOARDING, page=0)
            await turn.show()
        else:
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


def goto(step: str, **data: object) -> Action:
    async def action(turn: Turn) -> None:
        turn.go(step, **data)
        await turn.show()
    return action


def say_then_main(key: str) -> Action:
    async def action(turn: Turn) -> None:
        turn.say(turn.t(key))
        if turn.subscriber.status is SubscriberStatus.ONBOARDING:
            await turn.show()          # stay on the onboarding screen
        else:
            turn.go("main")
    return action


async def show_help(turn: Turn) -> None:
    turn.say(turn.t("help.text"))
    if turn.member is not None and turn.member.role.is_staff:
        turn.say(turn.t("help.staff"))        # the officers' tools, which residents never see
    await go_main(turn)


async def unsubscribe(turn: Turn) -> None:
    if turn.subscriber.is_active:
        turn.go("unsubscribe")
        await turn.show()
    else:
        turn.say(turn.t("unsubscribe.not_subscribed"))
        await go_main(turn)


def resident_feature() -> Feature:
    """Onboarding, the main menu, settings and the library: what every resident has."""
    from handlers.library import (LibraryListScreen, LibraryReadScreen, LibrarySearchScreen,
                                  LibraryTopicsScreen)
    from handlers.onboarding import TopicsScreen
    latest, library = goto("lib_list", topic=LATEST, page=0), goto("lib_topics")
    from handlers.directory import show_emergency
    emergency, settings = show_emergency, goto("settings")
    return Feature(
        name="resident",
        screens=[CommuneScreen(), TopicsScreen(), MainScreen(), SettingsScreen(),
                 LanguageScreen(), UnsubscribeScreen(), LibraryTopicsScreen(),
                 LibraryListScreen(), LibraryReadScreen(), LibrarySearchScreen()],
        commands={"menu": go_main, "help": show_help, "trogiup": show_help,
                  "canhbao": latest, "thuvien": library, "khancap": emergency,
                  "caidat": settings, "huy": unsubscribe, "dangky": resubscribe,
                  "ngonngu": goto("language"), "language": goto("language"),
                  "riengtu": say_then_main("privacy.text")},
        open_commands=frozenset({"start", "help", "trogiup", "khancap", "riengtu", "ngonngu",
                                 "language", "canhbao", "thuvien"}),
        menu=[MenuItem("latest", latest, 10), MenuItem("library", library, 20),
              MenuItem("emergency", emergency, 80), MenuItem("settings", settings, 90),
              MenuItem("help", show_help, 100)])


async def welcome(turn: Turn) -> None:
    """Welcome a new person, resume onboarding in progress, or greet a subscriber or member."""
    sub = turn.subscriber
    if "draft" in turn.state.data and not turn.inbound.args:
        turn.say(turn.t("start.draft_kept"))     # a half-written tip or report is not lost
        await turn.show()
        return
    if sub.status is not SubscriberStatus.ONBOARDING or turn.member is not None:
        turn.say(turn.t("start.welcome_back"))
        await go_main(turn)
        return
    if turn.state.step in ("commune", "topics") and not turn.inbound.args:
        turn.say(turn.t("start.welcome_back"))
        await turn.show()
        return
    from handlers.directory import command_police
    turn.say(turn.t("start.welcome", police=await command_police(turn)))
    # a leaflet printed for a commune merged since leads to the commune that took it over
    unit = await turn.uow.units.resolve(turn.inbound.args.strip().lower()[:64])
    if unit is not None and unit.id in {u.id for u in await turn.uow.units.selectable()}:
        await CommuneScreen().pick(turn, unit, ONBOARDING)
        return
    turn.go("commune", ctx=ONBOARDING, page=0)
    await turn.show()


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
