"""The schedule MILP: columns and rows (see ``planner.schedule``).

Columns: integer tours x[g, template, days-off pattern], integer daily
shifts s[g, template, day] = the tours working that day, integer breaks
y[g, template, day, rule, start] (Aykin 1996) summing to s per rule, and per
group and interval continuous shortfall, async service, backlog within its
deadline, backlog late and work dropped. Rows: the links above, capacity
(productive coverage + short - served >= required), the cyclic backlog
balance, and the headcount and budget limits. The matrix is assembled as
COO blocks with numpy and passed to HiGHS once, column-wise.

Integer headcount columns per group (full-time and part-time tours apart)
carry the week's capacity row: productive agent-intervals of the tours, plus
shortfall and dropped work, cover the week's requirement and async work.

Cover (``ScheduleProblem.cover``: L2 may take L1 chats) adds columns and rows
of its own: planner/schedule_cover.py.

The search for a schedule within the gap is planner/schedule_search.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from planner.schedule_cover import (
    CoverColumns,
    add_cover,
    add_precedence,
    row_intervals,
)
from planner.schedule_problem import (
    TINY,
    GroupDemand,
    ScheduleProblem,
    break_starts,
    days_off_patterns,
    shift_intervals,
)


def _group_templates(group: GroupDemand, problem: ScheduleProblem) -> list[int]:
    allowed = group.templates
    return [k for k, t in enumerate(problem.templates) if allowed is None or t.name in allowed]


def joined(parts: list[np.ndarray], dtype=np.float64) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype)
    return np.ascontiguousarray(np.concatenate(parts), dtype=dtype)


@dataclass
class _Index:
    """What each tour and break column stands for."""

    tours: list[tuple[int, int, tuple[int, ...]]]          # (group, template, working days)
    day_shifts: list[tuple[int, int, int]]                  # (group, template, day) worked
    breaks: list[tuple[int, int, int]] = field(default_factory=list)  # (day shift, rule, offset)


def eligible_tours(problem: ScheduleProblem) -> list[tuple[int, int, tuple[int, ...]]]:
    """Tours whose every working interval is allowed for their group."""
    tours = []
    for g, group in enumerate(problem.groups):
        allowed = np.asarray(group.allowed, dtype=bool)
        for k in _group_templates(group, problem):
            template = problem.templates[k]
            open_days = {d for d in range(problem.days)
                         if allowed[shift_intervals(template, d, problem)].all()}
            tours += [(g, k, p) for p in days_off_patterns(problem.days, template.days_per_week)
                      if open_days.issuperset(p)]
    return tours


# --------------------------------------------------------------------------- model

@dataclass
class MilpModel:
    """Columns (cost, bounds, integrality) and a COO constraint matrix under construction."""

    cost: list[np.ndarray] = field(default_factory=list)
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    integer: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    cols: list[np.ndarray] = field(default_factory=list)
    values: list[np.ndarray] = field(default_factory=list)
    row_lower: list[np.ndarray] = field(default_factory=list)
    row_upper: list[np.ndarray] = field(default_factory=list)
    num_cols: int = 0
    num_rows: int = 0

    def add_columns(self, cost, lower, upper, integer: bool) -> np.ndarray:
        cost = np.asarray(cost, dtype=float)
        count = cost.size
        self.cost.append(cost)
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), count))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), count))
        self.integer.append(np.full(count, int(integer), dtype=np.int32))
        first, self.num_cols = self.num_cols, self.num_cols + count
        return np.arange(first, self.num_cols)

    def add_rows(self, lower, upper) -> np.ndarray:
        lower = np.asarray(lower, dtype=float)
        self.row_lower.append(lower)
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), lower.size))
        first, self.num_rows = self.num_rows, self.num_rows + lower.size
        return np.arange(first, self.num_rows)

    def add_entries(self, rows, cols, values) -> None:
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        self.rows.append(rows)
        self.cols.append(cols)
        self.values.append(np.broadcast_to(np.asarray(values, dtype=float), rows.size))

    def matrix(self) -> sparse.csc_matrix:
        coo = sparse.coo_matrix(
            (joined(self.values), (joined(self.rows, np.int64), joined(self.cols, np.int64))),
            shape=(self.num_rows, self.num_cols))
        return coo.tocsc()


@dataclass(frozen=True)
class BuiltModel:
    """A model and the maps from its columns back to the schedule."""

    model: MilpModel
    index: _Index
    tour_cols: np.ndarray
    break_cols: np.ndarray
    cover: sparse.csr_matrix        # (groups * n, columns): agents on shift and not on break
    short_cols: np.ndarray          # (groups, n) column index or -1; short, late and dropped
    late_cols: np.ndarray
    drop_cols: np.ndarray
    head_cols: np.ndarray           # integer headcount per group, full-time and part-time
    cover_cols: tuple[CoverColumns, ...] = ()


def build_model(problem: ScheduleProblem,
                lendable: dict[str, np.ndarray] | None = None) -> BuiltModel:
    """Assemble the MILP (see the module docstring) as sparse blocks.

    ``lendable`` (covering group -> bool per interval) limits where a group
    may cover others' work (planner.schedule_cover); everywhere if not named.
    """
    model = MilpModel()
    n, num_groups = problem.intervals, len(problem.groups)
    tours = eligible_tours(problem)
    paid = [problem.groups[g].hourly_cost * problem.templates[k].paid_minutes / 60 * len(p)
            for g, k, p in tours]
    tour_cols = model.add_columns(paid, 0.0, np.inf, integer=True)
    index = _Index(tours=tours, day_shifts=sorted({(g, k, d) for g, k, p in tours for d in p}))
    day_cols = _add_day_shifts(model, index, tour_cols)
    cover_parts = _day_cover(problem, index, day_cols)
    break_cols = _add_breaks(problem, model, index, day_cols, cover_parts)
    rows, cols, values = (np.concatenate(part) for part in cover_parts)
    cover = sparse.coo_matrix((values, (rows, cols)),
                              shape=(num_groups * n, model.num_cols)).tocsr()
    short_cols, late_cols, drop_cols, within_cols = (np.full((num_groups, n), -1) for _ in range(4))
    needs = row_intervals(problem, lendable)
    slack = (short_cols, late_cols, drop_cols, within_cols)
    row_of = [_add_group_rows(problem, model, cover, g, group, needs[g], slack)
              for g, group in enumerate(problem.groups)]
    cover_cols = add_cover(problem, model, row_of, lendable)
    add_precedence(problem, model, cover, cover_cols, slack)
    _add_limits(problem, model, tours, tour_cols)
    head_cols = _add_headcount_cuts(problem, model, tours, tour_cols, (short_cols, drop_cols),
                                    cover_cols)
    return BuiltModel(model, index, tour_cols, break_cols, cover, short_cols, late_cols, drop_cols,
                      head_cols, cover_cols)


def _add_day_shifts(model: MilpModel, index: _Index, tour_cols: np.ndarray) -> np.ndarray:
    """Integer agents per (group, template, day), equal to the tours working that day.

    Days-off scheduling and shift scheduling meet in these columns; branching
    on daily counts moves the search far faster than branching on tours.
    """
    day_cols = model.add_columns(np.zeros(len(index.day_shifts)), 0.0, np.inf, integer=True)
    link = model.add_rows(np.zeros(len(index.day_shifts)), 0.0)
    model.add_entries(link, day_cols, 1.0)
    w_of = {key: w for w, key in enumerate(index.day_shifts)}
    rows = [link[w_of[(g, k, d)]] for g, k, pattern in index.tours for d in pattern]
    cols = [col for (_, _, pattern), col in zip(index.tours, tour_cols, strict=True)
            for _ in pattern]
    model.add_entries(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), -1.0)
    return day_cols


def _day_cover(problem: ScheduleProblem, index: _Index, day_cols: np.ndarray):
    """+1 on every (group, interval) a day shift is on."""
    n = problem.intervals
    rows, cols, values = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for (g, k, d), col in zip(index.day_shifts, day_cols, strict=True):
        on = shift_intervals(problem.templates[k], d, problem)
        rows.append(g * n + on)
        cols.append(np.full(on.size, col))
        values.append(np.ones(on.size))
    return rows, cols, values


def _add_breaks(problem: ScheduleProblem, model: MilpModel, index: _Index, day_cols: np.ndarray,
                cover_parts) -> np.ndarray:
    """Aykin's break variables: the starts of each rule sum to the agents working that day.

    Appends -1 on the intervals each break covers to ``cover_parts``.
    """
    n, step = problem.intervals, problem.interval_minutes
    keys = [(w, r, break_starts(rule, step))
            for w, (_, k, _) in enumerate(index.day_shifts)
            for r, rule in enumerate(problem.templates[k].breaks)]
    rows = model.add_rows(np.zeros(len(keys)), 0.0)
    model.add_entries(rows, day_cols[[w for w, _, _ in keys]], -1.0)
    starts_per_key = np.array([starts.size for _, _, starts in keys], dtype=np.int64)
    cols = model.add_columns(np.zeros(int(starts_per_key.sum())), 0.0, np.inf, integer=True)
    model.add_entries(np.repeat(rows, starts_per_key), cols, 1.0)
    cover_rows, cover_cols, cover_values = cover_parts
    position = 0
    for w, r, starts in keys:
        g, k, d = index.day_shifts[w]
        template = problem.templates[k]
        span = np.arange(template.breaks[r].minutes // step)
        first = d * problem.intervals_per_day + (template.start_minute + starts) // step
        intervals = (first[:, None] + span[None, :]) % n
        cover_rows.append((g * n + intervals).ravel())
        cover_cols.append(np.repeat(cols[position:position + starts.size], span.size))
        cover_values.append(np.full(intervals.size, -1.0))
        index.breaks.extend((w, r, int(start)) for start in starts)
        position += starts.size
    return cols


def _add_group_rows(problem: ScheduleProblem, model: MilpModel, cover, g: int, group: GroupDemand,
                    need: np.ndarray, slack_cols) -> np.ndarray:
    """Capacity rows (synchronous cover plus async service) and the async backlog balance.

    Returns the capacity row of each interval (-1 where there is none).
    """
    n = problem.intervals
    dt = problem.interval_minutes * 60.0
    unit_penalty = problem.shortfall_penalty * group.hourly_cost * dt / 3600.0
    required = np.asarray(group.required, dtype=float)
    work = np.asarray(group.work_seconds, dtype=float) / dt
    has_async = bool((work > TINY).any())
    rows_at = np.flatnonzero(need)
    short_cols, late_cols, drop_cols, within_cols = slack_cols
    row_of = np.full(n, -1)
    if rows_at.size == 0:
        return row_of
    cap_rows = model.add_rows(required[rows_at], np.inf)
    coo = cover[g * n + rows_at].tocoo()
    model.add_entries(cap_rows[coo.row], coo.col, group.productive_share * coo.data)
    short_at = np.flatnonzero(required > TINY)
    short = model.add_columns(np.full(short_at.size, unit_penalty), 0.0, required[short_at], False)
    short_cols[g, short_at] = short
    row_of[rows_at] = cap_rows
    model.add_entries(row_of[short_at], short, 1.0)
    if has_async:
        _add_backlog(problem, model, group, row_of, unit_penalty, g,
                     (late_cols, drop_cols, within_cols))
    return row_of


def _add_backlog(problem: ScheduleProblem, model: MilpModel, group: GroupDemand, cap_row_of,
                 unit_penalty: float, g: int, slack_cols) -> None:
    """B_i = B_{i-1} + work_i - served_i (cyclic), B_i = within-deadline_i + late_i."""
    n = problem.intervals
    dt = problem.interval_minutes * 60.0
    work = np.asarray(group.work_seconds, dtype=float) / dt
    allowed = np.maximum(np.asarray(group.allowed_backlog_seconds, dtype=float), 0.0) / dt
    late_cols, drop_cols, within_cols = slack_cols
    balance = model.add_rows(work, work)
    served = model.add_columns(np.zeros(n), 0.0, np.inf, False)
    within = model.add_columns(np.zeros(n), 0.0, allowed, False)
    late = model.add_columns(np.full(n, unit_penalty), 0.0, np.inf, False)
    drop_at = np.flatnonzero(work > TINY)
    drop = model.add_columns(np.full(drop_at.size, unit_penalty * n), 0.0, work[drop_at], False)
    late_cols[g] = late
    within_cols[g] = within
    drop_cols[g, drop_at] = drop
    model.add_entries(cap_row_of, served, -1.0)
    model.add_entries(balance, served, 1.0)
    previous = np.roll(balance, -1)     # column i enters row i with +1 and row i+1 with -1
    for cols in (within, late):
        model.add_entries(balance, cols, 1.0)
        model.add_entries(previous, cols, -1.0)
    model.add_entries(balance[drop_at], drop, 1.0)


def _add_limits(problem: ScheduleProblem, model: MilpModel, tours, tour_cols) -> None:
    """Headcount per group and in all, the part-time share, and the weekly budget."""
    groups = np.array([g for g, _, _ in tours], dtype=np.int64)
    part_time = np.array([problem.templates[t].part_time for _, t, _ in tours], dtype=bool)
    for g, group in enumerate(problem.groups):
        if group.max_headcount is not None:
            row = model.add_rows([-np.inf], float(group.max_headcount))
            cols = tour_cols[groups == g]
            model.add_entries(np.full(cols.size, row[0]), cols, 1.0)
        if group.max_part_time_share is not None and (part_time & (groups == g)).any():
            # part-time agents <= share x all agents of the group
            row = model.add_rows([-np.inf], 0.0)
            mine = groups == g
            coefficient = np.where(part_time[mine], 1.0 - group.max_part_time_share,
                                   -group.max_part_time_share)
            model.add_entries(np.full(int(mine.sum()), row[0]), tour_cols[mine], coefficient)
    if problem.max_headcount is not None:
        row = model.add_rows([-np.inf], float(problem.max_headcount))
        model.add_entries(np.full(tour_cols.size, row[0]), tour_cols, 1.0)
    if problem.weekly_budget is not None:
        row = model.add_rows([-np.inf], float(problem.weekly_budget))
        cost = np.concatenate(model.cost)[tour_cols]
        model.add_entries(np.full(tour_cols.size, row[0]), tour_cols, cost)


def _productive_intervals(problem: ScheduleProblem, k: int) -> float:
    """Intervals a day of template ``k`` is on shift and not on a break."""
    template = problem.templates[k]
    return (template.paid_minutes - sum(b.minutes for b in template.breaks)) \
        / problem.interval_minutes


def _add_headcount_cuts(problem: ScheduleProblem, model: MilpModel, tours, tour_cols,
                        slack_cols, cover_cols: tuple[CoverColumns, ...] = ()) -> np.ndarray:
    """Integer headcount per group and tour kind, and the week's capacity in whole agents.

    Summing a group's capacity rows over the week (the cyclic backlog balance
    makes the async work served equal to the work arrived less the work
    dropped) gives ``sum_t productive_t x_t + short + dropped >= required +
    work``. The interval rows imply it, but the LP spreads it over fractional
    agents; stated over integer headcount columns (full-time and part-time
    apart, since their tours differ in length and cost) it lets HiGHS branch
    on, and round, the number of agents, which is where small groups' LP
    bounds fall short (a group needing 2.05 agents' work pays for 3). Cover
    counts in the week's sum: +weight x z for the covered group, -z for the
    covering one.
    """
    short_cols, drop_cols = slack_cols
    dt = problem.interval_minutes * 60.0
    groups = np.array([g for g, _, _ in tours], dtype=np.int64)
    part_time = np.array([problem.templates[k].part_time for _, k, _ in tours], dtype=bool)
    heads = [np.zeros(0, np.int64)]
    capacity = np.array([_productive_intervals(problem, k) * len(p) for _, k, p in tours])
    for g, group in enumerate(problem.groups):
        required = np.asarray(group.required, dtype=float)
        work = np.asarray(group.work_seconds, dtype=float) / dt
        # the right-hand sides of the capacity rows that exist (``_add_group_rows``)
        if (work > TINY).any():
            need = float(required.sum() + work.sum())
        else:
            need = float(required[required > TINY].sum())
        mine = groups == g
        for kind in (False, True):
            members = tour_cols[mine & (part_time == kind)]
            if members.size:
                head = model.add_columns([0.0], 0.0, np.inf, integer=True)
                heads.append(head)
                row = model.add_rows([0.0], 0.0)
                model.add_entries(np.full(members.size + 1, row[0]),
                                  np.concatenate([members, head]),
                                  np.concatenate([np.ones(members.size), [-1.0]]))
        if need <= TINY or not mine.any():
            continue
        row = model.add_rows([need], np.inf)
        model.add_entries(np.full(int(mine.sum()), row[0]), tour_cols[mine],
                          group.productive_share * capacity[mine])
        slack = np.concatenate([short_cols[g][short_cols[g] >= 0], drop_cols[g][drop_cols[g] >= 0]])
        model.add_entries(np.full(slack.size, row[0]), slack, 1.0)
        for pair in cover_cols:
            if g in (pair.group, pair.covers):
                value = pair.weight if g == pair.covers else -1.0
                model.add_entries(np.full(pair.cols.size, row[0]), pair.cols, value)
    return np.concatenate(heads)
