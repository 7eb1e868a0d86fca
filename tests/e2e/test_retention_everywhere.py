"""Retention erases every copy of a tip's contents wherever it lives: the tip row, its thread,
the officers' cards, the question and the answer queued in the notifications outbox, the move
reason in the audit log. The test goes through every table and column of the database looking
for each thing the tipster and the officers wrote (and the shared coordinates), so a new place
that keeps tip text fails it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from handlers.domain import Role
from handlers.messages import Attachment, Kind
from handlers.tips.jobs import apply_retention
from handlers.tips.domain import TipRules
from storage.tables.core import LedgerRow
from storage.tables import metadata
from storage.tables.tips import NotificationRow, TipLinkRow, TipRow
from tests.e2e.test_tips_dialogue import member, receipt_code, start_tip
from tests.fakes.resident import Resident

SAID = {"text": "Nhà số 17 ngõ Chùa cất giấu hàng cấm", "contact": "0912 999 111",
        "question": "Hàng được chuyển tới vào buổi nào?", "answer": "Thường là sáng thứ bảy",
        "note": "Đối tượng có tiền án năm 2019", "reason": "Địa chỉ thuộc xã An Dương",
        "photo": "photo-file-evidence-77", "latitude": "21.3571"}
# Where tip contents may be written: each must be emptied by retention.
HOLDERS = {("tips", "text"), ("tips", "contact"), ("tips", "place"), ("tips", "attachments"),
           ("tips", "latitude"), ("tips", "longitude"), ("tip_messages", "text"),
           ("tip_messages", "attachments"), ("notifications", "payload"),
           ("audit_log", "data"), ("dialogue_states", "data"),
           ("kept_files", "data")}     # Zalo photos the bot downloaded (test_kept_media.py)


async def everywhere(app, needle: str) -> set[tuple[str, str]]:
    """Every (table, column) whose value contains `needle`."""
    found = set()
    async with app.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in (await conn.execute(select(table))).mappings():
                for column, value in row.items():
                    if value is not None and needle in str(value):
                        found.add((table.name, column))
    return found


async def a_tip_with_everything(app) -> Resident:
    """Text, contact, a photo, a location; a question and its answer, a note, a move."""
    await member(app, "o1", Role.OFFICER, "cao-thuong")
    await member(app, "o2", Role.OFFICER, "an-duong")
    tipster = Resident(app, "r1")
    await start_tip(tipster)
    await tipster.type(SAID["text"])
    await tipster.send(Kind.LOCATION, location=(float(SAID["latitude"]), 106.1234))
    await tipster.send(Kind.MEDIA, media="photo", attachments=(
        Attachment("photo", SAID["photo"], 50_000, "image/jpeg"),))
    await tipster.type("xong")
    await tipster.type(SAID["contact"])
    await tipster.press("Gửi tin báo")
    code = receipt_code(tipster)
    [tip_id] = await tip_ids(app)
    officer = Resident(app, "o1")
    await officer.send(Kind.BUTTON, payload=f"tip:ask:{tip_id}")
    await officer.type(SAID["question"])
    await officer.send(Kind.BUTTON, payload=f"tip:note:{tip_id}")
    await officer.type(SAID["note"])
    await tipster.command("tracuu", code)
    await tipster.press("Trả lời")
    await tipster.type(SAID["answer"])
    await officer.send(Kind.BUTTON, payload=f"tip:move:{tip_id}")
    await officer.type("an duong")
    await officer.type(SAID["reason"])
    await Resident(app, "o2").send(Kind.BUTTON, payload=f"tip:close:{tip_id}")
    return tipster


async def tip_ids(app) -> list[int]:
    async with app.uow() as uow:
        return list(await uow.session.scalars(select(TipRow.id)))


async def test_every_copy_of_a_tips_contents_is_erased(app):
    await a_tip_with_everything(app)
    before = {key: await everywhere(app, value) for key, value in SAID.items()}
    assert ("notifications", "payload") in before["text"]          # the officers' cards
    assert ("notifications", "payload") in before["question"]      # queued for the tipster
    assert ("notifications", "payload") in before["answer"]        # queued for the officer
    assert ("audit_log", "data") in before["reason"]
    assert set().union(*before.values()) <= HOLDERS, "tip text found in an unexpected place"
    async with app.uow() as uow:
        await uow.session.execute(update(TipRow).values(
            closed_at=datetime.now(timezone.utc) - timedelta(days=800)))
        await uow.session.execute(update(TipLinkRow).values(
            erase_after=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await uow.commit()

    result = await apply_retention(app.uow, TipRules(content_retention_days=730))

    assert result["contents"] == 1
    for key, value in SAID.items():
        assert await everywhere(app, value) == set(), key
    async with app.uow() as uow:
        tip = (await uow.session.execute(select(TipRow.category, TipRow.status))).one()
        kinds = list(await uow.session.scalars(select(LedgerRow.kind)))
        left = list(await uow.session.scalars(select(NotificationRow.id)))
    assert tuple(tip) == ("drugs", "closed")                       # the counts stay
    assert kinds.count("tip_submitted") == 1 and kinds.count("followup_answered") == 1
    assert left == []
