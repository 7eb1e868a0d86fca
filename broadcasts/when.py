"""Reading the dates, times and durations officers type, and showing them back, in Vietnam time."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from broadcasts.problems import BadTime
from broadcasts.recurrence import VIETNAM_TZ, to_vietnam_time
from handlers.text import fold

# What officers write: "25/12/2026 08:00", "25/12 8:00", "8:00 25/12/2026", "2026-12-25 08:00",
# "2026-12-25T08:00+07:00" (ISO, as the CLI takes), or just "08:00" for today.
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_HM = re.compile(r"^(\d{1,2})[:hg](\d{2})?$")
# "6h", "24 gio", "3 ngay", "3d" (typed after folding, so diacritics do not matter)
_DURATION = re.compile(r"^(\d{1,3})\s*(h|g|gio|d|ngay|days?|hours?)$")


def parse_local(text: str, now: datetime) -> datetime:
    """A typed date and time as an aware datetime; raises BadTime if it cannot be read."""
    raw = text.strip()
    try:
        return to_vietnam_time(datetime.fromisoformat(raw))
    except ValueError:
        pass
    date_part, clock = _split(raw)
    if clock is None:
        raise BadTime(raw)
    today = to_vietnam_time(now)
    day = _date(date_part, today) if date_part else (today.year, today.month, today.day)
    if day is None:
        raise BadTime(raw)
    try:
        return datetime(*day, clock[0], clock[1], tzinfo=VIETNAM_TZ)
    except ValueError:
        raise BadTime(raw) from None


def _split(raw: str) -> tuple[str, tuple[int, int] | None]:
    """The date words and the (hour, minute) of a typed moment, in either order."""
    words = raw.replace(",", " ").split()
    clocks = [w for w in words if _HM.match(w.lower())]
    if len(clocks) != 1 or len(words) > 2:
        return "", None
    clock = _HM.match(clocks[0].lower())
    if clock is None:       # matched just above
        return "", None
    hour, minute = clock.groups()
    if int(hour) > 23 or int(minute or 0) > 59:
        return "", None
    rest = [w for w in words if w is not clocks[0]]
    return (rest[0] if rest else ""), (int(hour), int(minute or 0))


def _date(text: str, today: datetime) -> tuple[int, int, int] | None:
    if match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        return year, month, day
    if match := _DMY.match(text):
        day_text, month_text, year_text = match.groups()
        return int(year_text or today.year), int(month_text), int(day_text)
    return None


def parse_duration(text: str) -> timedelta | None:
    """A typed duration such as "6h", "24 giờ" or "3 ngày"; None if it is not one."""
    match = _DURATION.match(fold(text))
    if match is None or int(match.group(1)) == 0:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(hours=amount) if unit[0] in "hg" else timedelta(days=amount)


def local_text(moment: datetime) -> str:
    """``moment`` as an officer reads it: 25/12/2026 08:00 (Vietnam time)."""
    return to_vietnam_time(moment).strftime("%d/%m/%Y %H:%M")


def duration_text(seconds: float) -> str:
    """A short h:mm:ss for the time left."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"

