"""A known ledger for the statistics tests: every figure of the report is known by hand.

Period June-July 2025 (Vietnam time). On 1 July 2025 the communes Phúc Hòa and Liên Sơn were
merged into Tân Phúc (a new directory, province Bắc Ninh). The ledger holds moved tips, a
corrected tip outcome, a corrected and a withdrawn activity, events just outside the period and
a move and an outcome after the period's end.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from bot.app import import_units
from handlers.statistics.activities import ActivityInput
from handlers.statistics.period import VIETNAM, Period
from handlers.statistics.recording import correct_activity, record_activity
from storage.tables.core import LedgerRow, MemberRow, SubscriberRow, TeamRow, UnitRow

PERIOD = Period(date(2025, 6, 1), date(2025, 7, 31))
JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))
TODAY = date(2025, 8, 15)
MERGER = """\
directory: bac-ninh-2025
effective: 2025-07-01
units:
  - slug: bac-ninh
    kind: province
    name: Tỉnh Bắc Ninh
    duty_desk: true
    children:
      - slug: tan-phuc
        kind: commune
        name: Xã Tân Phúc
        short: Tân Phúc
        aliases: [tan phuc]
        replaces: [phuc-hoa, lien-son]
"""


def local(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0,
          year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM).astimezone(
        timezone.utc)


class Ledger:
    """Writes the known ledger; `ids` maps unit slugs to ids."""

    def __init__(self, session, ids: dict[str, int]) -> None:
        self.session, self.ids = session, ids

    def event(self, kind: str, when: datetime, unit: str | None = None, *, topic=None,
              ref=None, count=1, channel="telegram", **data) -> None:
        self.session.add(LedgerRow(at=when, kind=kind, channel=channel,
                                   unit_id=self.ids[unit] if unit else None, topic=topic,
                                   ref=ref, count=count, data=data or None))

    def outreach(self) -> None:
        e = self.event
        e("bulletin_published", local(5, 31, 23), "cao-thuong", topic="fraud", ref="b0")
        e("bulletin_published", local(6, 2), "cao-thuong", topic="fraud", ref="b1")
        e("bulletin_published", local(6, 10), "tan-yen", topic="drugs", ref="b2")
        e("bulletin_published", local(6, 10), "tan-yen", topic="drugs", ref="b2", channel="zalo")
        e("bulletin_published", local(6, 20), "phuc-hoa", topic="fraud", ref="b3")
        e("bulletin_published", local(7, 5), None, topic="fire-safety", ref="b4")
        e("delivered", local(5, 31, 23, 59, 59), "cao-thuong", topic="fraud", ref="b0", count=4)
        e("delivered", local(6, 2, 13), "cao-thuong", topic="fraud", ref="b1", count=10)
        e("delivery_failed", local(6, 2, 13), "cao-thuong", topic="fraud", ref="b1")
        e("delivery_blocked", local(7, 6), "cao-thuong", topic="fire-safety", ref="b4")
        e("delivered", local(7, 31, 23, 59), "nha-nam", topic="drugs", ref="b2", count=5)
        e("delivery_expired", local(6, 11), "nha-nam", topic="drugs", ref="b2", count=2)
        e("delivered", local(8, 1, 0, 0), "nha-nam", topic="drugs", ref="b2", count=7)
        e("delivered", local(6, 21), "phuc-hoa", topic="fraud", ref="b3", count=3)
        e("delivery_out_of_reach", local(6, 21), "phuc-hoa", topic="fraud", ref="b3",
          channel="zalo")
        e("delivered", local(7, 5, 13), "lien-son", topic="fire-safety", ref="b4", count=2)
        e("bulletin_viewed", local(6, 3), "cao-thuong", topic="fraud", ref="x", count=4)
        e("bulletin_viewed", local(7, 3), "lien-son", topic="drugs", ref="y")

    def subscriptions(self) -> None:
        e = self.event
        e("subscribed", local(6, 1, 8), "cao-thuong")
        e("subscribed", local(6, 4), "cao-thuong")
        e("unsubscribed", local(7, 9), "cao-thuong")
        e("subscribed", local(8, 2), "cao-thuong")          # after the period: not "new"
        e("resubscribed", local(6, 15), "nha-nam")
        e("blocked", local(7, 20), "nha-nam")
        for unit, active, gone in (("cao-thuong", 3, 1), ("nha-nam", 1, 1), ("phuc-hoa", 2, 0)):
            for i in range(active + gone):
                self.session.add(SubscriberRow(
                    channel="test", user_id=f"{unit}-{i}", language="vi",
                    unit_id=self.ids[unit], status="active" if i < active else "unsubscribed"))

    def tips(self) -> None:
        e = self.event
        e("tip_submitted", local(5, 31, 20), "cao-thuong", topic="fraud", ref="7",
          source="resident")
        e("tip_outcome", local(6, 2), "cao-thuong", topic="fraud", ref="7", outcome="valuable")
        e("tip_submitted", local(6, 3, 10), "cao-thuong", topic="fraud", ref="1",
          source="resident", prompted_by="b1")
        e("tip_taken", local(6, 3, 10, 10), "cao-thuong", topic="fraud", ref="1", seconds=600)
        e("tip_outcome", local(6, 3, 11), "cao-thuong", topic="fraud", ref="1",
          outcome="valuable")
        e("tip_closed", local(6, 3, 11), "cao-thuong", topic="fraud", ref="1", seconds=3600)
        e("tip_submitted", local(6, 5), "cao-thuong", topic="drugs", ref="2", source="resident")
        e("tip_moved", local(6, 6), "nha-nam", topic="drugs", ref="2",
          from_unit=self.ids["cao-thuong"], to_unit=self.ids["nha-nam"])
        e("tip_taken", local(6, 6, 14), "nha-nam", topic="drugs", ref="2", seconds=7200)
        e("tip_outcome", local(6, 7), "nha-nam", topic="drugs", ref="2", outcome="not_valuable")
        e("tip_outcome", local(6, 8), "nha-nam", topic="drugs", ref="2", outcome="valuable")
        e("tip_closed", local(6, 6, 12), "nha-nam", topic="drugs", ref="2", seconds=86400)
        e("tip_submitted", local(6, 10), "nha-nam", topic="gambling", ref="3", source="resident")
        e("tip_taken", local(6, 10, 12, 5), "nha-nam", topic="gambling", ref="3", seconds=300)
        e("tip_outcome", local(6, 10, 13), "nha-nam", topic="gambling", ref="3", outcome="spam")
        e("tip_closed", local(6, 10, 13), "nha-nam", topic="gambling", ref="3", seconds=400)
        e("tip_submitted", local(6, 15), "phuc-hoa", topic="theft", ref="4", source="resident")
        e("tip_escalated", local(6, 15, 14), "phuc-hoa", topic="theft", ref="4")
        e("tip_taken", local(6, 15, 15), "phuc-hoa", topic="theft", ref="4", seconds=10800)
        e("tip_outcome", local(6, 16), "phuc-hoa", topic="theft", ref="4", outcome="duplicate")
        e("team_report_submitted", local(7, 1), "lien-son", topic="public-order", ref="5",
          source="team")
        e("tip_taken", local(7, 1, 12, 20), "lien-son", topic="public-order", ref="5",
          seconds=1200)
        e("tip_outcome", local(7, 1, 13), "lien-son", topic="public-order", ref="5",
          outcome="valuable")
        e("tip_closed", local(7, 1, 13), "lien-son", topic="public-order", ref="5", seconds=5000)
        e("tip_submitted", local(7, 20), "nha-nam", topic="fraud", ref="6", source="resident")
        e("tip_submitted", local(7, 30), "cao-thuong", topic="fraud", ref="8", source="resident")
        e("tip_moved", local(8, 2), "phuc-hoa", topic="fraud", ref="8",
          from_unit=self.ids["cao-thuong"], to_unit=self.ids["phuc-hoa"])
        e("tip_outcome", local(8, 3), "phuc-hoa", topic="fraud", ref="8", outcome="valuable")

    def roster(self) -> None:
        teams = []
        for unit, name in (("cao-thuong", "Tổ 1"), ("cao-thuong", "Tổ 2"), ("lien-son", "Tổ 1")):
            team = TeamRow(unit_id=self.ids[unit], name=name)
            self.session.add(team)
            teams.append(team)
        return teams

    def members(self, teams) -> None:
        people = [("cao-thuong", teams[0], "team_member", True),
                  ("cao-thuong", teams[0], "team_member", True),
                  ("cao-thuong", teams[1], "team_member", True),
                  ("cao-thuong", teams[1], "team_member", False),
                  ("cao-thuong", None, "officer", True),
                  ("lien-son", teams[2], "team_member", True),
                  ("lien-son", teams[2], "team_member", True)]
        for i, (unit, team, role, active) in enumerate(people):
            self.session.add(MemberRow(channel="roster", user_id=str(i), role=role,
                                       unit_id=self.ids[unit], team_id=team.id if team else None,
                                       name=f"member {i}", active=active))


async def unit_ids(app) -> dict[str, int]:
    async with app.uow() as uow:
        return {slug: i for slug, i in await uow.session.execute(
            select(UnitRow.slug, UnitRow.id))}


async def activities(app, ids: dict[str, int]) -> dict[str, int]:
    """Offline activities through the real use cases; returns record ids by name."""
    entries = {
        "A1": ActivityInput(ids["cao-thuong"], date(2025, 6, 12), "conference", 2, 150,
                            "Hội nghị tại nhà văn hóa"),
        "A2": ActivityInput(ids["cao-thuong"], date(2025, 6, 20), "leaflets", 3000),
        "A3": ActivityInput(ids["nha-nam"], date(2025, 7, 2), "loudspeaker", 10, 40),
        "A4": ActivityInput(ids["phuc-hoa"], date(2025, 6, 25), "mediation", 5, 4),
        "A5": ActivityInput(ids["nha-nam"], date(2025, 7, 15), "rally", 1, 300),
        "A6": ActivityInput(ids["cao-thuong"], date(2025, 5, 20), "listening_session", 1, 80),
        "A7": ActivityInput(ids["lien-son"], date(2025, 7, 31), "zalo_post", 6),
    }
    records = {}
    async with app.uow() as uow:
        for name, entry in entries.items():
            records[name] = (await record_activity(uow, entry, "cli", TODAY)).record_id
        await correct_activity(uow, records["A2"], {"count": 2500}, "member:9",
                               "typo: 2.500 leaflets", TODAY)
        await correct_activity(uow, records["A5"], {}, "member:9", "recorded twice", TODAY,
                               withdraw=True)
        await uow.commit()
    return records


async def build(app, tmp_path) -> dict:
    """The whole known ledger on `app`'s database; returns unit ids and activity records."""
    merger = tmp_path / "bac-ninh-2025.yaml"
    merger.write_text(MERGER, encoding="utf-8")
    await import_units(app, merger)
    ids = await unit_ids(app)
    async with app.uow() as uow:
        ledger = Ledger(uow.session, ids)
        ledger.outreach()
        ledger.subscriptions()
        ledger.tips()
        teams = ledger.roster()
        await uow.session.flush()
        ledger.members(teams)
        await uow.commit()
    return {"ids": ids, "records": await activities(app, ids)}
