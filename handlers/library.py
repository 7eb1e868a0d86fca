"""The bulletin library: latest warnings for the person's topics, and browsing by topic."""
from __future__ import annotations

from handlers.dialogue import Turn, option
from handlers.domain import Bulletin, EventKind
from handlers.messages import Message
from handlers.text import shorten

PAGE_SIZE = 5
LATEST = "*"          # the 'topic' of the latest-warnings list: the person's own topics


def bulletin_text(turn: Turn, bulletin: Bulletin) -> str:
    return turn.t("library.bulletin", title=bulletin.title,
                  date=bulletin.published.strftime("%d/%m/%Y"),
                  topic=turn.t(f"topic.{bulletin.topic}"), body=bulletin.body)


class LibraryTopicsScreen:
    step = "lib_topics"

    async def render(self, turn: Turn) -> Message:
        rows = []
        for slug in await turn.uow.topics.active():
            count = await turn.uow.bulletins.count(slug)
            label = turn.t("library.topic_button", topic=turn.t(f"topic.{slug}"), count=count)
            rows.append((option(self.step, slug, label),))
        return Message(text=turn.t("library.choose_topic"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        turn.go("lib_list", topic=key, page=0)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class LibraryListScreen:
    step = "lib_list"

    async def render(self, turn: Turn) -> Message:
        topic, page = turn.state.data.get("topic", LATEST), int(turn.state.data.get("page", 0))
        items, total = await self._items(turn, topic, page)
        rows = [(option(self.step, f"b.{b.id}", shorten(
            f"{b.published.strftime('%d/%m/%y')} · {b.title}", 60)),) for b in items]
        nav = []
        if page > 0:
            nav.append(option(self.step, f"p.{page - 1}", turn.t("common.prev")))
        if (page + 1) * PAGE_SIZE < total:
            nav.append(option(self.step, f"p.{page + 1}", turn.t("common.next")))
        if nav:
            rows.append(tuple(nav))
        if topic != LATEST:
            rows.append((option(self.step, "topics", turn.t("library.other_topics")),))
        return Message(text=self._title(turn, topic, total), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        data = turn.state.data
        if key == "topics":
            turn.go("lib_topics")
        elif key.startswith("p."):
            turn.go(self.step, topic=data.get("topic", LATEST), page=int(key[2:]))
        else:
            bulletin = await turn.uow.bulletins.by_id(int(key[2:]))
            if bulletin is None:
                turn.say(turn.t("library.gone"))
            else:
                turn.go("lib_read", id=bulletin.id, topic=data.get("topic", LATEST),
                        page=data.get("page", 0))
                turn.record(EventKind.BULLETIN_VIEWED, topic=bulletin.topic, ref=bulletin.slug)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False

    async def _items(self, turn: Turn, topic: str, page: int) -> tuple[list[Bulletin], int]:
        if topic == LATEST:
            topics = turn.subscriber.topics or set(await turn.uow.topics.active())
            items = await turn.uow.bulletins.latest(topics, PAGE_SIZE)
            return items, len(items)
        total = await turn.uow.bulletins.count(topic)
        return await turn.uow.bulletins.page(topic, page * PAGE_SIZE, PAGE_SIZE), total

    def _title(self, turn: Turn, topic: str, total: int) -> str:
        if total == 0:
            return turn.t("library.empty")
        if topic == LATEST:
            return turn.t("library.latest_title")
        return turn.t("library.list_title", topic=turn.t(f"topic.{topic}"), count=total)


class LibraryReadScreen:
    step = "lib_read"

    async def render(self, turn: Turn) -> Message:
        bulletin = await turn.uow.bulletins.by_id(int(turn.state.data.get("id", 0)))
        text = bulletin_text(turn, bulletin) if bulletin else turn.t("library.gone")
        rows = [(option(self.step, "back", turn.t("library.back_to_list")),)]
        if turn.state.data.get("topic") != LATEST:
            rows.append((option(self.step, "topics", turn.t("library.other_topics")),))
        return Message(text=text, buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        data = turn.state.data
        if key == "topics":
            turn.go("lib_topics")
        else:
            turn.go("lib_list", topic=data.get("topic", LATEST), page=data.get("page", 0))
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False
