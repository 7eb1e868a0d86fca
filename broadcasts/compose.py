"""Composing: write a new bulletin (with an optional photo) or pick one from the library."""
from __future__ import annotations

import re

from broadcasts.flow import advance, quit_compose, refuse
from broadcasts.links import InLanguage
from broadcasts.model import MAX_BULLETIN
from broadcasts.problems import BadPhoto
from broadcasts.validation import validate_bulletin
from handlers.dialogue import Turn, option
from handlers.library import bulletin_text
from handlers.messages import Button, Kind, Message
from handlers.text import shorten

START, PHOTO, LIB_TOPICS, LIB_LIST = "bc_start", "bc_photo", "bc_lib_topics", "bc_lib_list"
LIB_PAGE = 6
_LINK = re.compile(r"^https?://\S{3,1000}$")


class StartScreen:
    """/phatcanhbao: type the text, or take a bulletin from the library, or look at past ones."""

    step = START
    max_text = MAX_BULLETIN.max_units     # a bulletin may be longer than a usual answer

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("broadcast.start"), buttons=(
            (option(self.step, "library", turn.t("broadcast.from_library")),),
            (option(self.step, "recent", turn.t("broadcast.recent")),),
            (option(self.step, "quit", turn.t("common.cancel")),)))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        turn.go(LIB_TOPICS if key == "library" else "bc_list")
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        problems = validate_bulletin(text, max_len=MAX_BULLETIN)
        if problems:
            refuse(turn, problems[0])
            await turn.show()
            return True
        advance(turn, PHOTO, text=text.strip())
        await turn.show()
        return True

    async def media(self, turn: Turn) -> bool:
        """A photo with its caption: the bulletin's text and photo in one message."""
        photo = _photo_of(turn)
        if photo is None or not turn.inbound.text.strip():
            return False
        if not await self.free_text(turn, turn.inbound.text):
            return False
        if turn.state.step == PHOTO:          # the caption was a valid bulletin
            advance(turn, "bc_topics", photo=photo)
            turn.reply.messages.pop()         # show the topics, not the photo question
            await turn.show()
        return True


class PhotoScreen:
    """An optional photo: a link to an image (every channel can send one), or none."""

    step = PHOTO

    async def render(self, turn: Turn) -> Message:
        return Message(text=turn.t("broadcast.photo"), buttons=(
            (option(self.step, "none", turn.t("broadcast.no_photo")),),
            (option(self.step, "quit", turn.t("common.cancel")),)))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        advance(turn, "bc_topics", photo=None)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        link = text.strip()
        if not _LINK.match(link):
            refuse(turn, BadPhoto("not an http(s) link"))
            await turn.show()
            return True
        advance(turn, "bc_topics", photo=link)
        await turn.show()
        return True

    async def media(self, turn: Turn) -> bool:
        """A photo sent in the chat, by its file id (reusable by this bot without uploading)."""
        photo = _photo_of(turn)
        if photo is None:
            return False
        advance(turn, "bc_topics", photo=photo)
        await turn.show()
        return True


def _photo_of(turn: Turn) -> str | None:
    photos = [a for a in turn.inbound.attachments if a.kind == "photo"]
    return photos[-1].ref if turn.inbound.kind is Kind.MEDIA and photos else None


class LibraryTopicsScreen:
    step = LIB_TOPICS

    async def render(self, turn: Turn) -> Message:
        rows = []
        for slug in await turn.uow.topics.active():
            count = await turn.uow.bulletins.count(slug)
            if count:
                label = turn.t("library.topic_button", topic=turn.t(f"topic.{slug}"), count=count)
                rows.append((option(self.step, slug, label),))
        rows.append((option(self.step, "quit", turn.t("common.cancel")),))
        return Message(text=turn.t("broadcast.library_topic"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        turn.go(LIB_LIST, topic=key, page=0)
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class LibraryListScreen:
    step = LIB_LIST

    async def render(self, turn: Turn) -> Message:
        topic, page = turn.state.data.get("topic", ""), int(turn.state.data.get("page", 0))
        items = await turn.uow.bulletins.page(topic, page * LIB_PAGE, LIB_PAGE)
        total = await turn.uow.bulletins.count(topic)
        rows: list[tuple[Button, ...]] = [(option(self.step, f"b.{b.id}", shorten(b.title, 60)),)
                                          for b in items]
        nav = []
        if page > 0:
            nav.append(option(self.step, f"p.{page - 1}", turn.t("common.prev")))
        if (page + 1) * LIB_PAGE < total:
            nav.append(option(self.step, f"p.{page + 1}", turn.t("common.next")))
        rows += [tuple(nav)] if nav else []
        rows.append((option(self.step, "back", turn.t("common.back")),))
        return Message(text=turn.t("broadcast.library_pick", topic=turn.t(f"topic.{topic}")),
                       buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "back":
            turn.go(LIB_TOPICS)
        elif key.startswith("p."):
            turn.go(self.step, topic=turn.state.data.get("topic", ""), page=int(key[2:]))
        else:
            await self._pick(turn, int(key[2:]))
            return
        await turn.show()

    async def _pick(self, turn: Turn, bulletin_id: int) -> None:
        bulletin = await turn.uow.bulletins.by_id(bulletin_id)
        if bulletin is None:
            turn.say(turn.t("library.gone"))
            await turn.show()
            return
        advance(turn, PHOTO, text=bulletin_text(InLanguage(turn.catalog), bulletin),
                bulletin=bulletin.id,
                topics=[bulletin.topic])
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False

