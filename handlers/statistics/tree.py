"""The unit tree a report is counted over, with reorganised units mapped to their successors."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from handlers.statistics.figures import TOTAL, Counts

UNASSIGNED = -1           # stands for events without a unit (counted only in a report on all)


class UnknownUnit(LookupError):
    """The report names a unit slug the directory does not have."""


@dataclass(frozen=True)
class UnitInfo:
    id: int
    slug: str
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class Succession:
    """From `effective` on, `old_slug`'s history counts for `new_slug` (a merged commune)."""

    old_slug: str
    new_slug: str
    effective: date


@dataclass
class Scope:
    """The nodes of a report and, for each raw unit id in the ledger, the nodes it counts for."""

    root: UnitInfo | None
    nodes: list[tuple[UnitInfo, int]]                    # pre-order, with depth
    down: dict[int, tuple[int, ...]] = field(default_factory=dict)
    reach: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def raw_ids(self) -> list[int]:
        """Unit ids whose events are in scope (UNASSIGNED excluded)."""
        return sorted(raw for raw in self.down if raw != UNASSIGNED)

    @property
    def everything(self) -> bool:
        return self.root is None

    def pairs(self, closure: dict[int, tuple[int, ...]]) -> list[tuple[int, int]]:
        return [(raw, node) for raw, nodes in sorted(closure.items()) for node in nodes]


def successors(units: Iterable[UnitInfo], successions: Iterable[Succession],
               as_of: date) -> dict[int, int]:
    """Old unit id -> its final successor's id, for successions in force on `as_of`.

    Chains (A -> B -> C) are followed; a unit split in two goes to the successor whose slug sorts
    first, so the mapping is deterministic. Unknown slugs are ignored.
    """
    by_slug = {u.slug: u.id for u in units}
    direct: dict[int, int] = {}
    for s in sorted(successions, key=lambda s: (s.old_slug, s.new_slug)):
        old, new = by_slug.get(s.old_slug), by_slug.get(s.new_slug)
        if old is not None and new is not None and old != new and s.effective <= as_of:
            direct.setdefault(old, new)
    final = {}
    for old in direct:
        seen, current = {old}, direct[old]
        while current in direct and direct[current] not in seen:
            seen.add(current)
            current = direct[current]
        final[old] = current
    return final


def build_scope(units: list[UnitInfo], mapping: dict[int, int], root_slug: str | None) -> Scope:
    """Nodes under `root_slug` (or every unit) after mapping old units to their successors."""
    by_id = {u.id: u for u in units}
    root = next((u for u in units if u.slug == root_slug), None)
    if root_slug is not None and root is None:
        raise UnknownUnit(root_slug)
    if root is not None and root.id in mapping:
        mapping = {}              # asked for a unit that was merged away: show it as it was
    parent = {u.id: _mapped_parent(u, mapping, by_id) for u in units if u.id not in mapping}
    children: dict[int | None, list[int]] = {}
    for unit_id in sorted(parent):
        children.setdefault(parent[unit_id], []).append(unit_id)
    tops = [root.id] if root else children.get(None, [])
    nodes = list(_preorder(tops, children, by_id, 0))
    scope = Scope(root=root, nodes=nodes)
    _fill_closures(scope, units, mapping, parent)
    return scope


def _mapped_parent(unit: UnitInfo, mapping: dict[int, int], by_id: dict) -> int | None:
    parent = unit.parent_id
    parent = mapping.get(parent, parent)
    return parent if parent in by_id and parent != unit.id else None


def _preorder(ids: list[int], children: dict, by_id: dict, depth: int):
    for unit_id in ids:
        yield by_id[unit_id], depth
        yield from _preorder(children.get(unit_id, []), children, by_id, depth + 1)


def _fill_closures(scope: Scope, units: list[UnitInfo], mapping: dict[int, int],
                   parent: dict[int, int | None]) -> None:
    in_scope = {unit.id for unit, _ in scope.nodes}

    def chain(unit_id: int | None) -> list[int]:
        return _chain(unit_id, parent)

    below: dict[int, set[int]] = {}
    for node in in_scope:
        for ancestor in chain(node):
            below.setdefault(ancestor, set()).add(node)
    for unit in units:
        target = mapping.get(unit.id, unit.id)
        counted = [n for n in chain(target) if n in in_scope]
        if counted:
            scope.down[unit.id] = (*counted, TOTAL)
        reached = sorted(set(counted) | below.get(target, set()))
        if reached:
            scope.reach[unit.id] = (*reached, TOTAL)
    everything = tuple(sorted(in_scope)) + (TOTAL,)
    scope.reach[UNASSIGNED] = everything
    if scope.everything:
        scope.down[UNASSIGNED] = (TOTAL,)


def _chain(unit_id: int | None, parent: dict[int, int | None]) -> list[int]:
    """The unit and its ancestors, nearest first (a loop in bad data stops the walk)."""
    found = []
    while unit_id is not None and unit_id not in found:
        found.append(unit_id)
        unit_id = parent.get(unit_id)
    return found


def rollup(scope: Scope, raw: dict[int | None, Counts]) -> dict[int, Counts]:
    """Sum each raw unit's counts into every node it counts for (and the total)."""
    nodes: dict[int, Counts] = {TOTAL: Counts()}
    nodes.update((unit.id, Counts()) for unit, _ in scope.nodes)
    for raw_id, counts in raw.items():
        for node in scope.down.get(UNASSIGNED if raw_id is None else raw_id, ()):
            nodes[node].add(counts)
    return nodes
