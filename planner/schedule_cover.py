"""Higher tiers covering lower-tier work in the schedule MILP (``ScheduleProblem.cover``).

A continuous column z[pair, interval] moves capacity from the covering
group's capacity row (-1) to the covered group's (+weight), wherever the
covered group has a row and the covering group may lend; the covering group
gets rows there too. The week's capacity rows (``schedule_milp``'s headcount
cuts) count the cover in and out.

Precedence. The simulator serves a covering agent's own queue first
(simulator/routing.py), so a group with async work may lend in an interval
only the capacity left once its backlog and its new work are served:
``cover_h,i - sum z_i - B_h,(i-1) + dropped + short >= work_h,i + required_h,i``.
That row also binds when nothing is lent, which would force the group to
clear its backlog every interval, so it is only stated where the group is
allowed to lend: the intervals where, on the schedule it would have alone,
serving its own work first leaves at least ``MIN_SPARE`` agents spare
(``lendable``). That schedule then still fits, so at its optimum the joint
model costs no more than no cover (``planner.schedule`` also keeps the groups'
schedules alone when the joint search stops short of that); and wherever the
model lends, the group's own work is served first, as in the simulation.
(Exact precedence, "lend only if the backlog is empty", needs a binary per
interval; tried, HiGHS's search then stalled far from the gap.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from planner.schedule_problem import TINY, GroupDemand, ScheduleProblem

if TYPE_CHECKING:
    from planner.schedule_milp import MilpModel

# a covering agent-interval costs a trace, so that nobody covers where nothing is gained
COVER_COST = 1e-6
MIN_SPARE = 0.5     # agents left over after the group's own work, for an interval to lend


@dataclass(frozen=True)
class CoverColumns:
    """The cover columns of one pair: group ``group`` doing group ``covers``'s work."""

    group: int
    covers: int
    weight: float
    intervals: np.ndarray
    cols: np.ndarray


def cover_pairs(problem: ScheduleProblem) -> list[tuple[int, int, float]]:
    """(covering group, covered group, weight) as group indices."""
    names = [g.name for g in problem.groups]
    return [(names.index(c.group), names.index(c.covers), c.weight) for c in problem.cover
            if c.group in names and c.covers in names]


def has_async(group: GroupDemand, dt: float) -> bool:
    return bool((np.asarray(group.work_seconds, dtype=float) / dt > TINY).any())


def row_intervals(problem: ScheduleProblem,
                  lendable: dict[str, np.ndarray] | None) -> list[np.ndarray]:
    """Per group, the intervals with a capacity row: a synchronous requirement, or all of
    them with async work; a covering group also wherever it may lend to a group with one."""
    dt = problem.interval_minutes * 60.0
    needs = [(np.asarray(g.required, dtype=float) > TINY) | has_async(g, dt)
             for g in problem.groups]
    lends = lending_mask(problem, lendable)
    for h, low, _ in cover_pairs(problem):
        needs[h] = needs[h] | (needs[low] & lends[h])
    return needs


def lending_mask(problem: ScheduleProblem,
                 lendable: dict[str, np.ndarray] | None) -> list[np.ndarray]:
    """Per group, where it may lend: on shift, and where ``lendable`` says (if it names it)."""
    lendable = lendable or {}
    return [np.asarray(g.allowed, dtype=bool)
            & np.asarray(lendable.get(g.name, np.ones(problem.intervals, dtype=bool)), dtype=bool)
            for g in problem.groups]


def add_cover(problem: ScheduleProblem, model: MilpModel, row_of: list[np.ndarray],
              lendable: dict[str, np.ndarray] | None) -> tuple[CoverColumns, ...]:
    """z[pair, i] >= 0: -1 in the covering group's capacity row, +weight in the covered one's."""
    lends = lending_mask(problem, lendable)
    out = []
    for h, low, weight in cover_pairs(problem):
        at = np.flatnonzero((row_of[low] >= 0) & (row_of[h] >= 0) & lends[h])
        cols = model.add_columns(np.full(at.size, COVER_COST), 0.0, np.inf, False)
        model.add_entries(row_of[h][at], cols, -1.0)
        model.add_entries(row_of[low][at], cols, weight)
        out.append(CoverColumns(h, low, weight, at, cols))
    return tuple(out)


def add_precedence(problem: ScheduleProblem, model: MilpModel, cover,
                   cover_cols: tuple[CoverColumns, ...], slack_cols) -> None:
    """Where a group with async work may lend, its own backlog and new work come first
    (see the module docstring). A group without async work needs nothing more: its
    capacity rows already put its own requirement first."""
    n = problem.intervals
    dt = problem.interval_minutes * 60.0
    short_cols, late_cols, drop_cols, within_cols = slack_cols
    for h in sorted({pair.group for pair in cover_cols}):
        group = problem.groups[h]
        pairs = [p for p in cover_cols if p.group == h]
        at = np.unique(np.concatenate([p.intervals for p in pairs]))
        if (within_cols[h] < 0).all() or at.size == 0:
            continue
        work = np.asarray(group.work_seconds, dtype=float)[at] / dt
        rows = model.add_rows(work + np.asarray(group.required, dtype=float)[at], np.inf)
        coo = cover[h * n + at].tocoo()
        model.add_entries(rows[coo.row], coo.col, group.productive_share * coo.data)
        row_of = np.full(n, -1)
        row_of[at] = rows
        for pair in pairs:
            model.add_entries(row_of[pair.intervals], pair.cols, -1.0)
        before = (at - 1) % n
        for cols in (within_cols[h], late_cols[h]):
            model.add_entries(rows, cols[before], -1.0)
        for cols in (drop_cols[h], short_cols[h]):
            present = cols[at] >= 0
            model.add_entries(rows[present], cols[at][present], 1.0)


def own_work_first_spare(group: GroupDemand, coverage: np.ndarray, dt: float) -> np.ndarray:
    """Agents left per interval when ``group`` (on ``coverage``) serves its own work first.

    A fluid queue over the cyclic week, run twice so that the backlog carried
    into Monday is the one Sunday leaves.
    """
    capacity = group.productive_share * np.asarray(coverage, dtype=float) \
        - np.asarray(group.required, dtype=float)
    work = np.asarray(group.work_seconds, dtype=float) / dt
    spare = np.zeros(capacity.size)
    backlog = 0.0
    for _ in range(2):
        for i, (available, arriving) in enumerate(zip(capacity.tolist(), work.tolist(),
                                                      strict=True)):
            served = min(backlog + arriving, max(available, 0.0))
            backlog += arriving - served
            spare[i] = available - served
    return spare


def cover_flows(cover_cols: tuple[CoverColumns, ...], values: np.ndarray,
                shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Per group and interval: cover received (in its own agents) and agents lent out."""
    covered, covering = np.zeros(shape), np.zeros(shape)
    for pair in cover_cols:
        lent = np.maximum(values[pair.cols], 0.0)
        lent[lent < TINY] = 0.0
        covering[pair.group, pair.intervals] += lent
        covered[pair.covers, pair.intervals] += pair.weight * lent
    return covered, covering
