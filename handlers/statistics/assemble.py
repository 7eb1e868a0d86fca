"""Putting the per-node results of the queries together into the report's figures."""
from __future__ import annotations

from datetime import datetime

from handlers.statistics.figures import (TOTAL, CategoryFigures, ChannelFigures, Counts,
                                         Durations, Figures, MonthFigures, TopicFigures,
                                         UnitFigures)
from handlers.statistics.period import Period
from handlers.statistics.tree import Scope

Percentiles = dict[int, tuple[int, int, int]]      # node -> (n, median, p90)


def node_durations(node: int, found: dict[str, Percentiles]) -> Durations:
    first = found.get("first_action", {}).get(node, (0, None, None))
    closure = found.get("closure", {}).get(node, (0, None, None))
    return Durations(first_action_n=first[0], first_action_median=first[1],
                     first_action_p90=first[2], closure_n=closure[0],
                     closure_median=closure[1], closure_p90=closure[2])


def _shown(counts: Counts, bulletins: int) -> bool:
    """A unit whose whole subtree has nothing to report is left out of the per-unit table."""
    standing = (counts.subscribers_end or counts.teams or counts.team_members
                or counts.roster_teams or counts.roster_members)
    return bool(bulletins or standing or counts.has_activity)


def assemble(*, period: Period, scope: Scope, nodes: dict[int, Counts], bulletins: dict[int, int],
             durations: dict[str, Percentiles], topics: list[TopicFigures],
             channels: list[ChannelFigures], categories: list[CategoryFigures],
             months: list[MonthFigures], generated_at: datetime) -> Figures:
    found, root = durations, scope.root
    total = UnitFigures(unit_id=root.id if root else TOTAL, slug=root.slug if root else "",
                        name=root.name if root else "", depth=0, counts=nodes[TOTAL],
                        bulletins=bulletins.get(TOTAL, 0), durations=node_durations(TOTAL, found))
    units = [UnitFigures(unit.id, unit.slug, unit.name, depth, nodes[unit.id],
                         bulletins.get(unit.id, 0), node_durations(unit.id, found))
             for unit, depth in scope.nodes
             if (root is not None and unit.id == root.id)
             or _shown(nodes[unit.id], bulletins.get(unit.id, 0))]
    return Figures(period=period, scope_slug=root.slug if root else None,
                   scope_name=root.name if root else None, total=total, units=units,
                   topics=topics, channels=channels, categories=categories, months=months,
                   generated_at=generated_at)

