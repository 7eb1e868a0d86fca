"""A tip submitted and taken, on the in-memory unit of work (no database)."""
from __future__ import annotations

from handlers.domain import EventKind, Role
from handlers.messages import Kind
from handlers.tips.domain import TipStatus
from tests.fakes.memory_app import add_member, memory_app
from tests.fakes.resident import Resident


async def submit_tip(r: Resident, text: str) -> None:
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.type("cao thuong")
    await r.type(text)
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")


async def test_a_tip_reaches_its_commune_and_one_officer_takes_it():
    app = await memory_app()
    officer = await add_member(app, "o1", Role.OFFICER, "cao-thuong", "Đồng chí A")
    await add_member(app, "o2", Role.OFFICER, "cao-thuong", "Đồng chí B")
    await submit_tip(Resident(app, "r1"), "Có người buôn bán ma túy ở bãi sông")
    data = app.uow.data
    [stored] = data.tips.values()
    tip = stored.tip
    assert tip.status is TipStatus.NEW and tip.text == "Có người buôn bán ma túy ở bãi sông"
    assert {n.chat_id for n in data.notifications} == {"o1", "o2"}
    assert app.sealer.unseal(data.links[tip.id][0]) == ("test", "r1")   # sealed, kept apart
    assert "r1" not in repr(stored) and all("r1" not in repr(e) for e in data.events)

    first, second = Resident(app, "o1"), Resident(app, "o2")
    await first.send(Kind.BUTTON, payload=f"tip:take:{tip.id}")
    await second.send(Kind.BUTTON, payload=f"tip:take:{tip.id}")
    assert first.last.notice.startswith("✋")
    assert "Đồng chí A" in second.last.notice
    taken = app.uow.data.tips[tip.id].tip
    assert taken.status is TipStatus.TAKEN and taken.taken_by == officer.id
    kinds = [e.kind for e in app.uow.data.events]
    assert kinds.count(EventKind.TIP_TAKEN) == 1 and EventKind.TIP_SUBMITTED in kinds


async def test_an_officer_of_another_commune_cannot_take_it():
    app = await memory_app()
    await add_member(app, "o9", Role.OFFICER, "an-duong")
    await submit_tip(Resident(app, "r1"), "Sới bạc ở nhà văn hoá thôn đông")
    [stored] = app.uow.data.tips.values()
    outsider = Resident(app, "o9")
    await outsider.send(Kind.BUTTON, payload=f"tip:take:{stored.tip.id}")
    assert outsider.last.notice == "Đồng chí không có quyền với tin báo này."
    assert app.uow.data.tips[stored.tip.id].tip.taken_by is None
    assert [a.action for a in app.uow.data.audit][-1] == "denied"


async def test_the_submit_use_case_takes_a_command_not_a_chat_turn():
    """handlers.tips.service.submit_tip is called with a SubmitTip and a unit of work, as the
    screens call it: the tip is routed, sealed and counted; over the limit it is refused and
    nothing of the refused tip is written."""
    from datetime import datetime, timezone

    from handlers.tips.domain import TipDraft, TipKind, TipRules
    from handlers.tips.service import SubmitTip, TipRefused, submit_tip
    from tests.fakes.memory_uow import MemoryDatabase

    app = await memory_app()
    rules = TipRules(tips_per_hour=1)
    now = datetime.now(timezone.utc)
    draft = TipDraft(kind=TipKind.TIP, category="drugs", unit_slug="cao-thuong",
                     text="  Có người buôn ma túy ở bến xe  ")
    command = SubmitTip(draft, "zalo_bot", "u-42", now)
    database: MemoryDatabase = app.uow
    async with database() as uow:
        submitted = await submit_tip(command, uow, app.sealer, rules)
        await uow.commit()
    tip = submitted.tip
    unit = next(u for u in database.data.units if u.slug == "cao-thuong")
    assert tip.unit_id == unit.id and tip.text == "Có người buôn ma túy ở bến xe"
    assert len(submitted.code) >= 6 and tip.label
    assert app.sealer.unseal(database.data.links[tip.id][0]) == ("zalo_bot", "u-42")
    kinds = [e.kind for e in database.data.events]
    assert kinds.count(EventKind.TIP_SUBMITTED) == 1 and EventKind.TIP_ROUTED in kinds
    assert database.data.notifications == []     # telling the unit is the screen's (announce_new)

    async with database() as uow:
        try:
            await submit_tip(command, uow, app.sealer, rules)
        except TipRefused as refusal:
            assert refusal.key == "tip.limit_hour"
        else:
            raise AssertionError("the second tip of the hour was taken")
    assert len(database.data.tips) == 1
