"""The turn pipeline every adapter uses: typed commands, de-duplication, polite failure."""
from __future__ import annotations

import logging

import pytest

from bot.turns import Turns, typed
from handlers.i18n import Catalog
from handlers.messages import Inbound, Kind, Message, Reply
from handlers.ports import StorageUnavailable

TEXTS = {"vi": {"error.busy": "Hệ thống đang bận", "error.internal": "Xin lỗi, có lỗi"},
         "en": {"error.busy": "busy", "error.internal": "sorry"}}


class FakeUpdates:
    def __init__(self, seen: set, down: bool) -> None:
        self._seen, self._down = seen, down

    async def first_time(self, channel: str, update_id: str) -> bool:
        if self._down:
            raise StorageUnavailable("database away")
        fresh = (channel, update_id) not in self._seen
        self._seen.add((channel, update_id))
        return fresh


class FakeWork:
    """A unit of work whose writes count only once committed."""

    def __init__(self, store: FakeStore) -> None:
        self._store, self._pending = store, set(store.seen)
        self.updates = FakeUpdates(self._pending, store.down)
        self.touched: list[str] = []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        self._store.seen = self._pending
        self._store.touched += self.touched


class FakeStore:
    def __init__(self) -> None:
        self.seen: set = set()
        self.touched: list[str] = []
        self.down = False

    def __call__(self) -> FakeWork:
        return FakeWork(self)


class FakeDialogue:
    """Answers "ok", or raises what it is told to for the next turn."""

    def __init__(self) -> None:
        self.raises: BaseException | None = None
        self.seen: list[Inbound] = []

    async def handle(self, inbound: Inbound) -> Reply:
        self.seen.append(inbound)
        if self.raises is not None:
            error, self.raises = self.raises, None
            raise error
        return Reply(messages=[Message(text="ok")])


@pytest.fixture
def parts():
    store, dialogue = FakeStore(), FakeDialogue()
    return Turns(dialogue, store, Catalog(TEXTS, default="vi")), store, dialogue


def inbound(kind: Kind = Kind.TEXT, language: str | None = None) -> Inbound:
    return Inbound(channel="console", user_id="u1", kind=kind, text="hi", language=language)


# -- typed commands ---------------------------------------------------------------------------

def test_a_slash_word_is_a_command_with_its_arguments():
    found = typed("/TraCuu  AB12-CD34 ", channel="zalo_bot", user_id="7")
    assert (found.kind, found.command, found.args) == (Kind.COMMAND, "tracuu", "AB12-CD34")
    assert (found.channel, found.user_id, found.text) == ("zalo_bot", "7", "/TraCuu  AB12-CD34 ")


def test_a_bot_name_after_the_command_is_dropped_and_newlines_end_the_command():
    assert typed("/dangkynhom@antt_bot", channel="telegram", user_id="1").command == "dangkynhom"
    multi = typed("/tobao\nxe lạ đỗ trước cổng", channel="telegram", user_id="1")
    assert (multi.command, multi.args) == ("tobao", "xe lạ đỗ trước cổng")
    assert typed("  /start", channel="console", user_id="1").command == "start"


@pytest.mark.parametrize("text", ["/", "/ start", "/@bot", "hello /start", "1", "", "quay lại"])
def test_anything_else_typed_is_text(text):
    found = typed(text, channel="console", user_id="1")
    assert (found.kind, found.command, found.text) == (Kind.TEXT, "", text)


# -- de-duplication -----------------------------------------------------------------------------

async def test_an_update_is_fresh_once_per_channel(parts):
    turns, _, _ = parts
    assert await turns.first_time("telegram", "41") is True
    assert await turns.first_time("telegram", "41") is False
    assert await turns.first_time("zalo_oa", "41") is True        # ids of another platform


async def test_what_runs_with_a_fresh_update_is_in_its_transaction_and_skipped_for_a_repeat(parts):
    turns, store, _ = parts

    async def touch(uow) -> None:
        uow.touched.append("u1")
    assert await turns.first_time("zalo_bot", "m1", touch) is True
    assert await turns.first_time("zalo_bot", "m1", touch) is False
    assert store.touched == ["u1"]


async def test_with_the_database_away_the_update_is_neither_fresh_nor_repeated(parts):
    turns, store, _ = parts
    store.down = True
    assert await turns.first_time("telegram", "42") is None
    store.down = False
    assert await turns.first_time("telegram", "42") is True       # nothing was recorded


# -- the dialogue call and polite failure -------------------------------------------------------

async def test_the_dialogue_answers_the_inbound_as_given(parts):
    turns, _, dialogue = parts
    sent = inbound()
    assert (await turns.answer(sent)).messages == [Message(text="ok")]
    assert dialogue.seen == [sent]


async def test_storage_away_asks_the_person_to_try_again(parts, caplog):
    turns, _, dialogue = parts
    dialogue.raises = StorageUnavailable("connection refused at 10.0.0.5")
    reply = await turns.answer(inbound())
    assert [m.text for m in reply.messages] == ["Hệ thống đang bận"]
    assert reply.notice == ""
    assert "10.0.0.5" not in str(reply)


async def test_any_other_failure_is_an_apology_and_the_traceback_goes_to_the_log(parts, caplog):
    turns, _, dialogue = parts
    dialogue.raises = KeyError("secret internal detail")
    with caplog.at_level(logging.ERROR, logger="bot.turns"):
        reply = await turns.answer(inbound(language="en"))
    assert [m.text for m in reply.messages] == ["sorry"]           # in the person's language
    assert "secret internal detail" not in str(reply) and "Traceback" not in str(reply)
    [record] = [r for r in caplog.records if r.name == "bot.turns"]
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)
    assert (await turns.answer(inbound())).messages == [Message(text="ok")]   # next turn works


async def test_a_failed_button_press_also_gets_the_apology_as_its_notice(parts):
    turns, _, dialogue = parts
    dialogue.raises = RuntimeError("boom")
    reply = await turns.answer(inbound(Kind.BUTTON, language="xx"))   # unknown language: default
    assert reply.notice == "Xin lỗi, có lỗi"
    assert [m.text for m in reply.messages] == ["Xin lỗi, có lỗi"]


async def test_cancellation_is_not_swallowed(parts):
    import asyncio
    turns, _, dialogue = parts
    dialogue.raises = asyncio.CancelledError()
    with pytest.raises(asyncio.CancelledError):
        await turns.answer(inbound())
