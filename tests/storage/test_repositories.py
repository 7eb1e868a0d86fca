"""Repository behaviour on the configured database (SQLite or PostgreSQL)."""
from __future__ import annotations

from handlers.domain import DialogueState, Subscriber, SubscriberStatus


async def test_subscriber_topics_are_synchronised(app):
    async with app.uow() as uow:
        saved = await uow.subscribers.save(Subscriber(
            channel="telegram", user_id="42", language="vi", topics={"fraud", "drugs"}))
        await uow.commit()
    async with app.uow() as uow:
        sub = await uow.subscribers.get("telegram", "42")
        assert sub.id == saved.id and sub.topics == {"fraud", "drugs"}
        sub.topics = {"drugs", "theft"}
        sub.status = SubscriberStatus.ACTIVE
        await uow.subscribers.save(sub)
        await uow.commit()
    async with app.uow() as uow:
        sub = await uow.subscribers.get("telegram", "42")
        assert sub.topics == {"drugs", "theft"}
        assert await uow.subscribers.count_active() == 1


async def test_nothing_is_written_without_commit(app):
    async with app.uow() as uow:
        await uow.subscribers.save(Subscriber(channel="telegram", user_id="9", language="vi"))
        await uow.dialogues.put("telegram", "9", DialogueState("topics", {"a": 1}))
    async with app.uow() as uow:
        assert await uow.subscribers.get("telegram", "9") is None
        assert await uow.dialogues.get("telegram", "9") is None


async def test_update_ids_are_taken_once(app):
    async with app.uow() as uow:
        assert await uow.updates.first_time("telegram", "100") is True
        await uow.commit()
    async with app.uow() as uow:
        assert await uow.updates.first_time("telegram", "100") is False
        assert await uow.updates.first_time("zalo", "100") is True


async def test_bulletin_pages_are_newest_first_without_overlap(app):
    async with app.uow() as uow:
        total = await uow.bulletins.count("fraud")
        pages = [await uow.bulletins.page("fraud", offset, 5) for offset in range(0, total, 5)]
    every = [b for page in pages for b in page]
    dates = [b.published for b in every]
    assert dates == sorted(dates, reverse=True) and len(pages) >= 2
    assert len({b.id for b in every}) == total


async def test_library_sync_is_idempotent(app):
    from bot.app import prepare_database
    await prepare_database(app)
    async with app.uow() as uow:
        assert await uow.bulletins.count("drugs") >= 3
        assert len(await uow.topics.active()) == 7
        assert len(await uow.units.selectable()) == 22
