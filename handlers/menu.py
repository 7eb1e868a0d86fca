"""The main menu, settings, language, unsubscribing, help and the welcome (the router that makes
commands work from every screen is handlers/router.py)."""
from __future__ import annotations

from handlers.dialogue import Turn, activate, option
from handlers.domain import EventKind, SubscriberStatus
from handlers.features import Action, Feature, MenuItem
from handlers.library import LATEST
from handlers.messages import Message
from handlers.onboarding import ONBOARDING, SETTINGS, CommuneScreen
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
