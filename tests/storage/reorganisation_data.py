"""An installation on the seed-era Tân Yên directory after a year of use, to be reorganised.

Residents, staff, teams, open and closed tips, a group, an invite, bulletins and a year of
ledger events (2025), written straight into the tables so every figure is known by hand.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from config.settings import CONFIG_DIR
from handlers.domain import Member, Role, Subscriber, SubscriberStatus
from handlers.statistics.period import VIETNAM
from storage.tables.broadcasts import BroadcastRow
from storage.tables.core import InviteRow, LedgerRow, MemberRow, SubscriberRow, TeamRow, UnitRow
from storage.tables.tips import NotificationRow, TipRow, UnitGroupRow

NEW_DIRECTORY = CONFIG_DIR / "units" / "bac-ninh-2025.yaml"
# (channel, user, language, status, commune)
RESIDENTS = [("telegram", "101", "vi", "active", "cao-thuong"),
             ("telegram", "102", "en", "active", "cao-thuong"),
             ("zalo_bot", "z103", "vi", "active", "cao-thuong"),
             ("telegram", "104", "vi", "unsubscribed", "cao-thuong"),
             ("telegram", "105", "vi", "active", "viet-lap"),
             ("telegram", "106", "vi", "active", "viet-lap"),
             ("telegram", "107", "vi", "active", "nha-nam"),
             ("telegram", "108", "vi", "active", "lan-gioi")]
TOLD = 7                      # the active ones


def local(month: int, day: int = 15) -> datetime:
    return datetime(2025, month, day, 12, tzinfo=VIETNAM).astimezone(timezone.utc)


async def unit_ids(uow) -> dict[str, int]:
    return {slug: uid for uid, slug in await uow.session.execute(select(UnitRow.id, UnitRow.slug))}


async def build(app) -> dict[str, int]:
    async with app.uow() as uow:
        ids = await unit_ids(uow)
        for channel, user, lang, status, commune in RESIDENTS:
            await uow.subscribers.save(Subscriber(channel=channel, user_id=user, language=lang,
                                                  status=SubscriberStatus(status),
                                                  unit_id=ids[commune], topics={"fraud"}))
        teams = [TeamRow(unit_id=ids["cao-thuong"], name="Tổ 1"),
                 TeamRow(unit_id=ids["cao-xa"], name="Tổ 1")]
        uow.session.add_all(teams)
        await uow.session.flush()
        for user, role, unit, team in (("201", Role.OFFICER, "cao-thuong", None),
                                       ("202", Role.COMMAND, "tan-yen", None),
                                       ("203", Role.TEAM_MEMBER, "cao-xa", teams[1].id),
                                       ("204", Role.OFFICER, "nha-nam", None)):
            await uow.members.save(Member(channel="telegram", user_id=user, role=role,
                                          unit_id=ids[unit], team_id=team, name=f"m{user}"))
        _tips(uow, ids)
        _others(uow, ids)
        _year_of_ledger(uow, ids)
        await uow.commit()
    return ids


def _tips(uow, ids) -> None:
    for label, unit, status in (("OPN1", "cao-thuong", "new"), ("OPN2", "viet-lap", "taken"),
                                ("CLS1", "cao-thuong", "closed"), ("DSK1", "tan-yen", "new")):
        uow.session.add(TipRow(label=label, code_hash=f"hash-{label}", kind="tip",
                               category="drugs", unit_id=ids[unit], first_unit_id=ids[unit],
                               text="nội dung", status=status))


def _others(uow, ids) -> None:
    soon = datetime.now(timezone.utc) + timedelta(days=3)
    uow.session.add(UnitGroupRow(unit_id=ids["cao-thuong"], channel="telegram", chat_id="-100"))
    uow.session.add(InviteRow(code_hash="invite-1", role="officer", unit_id=ids["cao-xa"],
                              expires_at=soon))
    common = dict(text="Cảnh báo", topics=["fraud"], audience="residents",
                  channels=["telegram"], sender="cli", start_at=soon)
    uow.session.add(BroadcastRow(unit_ids=[ids["cao-thuong"], ids["viet-lap"], ids["nha-nam"]],
                                 status="scheduled", **common))
    uow.session.add(BroadcastRow(unit_ids=[ids["cao-thuong"]], status="finished", **common))


def _year_of_ledger(uow, ids) -> None:
    add = uow.session.add
    for month in range(1, 13):
        add(LedgerRow(at=local(month), kind="delivered", unit_id=ids["cao-thuong"], count=10,
                      topic="fraud", channel="telegram"))
        add(LedgerRow(at=local(month), kind="delivered", unit_id=ids["cao-xa"], count=1,
                      topic="fraud", channel="telegram"))
        add(LedgerRow(at=local(month, 20), kind="tip_submitted", unit_id=ids["viet-lap"],
                      ref=f"t{month}", topic="drugs", data={"source": "resident"}))
    for _channel, _user, _lang, status, commune in RESIDENTS:
        add(LedgerRow(at=local(1, 5), kind="subscribed", unit_id=ids[commune], topic=None))
        if status == "unsubscribed":
            add(LedgerRow(at=local(2, 5), kind="unsubscribed", unit_id=ids[commune]))


async def snapshot(app) -> dict:
    """Every row the reorganisation may touch, as plain values."""
    tables = {"units": UnitRow, "subscribers": SubscriberRow, "tips": TipRow,
              "members": MemberRow, "teams": TeamRow, "groups": UnitGroupRow,
              "invites": InviteRow, "broadcasts": BroadcastRow}
    async with app.uow() as uow:
        shot = {}
        for name, table in tables.items():
            rows = await uow.session.scalars(select(table).order_by(*table.__table__.primary_key))
            shot[name] = [{c.key: getattr(r, c.key) for c in table.__table__.columns
                           if c.key not in ("updated_at",)} for r in rows]
        for name, table in (("ledger", LedgerRow), ("notifications", NotificationRow)):
            shot[name] = await uow.session.scalar(select(func.count()).select_from(table))
    return shot
