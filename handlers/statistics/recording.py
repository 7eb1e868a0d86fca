"""Recording and correcting offline activities: validated, versioned, written to the audit log."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from handlers.statistics.activities import Activity, ActivityError, ActivityInput, validate

AUDIT_SUBJECT = "activity"


def facts(activity: Activity) -> dict:
    """What the audit log keeps of one version (no free text beyond the officer's note)."""
    return {"unit_id": activity.unit_id, "day": activity.day.isoformat(),
            "category": activity.category, "count": activity.count, "extra": activity.extra,
            "note": activity.note, "withdrawn": activity.withdrawn}


async def record_activity(uow, entry: ActivityInput, actor: str, today: date) -> Activity:
    """Store a new record after checking every figure; the caller commits."""
    validate(entry, today)
    activity = await uow.activities.add(entry, actor)
    uow.audit.record(actor, "activity.recorded", AUDIT_SUBJECT, str(activity.record_id),
                     data=facts(activity))
    return activity


def corrected(current: Activity, changes: dict) -> ActivityInput:
    """The current version with `changes` applied; a new category drops the old extra figure."""
    entry = ActivityInput(unit_id=current.unit_id, day=current.day, category=current.category,
                          count=current.count, extra=current.extra, note=current.note)
    if changes.get("category") not in (None, current.category) and "extra" not in changes:
        entry = replace(entry, extra=None)
    known = {k: v for k, v in changes.items() if v is not None or k == "extra"}
    return replace(entry, **known)


async def correct_activity(uow, record_id: int, changes: dict, actor: str, reason: str,
                           today: date, *, withdraw: bool = False) -> Activity:
    """Add a corrected version (or withdraw the record); the old version stays as history."""
    current = await uow.activities.get(record_id)
    if current is None:
        raise ActivityError("stats.act.error.not_found", record=record_id)
    if current.withdrawn:
        raise ActivityError("stats.act.error.withdrawn", record=record_id)
    entry = corrected(current, changes)
    validate(entry, today)
    new = await uow.activities.correct(record_id, entry, actor, withdrawn=withdraw)
    uow.audit.record(actor, "activity.withdrawn" if withdraw else "activity.corrected",
                     AUDIT_SUBJECT, str(record_id),
                     data={"version": new.version, "reason": reason,
                           "before": facts(current), "after": facts(new)})
    return new
