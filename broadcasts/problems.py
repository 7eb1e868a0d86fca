"""Problems an officer must fix before a bulletin is sent; ``key`` names the message shown."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar


class BulletinProblem(Exception):
    """Base of every input problem; handlers render ``key`` from the message catalogue."""

    key: ClassVar[str] = "broadcast.problem"

    def values(self) -> dict[str, object]:
        """The placeholders of this problem's catalogue entry (datetimes are formatted later)."""
        return {}


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

    def values(self) -> dict[str, object]:
        return {"length": self.length, "limit": self.max_len}


class ScheduleInPast(BulletinProblem):
    """The start time has already passed."""

    key = "broadcast.problem.in_past"

    def __init__(self, start: datetime, now: datetime) -> None:
        super().__init__(f"start {start.isoformat()} is before now ({now.isoformat()})")
        self.start = start
        self.now = now

    def values(self) -> dict[str, object]:
        return {"start": self.start}


class ExpiryBeforeStart(BulletinProblem):
    """The expiry is not after the start, so nothing could ever be delivered."""

    key = "broadcast.problem.expiry_before_start"

    def __init__(self, start: datetime, expires: datetime) -> None:
        super().__init__(f"expiry {expires.isoformat()} is not after start {start.isoformat()}")
        self.start = start
        self.expires = expires

    def values(self) -> dict[str, object]:
        return {"start": self.start, "expires": self.expires}


class MalformedRecurrence(BulletinProblem, ValueError):
    """The recurrence does not follow the grammar in broadcasts.recurrence."""

    key = "broadcast.problem.bad_recurrence"

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"recurrence {text!r}: {reason}")
        self.text = text
        self.reason = reason

    def values(self) -> dict[str, object]:
        return {"text": self.text[:60]}


class NoTopics(BulletinProblem):
    """No topic (or an unknown one) was chosen: the bulletin would reach nobody."""

    key = "broadcast.problem.no_topics"

    def __init__(self) -> None:
        super().__init__("choose at least one known topic")


class NoUnits(BulletinProblem):
    """No commune was chosen, and not "all" either."""

    key = "broadcast.problem.no_units"

    def __init__(self) -> None:
        super().__init__("choose at least one commune, or all")


class NotAllowed(BulletinProblem):
    """The person has no staff role: residents and team members cannot broadcast."""

    key = "broadcast.problem.not_allowed"

    def __init__(self) -> None:
        super().__init__("only officers and the command may broadcast")


class OutsideUnit(BulletinProblem):
    """An officer targeted communes outside their own unit (or the whole area)."""

    key = "broadcast.problem.outside_unit"

    def __init__(self) -> None:
        super().__init__("an officer may only broadcast to the communes of their unit")


class AlreadyFinished(BulletinProblem):
    """The broadcast is finished, cancelled or expired: nothing more can be done to it."""

    key = "broadcast.problem.already_finished"

    def __init__(self, status: str) -> None:
        super().__init__(f"the broadcast is already {status}")
        self.status = status

    def values(self) -> dict[str, object]:
        return {"status": self.status}


class WrongState(BulletinProblem):
    """The action does not apply now (e.g. resuming a broadcast that is not paused)."""

    key = "broadcast.problem.wrong_state"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"cannot {action} a broadcast that is {status}")
        self.status = status
        self.action = action

    def values(self) -> dict[str, object]:
        return {"status": self.status}


class UnknownBroadcast(BulletinProblem):
    """No broadcast has this id (or the person may not see it)."""

    key = "broadcast.problem.unknown"

    def __init__(self, broadcast_id: int) -> None:
        super().__init__(f"no broadcast #{broadcast_id}")
        self.broadcast_id = broadcast_id

    def values(self) -> dict[str, object]:
        return {"id": self.broadcast_id}


class BadPhoto(BulletinProblem):
    """The photo is not a readable image file or an http(s) link."""

    key = "broadcast.problem.bad_photo"

    def __init__(self, reason: str) -> None:
        super().__init__(f"photo: {reason}")
        self.reason = reason


class BadTime(BulletinProblem):
    """A typed date and time (or duration) could not be read."""

    key = "broadcast.problem.bad_time"

    def __init__(self, text: str) -> None:
        super().__init__(f"cannot read a date and time from {text!r}")
        self.text = text

    def values(self) -> dict[str, object]:
        return {"text": self.text[:40]}
