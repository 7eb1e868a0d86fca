"""Who may send where, what may be done to a broadcast, and what an officer types."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from delivery.gate import RunningGate
from broadcasts.model import (Action, Draft, Status, check_draft, check_scope, leaves_under,
                              transition)
from broadcasts.problems import (AlreadyFinished, BadTime, NoTopics, NoUnits, NotAllowed,
                                 OutsideUnit, WrongState)
from broadcasts.recurrence import VIETNAM_TZ
from broadcasts.when import duration_text, local_text, parse_duration, parse_local
from handlers.domain import Member, Role, Unit

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)      # Monday 08:00 in Vietnam
UNITS = [Unit(1, "huyen", "Huyện", "H", "CA", "district", None),
         Unit(2, "a", "Xã A", "A", "CA A", "commune", 1),
         Unit(3, "b", "Xã B", "B", "CA B", "commune", 1),
         Unit(4, "cum", "Cụm", "C", "CA C", "cluster", 1),
         Unit(5, "c", "Xã C", "C", "CA C", "commune", 4)]


def officer(unit_id, role=Role.OFFICER, active=True) -> Member:
    return Member("telegram", "1", role, unit_id, active=active, id=7)


def test_an_officer_sends_only_within_their_unit_and_the_command_anywhere():
    check_scope(officer(2), [2], False, UNITS)
    check_scope(officer(4), [5], False, UNITS)                 # a cluster's communes
    check_scope(officer(None, Role.COMMAND), [], True, UNITS)
    for member, units, every in ((officer(2), [3], False), (officer(2), [], True),
                                 (officer(2), [2, 3], False)):
        with pytest.raises(OutsideUnit):
            check_scope(member, units, every, UNITS)
    for member in (None, officer(2, Role.TEAM_MEMBER), officer(2, active=False)):
        with pytest.raises(NotAllowed):
            check_scope(member, [2], False, UNITS)
    assert [u.id for u in leaves_under(1, UNITS)] == [2, 3, 5]


def test_actions_follow_the_status():
    assert transition(Status.RUNNING, Action.PAUSE) is Status.PAUSED
    assert transition(Status.PAUSED, Action.RESUME) is Status.RUNNING
    assert transition(Status.SCHEDULED, Action.CANCEL) is Status.CANCELLED
    with pytest.raises(AlreadyFinished):
        transition(Status.FINISHED, Action.CANCEL)
    with pytest.raises(WrongState):
        transition(Status.SCHEDULED, Action.PAUSE)


def test_a_draft_needs_topics_and_communes():
    draft = Draft(text="Cảnh báo", topics=[])
    assert [type(p) for p in check_draft(draft, NOW, known_topics=["fraud"])] == [NoTopics,
                                                                                  NoUnits]
    draft = Draft(text="Cảnh báo", topics=["nonsense"], all_units=True)
    assert [type(p) for p in check_draft(draft, NOW, known_topics=["fraud"])] == [NoTopics]


@pytest.mark.parametrize("typed,expected", [
    ("25/12/2026 08:00", (2026, 12, 25, 8, 0)), ("8:30 25/12/2026", (2026, 12, 25, 8, 30)),
    ("25/12 8h", (2026, 12, 25, 8, 0)), ("2026-12-25 17:05", (2026, 12, 25, 17, 5)),
    ("2026-12-25T17:05:00+07:00", (2026, 12, 25, 17, 5)), ("21:00", (2026, 3, 2, 21, 0))])
def test_typed_dates_are_read_in_vietnam_time(typed, expected):
    moment = parse_local(typed, NOW)
    assert moment.astimezone(VIETNAM_TZ).timetuple()[:5] == expected


@pytest.mark.parametrize("typed", ["mai", "25/13/2026 08:00", "24:00", "1 2 3", ""])
def test_unreadable_dates_are_refused(typed):
    with pytest.raises(BadTime):
        parse_local(typed, NOW)


def test_durations_and_display():
    assert parse_duration("48 giờ") == timedelta(hours=48)
    assert parse_duration("3 ngày") == timedelta(days=3)
    assert parse_duration("6h") == timedelta(hours=6)
    assert parse_duration("0h") is None and parse_duration("soon") is None
    assert local_text(NOW) == "02/03/2026 08:00"
    assert duration_text(3725.4) == "1:02:05"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t


def test_the_gate_rereads_the_running_broadcasts_at_most_every_max_age():
    reads, running, clock = [], {1}, Clock()

    async def fetch() -> set[int]:
        reads.append(clock.t)
        return set(running)

    async def scenario() -> list[bool]:
        gate = RunningGate(fetch, clock, max_age=0.5)
        answers = [await gate(1), await gate(2)]
        running.clear()
        clock.t = 0.4
        answers.append(await gate(1))          # still cached
        clock.t = 0.6
        answers.append(await gate(1))          # re-read: paused meanwhile
        return answers

    assert asyncio.run(scenario()) == [True, False, True, False]
    assert reads == [0.0, 0.6]
