"""Dialogue states are sealed at rest (a tip draft sits next to the chat id that keys the row),
and SQLite zeroes deleted content."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from handlers.domain import DialogueState
from storage.tables.core import DialogueRow
from storage.state_sealing import StateSealer

DRAFT = {"draft": {"text": "Có người buôn bán ma túy ở bãi sông", "category": "drugs"}}


async def raw_data(app, user_id: str) -> dict:
    async with app.engine.connect() as conn:
        return (await conn.execute(select(DialogueRow.data).where(
            DialogueRow.user_id == user_id))).scalar_one()


async def test_a_tip_draft_is_sealed_in_the_row_and_read_back(app):
    async with app.uow() as uow:
        await uow.dialogues.put("test", "555", DialogueState("tip_text", DRAFT))
        await uow.commit()
    stored = await raw_data(app, "555")
    assert list(stored) == ["sealed"] and "ma túy" not in str(stored) and "drugs" not in str(stored)
    async with app.uow() as uow:
        assert await uow.dialogues.get("test", "555") == DialogueState("tip_text", DRAFT)


async def test_empty_states_stay_empty_and_older_plain_rows_still_read(app):
    async with app.uow() as uow:
        await uow.dialogues.put("test", "556", DialogueState("main", {}))
        uow.session.add(DialogueRow(channel="test", user_id="557", step="topics",
                                    data={"selected": ["fraud"]}))
        await uow.commit()
    assert await raw_data(app, "556") == {}
    async with app.uow() as uow:
        assert (await uow.dialogues.get("test", "557")).data == {"selected": ["fraud"]}


async def test_a_state_sealed_with_another_key_starts_the_conversation_again(app):
    other = StateSealer(Fernet.generate_key()).seal(DRAFT)
    async with app.uow() as uow:
        uow.session.add(DialogueRow(channel="test", user_id="558", step="tip_text", data=other))
        await uow.commit()
    async with app.uow() as uow:
        assert await uow.dialogues.get("test", "558") is None


async def test_sqlite_connections_zero_deleted_content(app):
    if app.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no secure_delete: README, what PostgreSQL needs")
    async with app.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA secure_delete"))).scalar_one() == 1
