"""Subscribing and changing settings, on the in-memory unit of work (no database)."""
from __future__ import annotations

from handlers.domain import EventKind, SubscriberStatus
from tests.fakes.memory_app import memory_app
from tests.fakes.resident import Resident


async def test_onboarding_subscribes_to_the_commune_and_every_topic():
    app = await memory_app()
    r = Resident(app, "r1")
    await r.onboard("cao thuong")
    data = app.uow.data
    [subscriber] = data.subscribers
    unit = next(u for u in data.units if u.id == subscriber.unit_id)
    assert subscriber.status is SubscriberStatus.ACTIVE and unit.slug == "cao-thuong"
    assert subscriber.topics == set(data.topics)
    assert [e.kind for e in data.events if e.kind is EventKind.SUBSCRIBED] == [EventKind.SUBSCRIBED]
    assert data.dialogues[("test", "r1")].step == "main"


async def test_a_turn_that_is_refused_changes_nothing_but_the_answer():
    app = await memory_app()
    r = Resident(app, "r1")
    await r.command("start")
    await r.type("an duong")
    await r.press("Bỏ chọn tất cả")
    await r.press("Xong")
    assert "chọn ít nhất một chủ đề" in r.texts()
    [subscriber] = app.uow.data.subscribers
    assert subscriber.status is SubscriberStatus.ONBOARDING and not subscriber.topics


async def test_settings_change_commune_topics_and_language():
    app = await memory_app()
    r = Resident(app, "r1")
    await r.onboard()
    await r.command("caidat")
    await r.press("Đổi xã")
    await r.type("viet lap")
    await r.press("Đổi chủ đề")
    await r.press("Cờ bạc")
    await r.press("Xong")
    await r.press("Ngôn ngữ")
    await r.press("English")
    assert "Switched to English" in r.texts()
    [subscriber] = app.uow.data.subscribers
    unit = next(u for u in app.uow.data.units if u.id == subscriber.unit_id)
    assert unit.slug == "viet-lap" and subscriber.language == "en"
    assert "gambling" not in subscriber.topics and subscriber.topics
    kinds = [e.kind for e in app.uow.data.events]
    assert EventKind.SETTINGS_CHANGED in kinds


async def test_nothing_lasts_without_commit():
    app = await memory_app()
    async with app.uow() as uow:
        await uow.topics.sync(["only-this"])
    assert "only-this" not in app.uow.data.topics
