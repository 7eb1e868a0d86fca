"""A resident's ordinary turn costs few statements: each one is a round trip (a thread hop on
SQLite) while the turn holds the write lock, so fifty residents writing at once wait for the sum.
A row the turn read is saved without being read again, and a topic list that did not change is
not read back."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from handlers.domain import SubscriberStatus
from handlers.messages import Inbound, Kind

ASKER = "7001"


@contextmanager
def statements(app):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))
    event.listen(app.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", record)


def command(name: str, update: int) -> Inbound:
    return Inbound(channel="telegram", user_id=ASKER, kind=Kind.COMMAND, text=f"/{name}",
                   command=name, update_id=str(update))


async def subscribed(app) -> None:
    """A resident who went through onboarding: a commune and a topic."""
    async with app.uow() as uow:
        unit = await uow.units.by_slug("cao-thuong")
    reply = await app.dialogue.handle(command("start", 1))
    assert reply.messages
    async with app.uow() as uow:
        resident = await uow.subscribers.get("telegram", ASKER)
        resident.unit_id, resident.topics = unit.id, {"fraud"}
        resident.status = SubscriberStatus.ACTIVE
        await uow.subscribers.save(resident)
        await uow.commit()


async def test_the_emergency_numbers_cost_one_read_per_row_and_one_write_per_change(app):
    await subscribed(app)
    with statements(app) as seen:
        reply = await app.dialogue.handle(command("khancap", 2))
    assert "113" in reply.messages[0].text
    reads = [s for s in seen if s.startswith("SELECT")]
    writes = [s for s in seen if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    # the resident with their topics (one join), the conversation, officer or not, the
    # commune and the command's duty desk; the update id and the conversation. The resident's
    # row is not written: nothing in it changed, and the bot keeps no "last seen".
    assert len(reads) == 5, reads
    assert len(writes) == 2, writes
    assert not any(s.startswith("UPDATE subscribers") for s in writes)
    assert sum("FROM subscribers" in s for s in reads) == 1
    assert sum("subscriber_topics" in s for s in seen) == 1       # read with the resident
    assert not any("units" in s and "LIMIT" not in s and "units.id =" not in s for s in reads), \
        "the whole directory was loaded for two units"


async def test_a_change_of_subscription_is_dated_and_a_visit_is_not(app):
    await subscribed(app)
    async with app.uow() as uow:
        before = (await uow.subscribers.get("telegram", ASKER)).updated_at
    await app.dialogue.handle(command("khancap", 3))
    async with app.uow() as uow:
        resident = await uow.subscribers.get("telegram", ASKER)
        assert resident.updated_at == before
        resident.language = "en"
        await uow.subscribers.save(resident)
        await uow.commit()
    async with app.uow() as uow:
        assert (await uow.subscribers.get("telegram", ASKER)).updated_at > before


async def test_saving_changed_topics_writes_only_the_difference(app):
    await subscribed(app)
    async with app.uow() as uow:
        resident = await uow.subscribers.get("telegram", ASKER)
        resident.topics = {"fraud", "drugs"}
        with statements(app) as seen:
            await uow.subscribers.save(resident)
            await uow.commit()
    assert not any(s.startswith("SELECT") for s in seen), seen
    assert sum(s.startswith("INSERT INTO subscriber_topics") for s in seen) == 1
    async with app.uow() as uow:
        assert (await uow.subscribers.get("telegram", ASKER)).topics == {"fraud", "drugs"}
        resident = await uow.subscribers.get("telegram", ASKER)
        resident.topics = {"drugs"}
        await uow.subscribers.save(resident)
        await uow.commit()
    async with app.uow() as uow:
        assert (await uow.subscribers.get("telegram", ASKER)).topics == {"drugs"}
