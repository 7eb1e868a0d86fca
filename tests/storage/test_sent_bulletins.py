"""The library's read-only view of broadcasts: what was sent to a commune on some topics."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from broadcasts.model import Audience, Status
from tests.e2e.broadcasts.people import broadcast, unit_id

NOW = datetime.now(timezone.utc)


async def sent(app, text, minutes_ago, **where) -> int:
    where.setdefault("status", Status.FINISHED)
    return await broadcast(app, text, start=NOW - timedelta(minutes=minutes_ago), **where)


async def listed(app, slug="cao-thuong", topics=("fraud",), audiences=("residents", "both"),
                 days=60):
    async with app.uow() as uow:
        items = await uow.bulletins.sent_to(await unit_id(app, slug), topics, audiences,
                                            NOW - timedelta(days=days), 30)
    return [item.text for item in items]


async def test_sent_bulletins_of_the_commune_and_topics_newest_first(app):
    await sent(app, "older", 60)
    await sent(app, "newer", 5)
    await sent(app, "running now", 1, status=Status.RUNNING)
    await sent(app, "paused", 2, status=Status.PAUSED)
    await sent(app, "whole area", 3, all_units=True)
    await sent(app, "two topics", 4, topics=("drugs", "fraud"))
    await sent(app, "other commune", 1, units=("nha-nam",))
    await sent(app, "other topic", 1, topics=("drugs",))
    await sent(app, "team only", 1, audience=Audience.TEAM)
    await sent(app, "cancelled", 1, status=Status.CANCELLED)
    await sent(app, "still a draft", 1, status=Status.DRAFT)
    await sent(app, "scheduled later", -60, status=Status.SCHEDULED)
    await sent(app, "long ago", 60 * 24 * 90)
    assert await listed(app) == ["running now", "paused", "whole area", "two topics", "newer",
                                 "older"]
    assert "team only" in await listed(app, audiences=("residents", "team", "both"))
    assert await listed(app, slug="nha-nam") == ["other commune", "whole area"]


async def test_a_sent_bulletin_by_id_carries_its_library_title(app):
    async with app.uow() as uow:
        library = (await uow.bulletins.page("fraud", 0, 1))[0]
    bid = await sent(app, "text as sent", 5, bulletin_id=library.id)
    async with app.uow() as uow:
        item = await uow.bulletins.sent_by_id(bid)
        draft = await uow.bulletins.sent_by_id(await sent(app, "x", 1, status=Status.DRAFT))
    assert item.title == library.title and item.text == "text as sent"
    assert item.topics == ("fraud",) and item.sent_at.tzinfo is not None
    assert abs((item.sent_at - (NOW - timedelta(minutes=5))).total_seconds()) < 2
    assert draft is None                       # a draft was never sent: not readable here


async def test_library_items_keep_their_issuer_and_source(app):
    async with app.uow() as uow:
        everything = await uow.bulletins.everything()
    assert everything and all(b.issuer for b in everything)
    kidnapping = next(b for b in everything if b.slug == "fraud-online-kidnapping")
    assert kidnapping.issuer.startswith("Bộ Công an") and kidnapping.source.startswith("https://")
    assert [b.published for b in everything] == sorted((b.published for b in everything),
                                                       reverse=True)
