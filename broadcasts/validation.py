"""Checks made before a bulletin is stored: its text and its schedule."""
from __future__ import annotations

from datetime import datetime, timedelta

from broadcasts.problems import (BulletinProblem, BulletinTooLong, EmptyBulletin,
                                 ExpiryBeforeStart, MalformedRecurrence, ScheduleInPast)
from broadcasts.recurrence import parse_recurrence, to_vietnam_time
from broadcasts.splitting import TextLimit, as_limit

# "Now" picked in a form a minute ago is still now; beyond that the officer meant something else.
PAST_TOLERANCE = timedelta(seconds=60)


def validate_bulletin(text: str, *, max_len: TextLimit | int) -> list[BulletinProblem]:
    """Problems with a bulletin's text (empty, over-long); an empty list means it is fine.

    ``max_len`` is the longest bulletin the product accepts, measured as its channel measures;
    a bulletin longer than one message is then split by split_for_channel.
    """
    if not text or not text.strip():
        return [EmptyBulletin()]
    limit = as_limit(max_len)
    length = limit.measure(text)
    if length > limit.max_units:
        return [BulletinTooLong(length, limit.max_units)]
    return []


def validate_schedule(start: datetime | None, expires: datetime | None, now: datetime,
                      recurrence: str | None) -> list[BulletinProblem]:
    """Problems with when a bulletin goes out; ``start`` None means now.

    Naive datetimes are read as Vietnam wall-clock time, which is what an officer types.
    """
    problems: list[BulletinProblem] = []
    now = to_vietnam_time(now)
    begin = now if start is None else to_vietnam_time(start)
    if begin < now - PAST_TOLERANCE:
        problems.append(ScheduleInPast(begin, now))
    if expires is not None and to_vietnam_time(expires) <= begin:
        problems.append(ExpiryBeforeStart(begin, to_vietnam_time(expires)))
    if recurrence is not None:
        try:
            parse_recurrence(recurrence)
        except MalformedRecurrence as problem:
            problems.append(problem)
    return problems
