"""Applying a new unit directory over an old one: communes merged into a new commune.

The rules, whatever the channel or database: a unit named in a new unit's `replaces:` is merged
into it from the `effective` date. Everything still going on moves to the successor (residents,
open tips, staff, teams, officers' groups, unused invites, bulletins not finished); history stays
where it happened, and the old unit stays as history (not choosable, still named in old tips and
reports). Each active resident who moves is told once, in their language, through the
notifications outbox, so the channel's pace is kept. A unit split between two new units cannot
be applied automatically and is refused before anything is written. Applying the same directory
twice changes nothing the second time.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from handlers.domain import EventKind, Unit, UnitSpec
from handlers.i18n import Catalog
from handlers.messages import Message, Outgoing
from handlers.ports import UnitOfWork


class ReorganisationRefused(ValueError):
    """The directory cannot be applied as it is; the message names the units concerned."""


@dataclass(frozen=True)
class Merger:
    old_slug: str
    new_slug: str
    effective: date


@dataclass
class MergerResult:
    merger: Merger
    state: str                          # "merged", "already" (done before) or "absent"
    old_name: str = ""
    new_name: str = ""
    moved: dict[str, int] = field(default_factory=dict)
    told: int = 0


@dataclass
class Outcome:
    directory: str
    added: int
    changed: int
    results: list[MergerResult]

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed
                    or any(r.state == "merged" for r in self.results))


def mergers(specs: Sequence[UnitSpec]) -> list[Merger]:
    """Old unit -> new unit pairs of the directory; refuses splits and contradictions."""
    owners: dict[str, list[UnitSpec]] = {}
    for spec in specs:
        for old in spec.replaces:
            if old != spec.slug:
                owners.setdefault(old, []).append(spec)
    split = {old: [s.slug for s in news] for old, news in owners.items() if len(news) > 1}
    if split:
        named = "; ".join(f"{old} -> {', '.join(news)}" for old, news in sorted(split.items()))
        raise ReorganisationRefused(
            f"a unit split between several new units cannot be applied automatically: {named}. "
            "Give each old unit one successor (the one most of its residents live in) and "
            "move the rest by hand")
    kept = sorted(old for old in owners if old in {s.slug for s in specs})
    if kept:
        raise ReorganisationRefused(
            f"units both kept in the directory and merged into another: {', '.join(kept)}")
    return [Merger(old, news[0].slug, news[0].effective or date.min)
            for old, news in sorted(owners.items())]


async def reorganise(uow: UnitOfWork, catalog: Catalog, directory: str,
                     specs: Sequence[UnitSpec]) -> Outcome:
    """Apply the directory in the caller's unit of work (the caller commits, or rolls back
    for a dry run: the printed plan is then exactly what committing would have done)."""
    plan = mergers(specs)
    added, changed = await uow.units.upsert(specs)
    results = [await _merge(uow, catalog, merger) for merger in _chains_first(plan)]
    return Outcome(directory, added, changed, results)


def _chains_first(plan: list[Merger]) -> list[Merger]:
    """A -> B and B -> C: B's holdings go to C only after A's reached B."""
    targets = {m.new_slug for m in plan}
    return sorted(plan, key=lambda m: (m.old_slug in targets, m.old_slug))


async def _merge(uow: UnitOfWork, catalog: Catalog, merger: Merger) -> MergerResult:
    old = await uow.units.any_by_slug(merger.old_slug)
    new = await uow.units.any_by_slug(merger.new_slug)
    if old is None or new is None:
        return MergerResult(merger, "absent")
    result = MergerResult(merger, "already", old.name, new.name)
    if old.is_history:
        return result
    residents = await uow.units.residents_to_tell(old.id)
    result.moved = await uow.units.move_holdings(old.id, new.id, old.short)
    await uow.units.retire(old.id, new.id, merger.effective)
    result.state, result.told = "merged", len(residents)
    for channel, user_id, language in residents:
        uow.notifications.add(Outgoing(channel=channel, chat_id=user_id, message=Message(
            text=_moved_text(catalog, language, old, new, merger.effective))))
    _record(uow, old, new, result)
    return result


def _moved_text(catalog: Catalog, language: str, old: Unit, new: Unit, day: date) -> str:
    return catalog.t(language, "reorganised.moved", old=old.name, new=new.name,
                     police=new.police, date=day.strftime("%d/%m/%Y"))


def _record(uow: UnitOfWork, old: Unit, new: Unit, result: MergerResult) -> None:
    """Residents moving are counted out of the old commune and into the new one, so a report
    on a period before the merger still finds them where they lived then."""
    if result.told:
        uow.ledger.record(EventKind.SUBSCRIBERS_MOVED_OUT, unit_id=old.id, count=result.told,
                          ref=new.slug)
        uow.ledger.record(EventKind.SUBSCRIBERS_MOVED_IN, unit_id=new.id, count=result.told,
                          ref=old.slug)
    uow.audit.record("cli", "unit_merged", "unit", old.slug,
                     data={"into": new.slug, "effective": result.merger.effective.isoformat(),
                           **result.moved})
