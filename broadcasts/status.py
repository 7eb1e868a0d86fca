"""The sender's status message: progress, rate, time left and the pause/resume/cancel buttons.

The dialogue's watch screen and the status reporter draw it with the same function, so a button
on the message the reporter keeps up to date is exactly a button of the screen the officer is on.
"""
from __future__ import annotations

from datetime import datetime

from broadcasts.recurrence_words import describe_recurrence
from broadcasts.links import Translate
from broadcasts.model import Status
from handlers.ports import BroadcastView
from broadcasts.problems import BulletinProblem
from broadcasts.when import duration_text, local_text
from handlers.dialogue import option
from handlers.messages import Message

WATCH = "bc_watch"


def problem_text(t: Translate, problem: BulletinProblem) -> str:
    """A problem in the person's language, its dates shown as they type them."""
    values = {k: local_text(v) if isinstance(v, datetime) else v
              for k, v in problem.values().items()}
    if "status" in values:
        values["status"] = t(f"broadcast.state.{values['status']}")
    return t(problem.key, **values)


def window_text(t: Translate, hours: float) -> str:
    """The reply window as people say it: "7 ngày" for whole days, else "36 giờ"."""
    if hours >= 24 and hours % 24 == 0:
        return t("broadcast.window.days", n=int(hours // 24))
    return t("broadcast.window.hours", n=hours)


def status_text(t: Translate, view: BroadcastView, *, reach_hours: float) -> str:
    """Delivered / total, failed, blocked, the rate and the time left, in a few lines;
    ``reach_hours`` is the reply window that decides who is out of reach (a setting)."""
    status = Status(view.status)
    lines = [t("broadcast.status.head", id=view.id, state=t(f"broadcast.state.{status.value}"))]
    if status in (Status.SCHEDULED, Status.DRAFT):
        lines.append(_schedule_line(t, view))
    else:
        lines.append(t("broadcast.status.counts", sent=view.sent, total=_total(view),
                       failed=view.failed, blocked=view.blocked, expired=view.expired))
        if getattr(view, "unreached", 0):
            lines.append(t("broadcast.status.unreached", count=view.unreached,
                           window=window_text(t, reach_hours)))
        lines.append(t("broadcast.status.pace", rate=view.rate, left=_left(view)))
    if view.photo_error:
        lines.append(t("broadcast.status.photo_rejected"))
    return "\n".join(lines)


def _schedule_line(t: Translate, view: BroadcastView) -> str:
    if view.recurrence:
        return t("broadcast.status.repeats", rule=describe_recurrence(view.recurrence, t),
                 start=local_text(view.start_at))
    return t("broadcast.status.starts", start=local_text(view.start_at))


def _total(view: BroadcastView) -> str:
    # while the fan-out is still enqueueing, the total is only known so far
    return str(view.total) if view.fanout_done else f"{view.total}+"


def _left(view: BroadcastView) -> str:
    if Status(view.status).is_final or view.pending == 0:
        return duration_text(0)
    if view.status != Status.RUNNING.value or view.rate <= 0:
        return "—"
    return duration_text(view.pending / view.rate)


def watch_message(t: Translate, view: BroadcastView, *, reach_hours: float) -> Message:
    """The status with the actions that apply now (none once it is over)."""
    status = Status(view.status)
    row = []
    if status is Status.RUNNING:
        row.append(option(WATCH, "pause", t("broadcast.button.pause")))
    if status is Status.PAUSED:
        row.append(option(WATCH, "resume", t("broadcast.button.resume")))
    if not status.is_final and status is not Status.DRAFT:
        row.append(option(WATCH, "cancel", t("broadcast.button.cancel")))
    rows = [tuple(row)] if row else []
    rows.append((option(WATCH, "refresh", t("broadcast.button.refresh")),
                 option(WATCH, "menu", t("broadcast.button.menu"))))
    return Message(text=status_text(t, view, reach_hours=reach_hours), buttons=tuple(rows))
