"""Problems an officer must fix before a bulletin is sent; ``key`` names the message shown."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar


class BulletinProblem(Exception):
    """Base of every input problem; handlers render ``key`` from the message catalogue."""

    key: ClassVar[str] = "broadcast.problem"


class EmptyBulletin(BulletinProblem):
    """The text is empty or only whitespace."""

    key = "broadcast.problem.empty"

    def __init__(self) -> None:
        super().__init__("the bulletin has no text")


class BulletinTooLong(BulletinProblem):
    """The text is longer than the bulletin limit."""

    key = "broadcast.problem.too_long"

    def __init__(self, length: int, max_len: int) -> None:
        super().__init__(f"the bulletin is {length} long; the limit is {max_len}")
        self.length = length
        self.max_len = max_len


class ScheduleInPast(BulletinProblem):
    """The start time has already passed."""

    key = "broadcast.problem.in_past"

    def __init__(self, start: datetime, now: datetime) -> None:
        super().__init__(f"start {start.isoformat()} is before now ({now.isoformat()})")
        self.start = start
        self.now = now


class ExpiryBeforeStart(BulletinProblem):
    """The expiry is not after the start, so nothing could ever be delivered."""

    key = "broadcast.problem.expiry_before_start"

    def __init__(self, start: datetime, expires: datetime) -> None:
        super().__init__(f"expiry {expires.isoformat()} is not after start {start.isoformat()}")
        self.start = start
        self.expires = expires


class MalformedRecurrence(BulletinProblem, ValueError):
    """The recurrence does not follow the grammar in broadcasts.recurrence."""

    key = "broadcast.problem.bad_recurrence"

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"recurrence {text!r}: {reason}")
        self.text = text
        self.reason = reason
