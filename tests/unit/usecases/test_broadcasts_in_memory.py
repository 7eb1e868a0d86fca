"""Composing, confirming, scheduling and cancelling a broadcast: the use cases the chat and the
command line share, on the in-memory unit of work (no database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from broadcasts.commands import (ChangeBroadcast, ComposeBroadcast, ConfirmBroadcast,
                                 DraftRefused, ScheduleBroadcast, StatusMessage,
                                 change_broadcast, compose_broadcast, confirm_broadcast,
                                 schedule_broadcast)
from broadcasts.model import Action, Draft, Status
from broadcasts.problems import AlreadyFinished, NoTopics, NotAllowed, OutsideUnit
from handlers.domain import Role
from tests.fakes.memory_app import add_member, memory_app
from tests.fakes.resident import Resident

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
TEXT = "Cảnh báo: kẻ gian giả danh công an gọi điện đòi chuyển tiền"


async def unit_id(app, slug: str) -> int:
    return next(u.id for u in app.uow.data.units if u.slug == slug)


async def test_an_officer_composes_then_confirms_for_their_commune():
    app = await memory_app()
    officer = await add_member(app, "o1", Role.OFFICER, "cao-thuong")
    await Resident(app, "r1").onboard("cao thuong")
    draft = Draft(text=TEXT, topics=["fraud"], unit_ids=[await unit_id(app, "cao-thuong")])
    async with app.uow() as uow:
        draft_id = await compose_broadcast(ComposeBroadcast(
            draft, officer, NOW, StatusMessage("test", "o1", "vi")), uow)
        assert await uow.broadcasts.count_recipients(["fraud"], draft.unit_ids, False,
                                                     "residents", ["test"]) == 1
        scheduled = await confirm_broadcast(ConfirmBroadcast(draft_id, draft, officer, NOW), uow)
        again = await confirm_broadcast(ConfirmBroadcast(draft_id, draft, officer, NOW), uow)
        await uow.commit()
    stored = app.uow.data.broadcasts[draft_id]
    assert scheduled is not None and scheduled.start == NOW and again is None
    assert stored.status == Status.SCHEDULED.value and stored.extra["status_chat"] == "o1"
    assert stored.expires_at == NOW + timedelta(hours=24)
    assert [a.action for a in app.uow.data.audit] == ["broadcast_confirmed"]


async def test_an_officer_cannot_confirm_for_another_commune():
    app = await memory_app()
    officer = await add_member(app, "o1", Role.OFFICER, "cao-thuong")
    draft = Draft(text=TEXT, topics=["fraud"], unit_ids=[await unit_id(app, "an-duong")])
    async with app.uow() as uow:
        draft_id = await compose_broadcast(ComposeBroadcast(draft, officer, NOW), uow)
        with pytest.raises(DraftRefused) as refused:
            await confirm_broadcast(ConfirmBroadcast(draft_id, draft, officer, NOW), uow)
    assert [type(p) for p in refused.value.problems] == [OutsideUnit]


async def test_the_command_line_schedules_at_once_and_every_problem_is_told():
    app = await memory_app()
    bad = Draft(text="  ", topics=["no-such-topic"])
    async with app.uow() as uow:
        with pytest.raises(DraftRefused) as refused:
            await schedule_broadcast(ScheduleBroadcast(bad, NOW), uow)
        assert NoTopics in {type(p) for p in refused.value.problems}
        assert len(refused.value.problems) >= 3          # empty text, topics and communes
        good = Draft(text=TEXT, topics=["fraud"], all_units=True, start=NOW + timedelta(hours=2))
        scheduled = await schedule_broadcast(ScheduleBroadcast(good, NOW), uow)
        await uow.commit()
    stored = app.uow.data.broadcasts[scheduled.broadcast_id]
    assert stored.status == Status.SCHEDULED.value and stored.sender == "cli"
    assert scheduled.start == NOW + timedelta(hours=2)


async def test_pause_resume_cancel_and_nothing_after_cancel():
    app = await memory_app()
    draft = Draft(text=TEXT, topics=["fraud"], all_units=True)
    async with app.uow() as uow:
        scheduled = await schedule_broadcast(ScheduleBroadcast(draft, NOW), uow)
        await uow.commit()
    broadcast_id = scheduled.broadcast_id
    app.uow.data.broadcasts[broadcast_id].status = Status.RUNNING.value   # the engine started it
    outsider = await add_member(app, "o9", Role.OFFICER, "an-duong")
    async with app.uow() as uow:
        with pytest.raises(NotAllowed):       # sent to every commune: not this officer's to stop
            await change_broadcast(ChangeBroadcast(broadcast_id, Action.PAUSE, NOW, outsider),
                                   uow)
        for action, status in ((Action.PAUSE, Status.PAUSED), (Action.RESUME, Status.RUNNING),
                               (Action.CANCEL, Status.CANCELLED)):
            assert await change_broadcast(ChangeBroadcast(broadcast_id, action, NOW), uow) \
                is status
        with pytest.raises(AlreadyFinished):
            await change_broadcast(ChangeBroadcast(broadcast_id, Action.RESUME, NOW), uow)
        await uow.commit()
    assert app.uow.data.broadcasts[broadcast_id].status == Status.CANCELLED.value
    assert [a.action for a in app.uow.data.audit][-3:] == [
        "broadcast_pause", "broadcast_resume", "broadcast_cancel"]
