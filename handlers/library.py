"""The bulletin library: the latest warnings sent to the person's commune and topics, browsing
by topic, searching by a word, and reading one bulletin (with a way to report about it)."""
from __future__ import annotations

from typing import Protocol

from handlers.dialogue import Turn, option
from handlers.domain import Bulletin, EventKind, SentBulletin
from handlers.library_items import (LATEST, SEARCH, Entry, latest_entries, library_entry,
                                    local_day, search_entries, label)
from handlers.messages import Message

PAGE_SIZE = 5
MAX_QUERY = 60
TIP_STEP = "tip_safety"     # the tip line's first screen, when the tip line is part of the bot

__all__ = ["LATEST", "LibraryTopicsScreen", "LibraryListScreen", "LibraryReadScreen",
           "LibrarySearchScreen", "search"]


class Writes(Protocol):
    """What can write a catalogue text: a Turn (the person's language) or one language."""

    def t(self, key: str, **values: object) -> str: ...


def bulletin_text(turn: Writes, bulletin: Bulletin) -> str:
    text = turn.t("library.bulletin", title=bulletin.title,
                  date=bulletin.published.strftime("%d/%m/%Y"),
                  topic=turn.t(f"topic.{bulletin.topic}"), body=bulletin.body.strip())
    if bulletin.issuer:
        text += "\n\n" + turn.t("library.issuer", issuer=bulletin.issuer)
    return text


def sent_text(turn: Turn, item: SentBulletin) -> str:
    topics = ", ".join(turn.t(f"topic.{t}") for t in item.topics)
    return turn.t("library.sent_bulletin", date=local_day(item.sent_at).strftime("%d/%m/%Y"),
                  topics=topics, body=item.text.strip())


async def search(turn: Turn, query: str) -> None:
    """Show the bulletins that hold the typed words."""
    query = " ".join(query.split())[:MAX_QUERY]
    turn.go("lib_list", topic=SEARCH, q=query, page=0)
    await turn.show()


