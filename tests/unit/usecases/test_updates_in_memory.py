"""A platform's update handed out again is answered once, and its id is recorded in the turn's
own transaction: a turn that failed leaves no id behind, so its repeat is answered."""
from __future__ import annotations

import pytest

from handlers.messages import Inbound, Kind
from tests.fakes.memory_app import CHANNEL, memory_app


def update(update_id: str, command: str = "khancap") -> Inbound:
    return Inbound(CHANNEL, "r1", Kind.COMMAND, command=command, text=f"/{command}",
                   update_id=update_id)


async def test_a_repeated_update_gets_no_second_answer_and_changes_nothing():
    app = await memory_app()
    first = await app.dialogue.handle(update("41", "start"))
    assert first.messages
    state = app.uow.data.dialogues[(CHANNEL, "r1")]
    again = await app.dialogue.handle(update("41", "start"))
    assert again.messages == [] and again.notice == ""
    assert app.uow.data.dialogues[(CHANNEL, "r1")] == state
    assert (await app.dialogue.handle(update("42"))).messages          # the next one is answered
    assert (CHANNEL, "41") in app.uow.data.updates and (CHANNEL, "42") in app.uow.data.updates


async def test_a_turn_that_failed_is_answered_when_its_update_comes_again(monkeypatch):
    app = await memory_app()
    dispatch = app.dialogue._dispatch

    async def broken(turn):
        raise RuntimeError("bug in a screen")
    monkeypatch.setattr(app.dialogue, "_dispatch", broken)
    with pytest.raises(RuntimeError):
        await app.dialogue.handle(update("7", "start"))
    assert (CHANNEL, "7") not in app.uow.data.updates                # rolled back with the turn
    monkeypatch.setattr(app.dialogue, "_dispatch", dispatch)
    assert (await app.dialogue.handle(update("7", "start"))).messages


async def test_without_an_update_id_every_turn_is_answered():
    app = await memory_app()
    for _ in range(2):
        inbound = Inbound(CHANNEL, "r1", Kind.COMMAND, command="start", text="/start")
        assert (await app.dialogue.handle(inbound)).messages
    assert not app.uow.data.updates