class LibraryTopicsScreen:
    step = "lib_topics"

    async def render(self, turn: Turn) -> Message:
        rows = []
        for slug in await turn.uow.topics.active():
            count = await turn.uow.bulletins.count(slug)
            text = turn.t("library.topic_button", topic=turn.t(f"topic.{slug}"), count=count)
            rows.append((option(self.step, slug, text),))
        rows.append((option(self.step, "search", turn.t("library.search")),))
        rows.append((option(self.step, "menu", turn.t("library.main_menu")),))
        return Message(text=turn.t("library.choose_topic"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "menu":
            turn.go("main")
        elif key == "search":
            turn.go("lib_search")
        else:
            turn.go("lib_list", topic=key, page=0)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        """A word typed here that is not one of the topics is a search."""
        await search(turn, text)
        return True


class LibrarySearchScreen:
    step = "lib_search"

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("library.search_prompt"), buttons=(
            (option(self.step, "topics", turn.t("library.other_topics")),
             option(self.step, "menu", turn.t("library.main_menu"))),))

    async def choose(self, turn: Turn, key: str) -> None:
        turn.go("main" if key == "menu" else "lib_topics")
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        await search(turn, text)
        return True


class LibraryListScreen:
    step = "lib_list"

    async def render(self, turn: Turn) -> Message:
        data = turn.state.data
        topic, page = data.get("topic", LATEST), int(data.get("page", 0))
        entries, total = await self._entries(turn, topic, data.get("q", ""), page)
        rows = [(option(self.step, entry.key, label(entry)),) for entry in entries]
        nav = []
        if page > 0:
            nav.append(option(self.step, f"p.{page - 1}", turn.t("common.prev")))
        if (page + 1) * PAGE_SIZE < total:
            nav.append(option(self.step, f"p.{page + 1}", turn.t("common.next")))
        if nav:
            rows.append(tuple(nav))
        rows.append((option(self.step, "topics", turn.t("library.other_topics")),
                     option(self.step, "menu", turn.t("library.main_menu"))))
        return Message(text=self._title(turn, topic, data.get("q", ""), total),
                       buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        data = turn.state.data
        back = {k: data[k] for k in ("topic", "q", "page") if k in data}
        if key == "topics":
            turn.go("lib_topics")
        elif key == "menu":
            turn.go("main")
        elif key.startswith("p."):
            turn.go(self.step, **{**back, "page": int(key[2:])})
        elif not await self._open(turn, key, back):
            turn.say(turn.t("library.gone"))
        await turn.show()

    async def _open(self, turn: Turn, key: str, back: dict) -> bool:
        kind, _, number = key.partition(".")
        if not number.isdigit():
            return False
        if kind == "s":
            item = await turn.uow.bulletins.sent_by_id(int(number))
            topic, ref = (item.topics[0] if item and item.topics else None), f"broadcast:{number}"
        else:
            item = await turn.uow.bulletins.by_id(int(number))
            topic, ref = (item.topic, item.slug) if item else (None, "")
        if item is None:
            return False
        turn.go("lib_read", kind=kind, id=int(number), back=back)
        turn.record(EventKind.BULLETIN_VIEWED, topic=topic, ref=ref)
        return True

    async def free_text(self, turn: Turn, text: str) -> bool:
        """A word typed on a list searches the library."""
        await search(turn, text)
        return True

    async def _entries(self, turn: Turn, topic: str, query: str,
                       page: int) -> tuple[list[Entry], int]:
        if topic in (LATEST, SEARCH):
            every = await (latest_entries(turn) if topic == LATEST
                           else search_entries(turn, query))
            return every[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], len(every)
        total = await turn.uow.bulletins.count(topic)
        items = await turn.uow.bulletins.page(topic, page * PAGE_SIZE, PAGE_SIZE)
        return [library_entry(item) for item in items], total

    def _title(self, turn: Turn, topic: str, query: str, total: int) -> str:
        if topic == SEARCH:
            key = "library.search_results" if total else "library.search_none"
            return turn.t(key, query=query, count=total)
        if total == 0:
            return turn.t("library.empty")
        if topic == LATEST:
            return turn.t("library.latest_title")
        return turn.t("library.list_title", topic=turn.t(f"topic.{topic}"), count=total)


class LibraryReadScreen:
    step = "lib_read"

    async def render(self, turn: Turn) -> Message:
        data = turn.state.data
        text = await self._text(turn, data.get("kind", "b"), int(data.get("id", 0)))
        rows = [(option(self.step, "back", turn.t("library.back_to_list")),
                 option(self.step, "topics", turn.t("library.other_topics")))]
        if TIP_STEP in turn.screens and text is not None:
            rows.append((option(self.step, "tip", turn.t("library.report_this")),))
        rows.append((option(self.step, "menu", turn.t("library.main_menu")),))
        return Message(text=text or turn.t("library.gone"), buttons=tuple(rows))

    async def _text(self, turn: Turn, kind: str, number: int) -> str | None:
        if kind == "s":
            item = await turn.uow.bulletins.sent_by_id(number)
            return sent_text(turn, item) if item else None
        bulletin = await turn.uow.bulletins.by_id(number)
        return bulletin_text(turn, bulletin) if bulletin else None

    async def choose(self, turn: Turn, key: str) -> None:
        data = turn.state.data
        if key == "tip":
            await self._report(turn, data)
            return
        if key == "topics":
            turn.go("lib_topics")
        elif key == "menu":
            turn.go("main")
        else:
            turn.go("lib_list", **dict(data.get("back") or {"topic": LATEST, "page": 0}))
        await turn.show()

    async def _report(self, turn: Turn, data: dict) -> None:
        """A tip about this bulletin, credited to it as the bulletin's /start tb_<id> link is
        (a library item is credited as lib:<id>)."""
        number = int(data.get("id", 0))
        await turn.screens[TIP_STEP].start(
            turn, prompted_by=str(number) if data.get("kind") == "s" else f"lib:{number}")

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False
