"""The schedule MILP: columns, rows and the HiGHS search (see ``planner.schedule``).

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

Search: the LP relaxation (interior point) gives one bound; the relaxation
with only the headcount columns integral gives another, usually far
stronger for small groups, since it pays for whole agents (a few nodes of
HiGHS). LP dives on the tours, first with that headcount fixed, and a small
MIP for the breaks give a start. A start within ``mip_gap`` of the bound is
the answer; otherwise HiGHS branch and bound continues from it and is
interrupted as soon as its incumbent is within ``mip_gap`` of the better of
its own bound and ours, or at the time limit.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
from scipy import sparse

from planner.schedule_problem import (
    TINY,
    GroupDemand,
    ScheduleProblem,
    break_starts,
    days_off_patterns,
    shift_intervals,
)

DIVE_ROUNDS = 60
DIVES = ((0.8, 0.2), (0.6, 0.3))    # (round up from, round down to) per dive
HEADCOUNT_BOUND_GAP = 1e-4          # the headcount relaxation is small: solve it to the end
HEADCOUNT_BOUND_SHARE = 0.25        # of the time left, at most, for that
DIVE_SHARE = 0.6                    # of the time left after it, at most, for the dives


def _group_templates(group: GroupDemand, problem: ScheduleProblem) -> list[int]:
    allowed = group.templates
    return [k for k, t in enumerate(problem.templates) if allowed is None or t.name in allowed]


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
class _Model:
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

    model: _Model
    index: _Index
    tour_cols: np.ndarray
    break_cols: np.ndarray
    cover: sparse.csr_matrix        # (groups * n, columns): agents on shift and not on break
    short_cols: np.ndarray          # (groups, n) column index or -1; short, late and dropped
    late_cols: np.ndarray
    drop_cols: np.ndarray
    head_cols: np.ndarray           # integer headcount per group, full-time and part-time


def build_model(problem: ScheduleProblem) -> BuiltModel:
    """Assemble the MILP (see the module docstring) as sparse blocks."""
    model = _Model()
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
    short_cols, late_cols, drop_cols = (np.full((num_groups, n), -1) for _ in range(3))
    for g, group in enumerate(problem.groups):
        _add_group_rows(problem, model, cover, g, group, (short_cols, late_cols, drop_cols))
    _add_limits(problem, model, tours, tour_cols)
    head_cols = _add_headcount_cuts(problem, model, tours, tour_cols, (short_cols, drop_cols))
    return BuiltModel(model, index, tour_cols, break_cols, cover, short_cols, late_cols, drop_cols,
                      head_cols)


def _add_day_shifts(model: _Model, index: _Index, tour_cols: np.ndarray) -> np.ndarray:
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


def _add_breaks(problem: ScheduleProblem, model: _Model, index: _Index, day_cols: np.ndarray,
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


def _add_group_rows(problem: ScheduleProblem, model: _Model, cover, g: int, group: GroupDemand,
                    slack_cols) -> None:
    """Capacity rows (synchronous cover plus async service) and the async backlog balance."""
    n = problem.intervals
    dt = problem.interval_minutes * 60.0
    unit_penalty = problem.shortfall_penalty * group.hourly_cost * dt / 3600.0
    required = np.asarray(group.required, dtype=float)
    work = np.asarray(group.work_seconds, dtype=float) / dt
    has_async = bool((work > TINY).any())
    need = (required > TINY) | has_async
    rows_at = np.flatnonzero(need)
    short_cols, late_cols, drop_cols = slack_cols
    if rows_at.size == 0:
        return
    cap_rows = model.add_rows(required[rows_at], np.inf)
    coo = cover[g * n + rows_at].tocoo()
    model.add_entries(cap_rows[coo.row], coo.col, group.productive_share * coo.data)
    short_at = np.flatnonzero(required > TINY)
    short = model.add_columns(np.full(short_at.size, unit_penalty), 0.0, required[short_at], False)
    short_cols[g, short_at] = short
    row_of = np.full(n, -1)
    row_of[rows_at] = cap_rows
    model.add_entries(row_of[short_at], short, 1.0)
    if has_async:
        _add_backlog(problem, model, group, row_of, unit_penalty, g, (late_cols, drop_cols))


def _add_backlog(problem: ScheduleProblem, model: _Model, group: GroupDemand, cap_row_of,
                 unit_penalty: float, g: int, slack_cols) -> None:
    """B_i = B_{i-1} + work_i - served_i (cyclic), B_i = within-deadline_i + late_i."""
    n = problem.intervals
    dt = problem.interval_minutes * 60.0
    work = np.asarray(group.work_seconds, dtype=float) / dt
    allowed = np.maximum(np.asarray(group.allowed_backlog_seconds, dtype=float), 0.0) / dt
    late_cols, drop_cols = slack_cols
    balance = model.add_rows(work, work)
    served = model.add_columns(np.zeros(n), 0.0, np.inf, False)
    within = model.add_columns(np.zeros(n), 0.0, allowed, False)
    late = model.add_columns(np.full(n, unit_penalty), 0.0, np.inf, False)
    drop_at = np.flatnonzero(work > TINY)
    drop = model.add_columns(np.full(drop_at.size, unit_penalty * n), 0.0, work[drop_at], False)
    late_cols[g] = late
    drop_cols[g, drop_at] = drop
    model.add_entries(cap_row_of, served, -1.0)
    model.add_entries(balance, served, 1.0)
    previous = np.roll(balance, -1)     # column i enters row i with +1 and row i+1 with -1
    for cols in (within, late):
        model.add_entries(balance, cols, 1.0)
        model.add_entries(previous, cols, -1.0)
    model.add_entries(balance[drop_at], drop, 1.0)


def _add_limits(problem: ScheduleProblem, model: _Model, tours, tour_cols) -> None:
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


def _add_headcount_cuts(problem: ScheduleProblem, model: _Model, tours, tour_cols,
                        slack_cols) -> np.ndarray:
    """Integer headcount per group and tour kind, and the week's capacity in whole agents.

    Summing a group's capacity rows over the week (the cyclic backlog balance
    makes the async work served equal to the work arrived less the work
    dropped) gives ``sum_t productive_t x_t + short + dropped >= required +
    work``. The interval rows imply it, but the LP spreads it over fractional
    agents; stated over integer headcount columns (full-time and part-time
    apart, since their tours differ in length and cost) it lets HiGHS branch
    on, and round, the number of agents, which is where small groups' LP
    bounds fall short (a group needing 2.05 agents' work pays for 3).
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
    return np.concatenate(heads)


# --------------------------------------------------------------------------- solver

_banner_suppressed = False


def _quiet_construct() -> highspy.Highs:
    """A Highs object; the first one in the process prints a banner on C stdout, kept off fd 1."""
    global _banner_suppressed
    if _banner_suppressed:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        solver = highspy.Highs()
        ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    _banner_suppressed = True
    return solver


def make_solver(problem: ScheduleProblem) -> highspy.Highs:
    """The one place a HiGHS solver is created: silent, single-threaded, seeded, gap-stopped.

    ``threads`` is process-wide in HiGHS (its scheduler starts at the first
    solve), so it is set on every solver, before any solve.
    """
    solver = _quiet_construct()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("random_seed", int(problem.seed))
    solver.setOptionValue("mip_rel_gap", float(problem.mip_gap))
    solver.setOptionValue("time_limit", float(problem.time_limit_seconds))
    return solver


def _stop_at(solver: highspy.Highs, deadline: float) -> None:
    """Set HiGHS's time limit so that the next ``run`` stops at ``deadline`` (perf_counter).

    HiGHS measures ``time_limit`` on a clock that runs over all of a solver's
    ``run`` calls, not from the start of the next one.
    """
    left = max(deadline - time.perf_counter(), 0.01)
    solver.setOptionValue("time_limit", float(solver.getRunTime()) + left)


@dataclass(frozen=True)
class Solved:
    """One HiGHS solve: status label, column values, objective and dual bound."""

    status: str
    values: np.ndarray
    objective: float
    bound: float


def _pass_model(solver: highspy.Highs, model: _Model) -> None:
    matrix = model.matrix()
    status = solver.passModel(
        model.num_cols, model.num_rows, matrix.nnz,
        int(highspy.MatrixFormat.kColwise), int(highspy.ObjSense.kMinimize), 0.0,
        joined(model.cost), joined(model.lower), joined(model.upper),
        joined(model.row_lower), joined(model.row_upper),
        matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64), joined(model.integer, np.int32))
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the schedule model")


def joined(parts: list[np.ndarray], dtype=np.float64) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype)
    return np.ascontiguousarray(np.concatenate(parts), dtype=dtype)


@dataclass
class Search:
    """A solver holding the model and a start, and the best lower bound known so far."""

    solver: highspy.Highs
    start: np.ndarray
    start_objective: float
    bound: float


def start_search(problem: ScheduleProblem, built: BuiltModel, deadline: float) -> Search:
    """A solver holding the model and a start found by LP diving, and a lower bound.

    HiGHS's own root heuristics rarely find a good tour schedule before its
    root cut loop ends, so the search starts from ``_dive``'s schedule (or,
    if that runs out of time, from scheduling nobody, which the slack
    columns make feasible). The bound is the larger of the LP relaxation and
    of the relaxation that keeps only the headcount columns integral
    (``_headcount_bound``).
    """
    model = built.model
    solver = make_solver(problem)
    _pass_model(solver, model)
    integer = joined(model.integer, np.int32)
    start, bound = _dive(problem, solver, built, integer, deadline)
    if start is None:
        start = _nobody(problem, built)
    columns = np.arange(model.num_cols, dtype=np.int32)
    solver.changeColsBounds(model.num_cols, columns, joined(model.lower), joined(model.upper))
    solver.changeColsIntegrality(model.num_cols, columns, integer.astype(np.uint8))
    solver.setSolution(model.num_cols, columns, start)
    return Search(solver, start, float(joined(model.cost) @ start), bound)


def _headcount_bound(solver: highspy.Highs, built: BuiltModel, integer: np.ndarray,
                     deadline: float) -> tuple[float, np.ndarray | None]:
    """A lower bound from the model with only the headcount columns integral, and its headcount.

    Dropping integrality from tours, daily shifts and breaks is a
    relaxation, so its optimum (or dual bound) bounds the schedule from
    below; with the week's capacity row (``_add_headcount_cuts``) HiGHS
    solves it in a few nodes, and for small groups it sits far above the LP
    bound (it pays for whole agents).
    """
    columns = np.arange(integer.size, dtype=np.int32)
    keep = np.zeros(integer.size, np.uint8)
    keep[built.head_cols] = 1
    solver.changeColsIntegrality(integer.size, columns, keep)
    # a share of the time left: the dives and the break placement still need theirs
    _stop_at(solver, time.perf_counter() + HEADCOUNT_BOUND_SHARE * (deadline - time.perf_counter()))
    gap = solver.getOptionValue("mip_rel_gap")[1]
    solver.setOptionValue("mip_rel_gap", HEADCOUNT_BOUND_GAP)
    solver.run()
    solver.setOptionValue("mip_rel_gap", gap)
    info = solver.getInfo()
    counts = None
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        counts = np.rint(np.asarray(solver.getSolution().col_value)[built.head_cols])
    if np.isfinite(info.mip_dual_bound):
        return float(info.mip_dual_bound), counts   # not the objective: HiGHS stops at mip_rel_gap
    if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return float(info.objective_function_value), counts
    return -np.inf, counts


def finish_search(search: Search, deadline: float, mip_gap: float) -> Solved:
    """Branch and bound from the start until the gap or the deadline.

    A start already within ``mip_gap`` of the bound is the answer. The bound
    found before the search counts too, also when the deadline stops HiGHS
    before its own root LP.
    """
    objective = search.start_objective
    if _within_gap(objective, search.bound, mip_gap):
        return Solved("optimal", search.start, objective, min(search.bound, objective))
    solver = search.solver

    def stop_when_proven(event) -> None:
        # HiGHS does not know the bound found above; stop once its incumbent is within the gap
        incumbent = event.data_out.objective_function_value
        if _within_gap(incumbent, search.bound, mip_gap):
            event.interrupt()

    solver.cbMipInterrupt += stop_when_proven
    _stop_at(solver, deadline)
    solver.run()
    solver.cbMipInterrupt -= stop_when_proven
    solved = _result(solver)
    bound = min(max(solved.bound, search.bound), solved.objective)
    status = "optimal" if _within_gap(solved.objective, bound, mip_gap) else solved.status
    return replace(solved, status=status, bound=bound)


def _within_gap(objective: float, bound: float, mip_gap: float) -> bool:
    """HiGHS's relative gap, (objective - bound) / |objective|, at most ``mip_gap``."""
    return bool(np.isfinite(objective)) and objective - bound <= mip_gap * abs(objective) + TINY


_STOPPED = (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt)


def _result(solver: highspy.Highs) -> Solved:
    """The solve's status: "optimal" within the gap, "time_limit" with a solution, else raise."""
    model_status = solver.getModelStatus()
    info = solver.getInfo()
    has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    if model_status == highspy.HighsModelStatus.kOptimal:
        label = "optimal"
    elif model_status in _STOPPED and has_solution:
        label = "time_limit"    # or interrupted within the gap: ``finish_search`` relabels it
    else:
        raise RuntimeError(f"schedule solve failed: {solver.modelStatusToString(model_status)}")
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else -np.inf
    if label == "optimal" and not np.isfinite(bound):
        bound = objective           # solved without branching: nothing left to prove
    values = np.asarray(solver.getSolution().col_value, dtype=float)
    return Solved(label, values, objective, min(bound, objective))


def _dive(problem: ScheduleProblem, solver: highspy.Highs, built: BuiltModel, integer: np.ndarray,
          deadline: float) -> tuple[np.ndarray | None, float]:
    """A start and a lower bound: LP diving on the tours, then breaks placed with tours fixed.

    The bound is the larger of the LP relaxation's and ``_headcount_bound``'s.
    Each dive of ``DIVES`` (round up from, round down to) rounds the tours
    whose LP value has a fractional part of at least ``up`` to their ceiling
    (the largest one if none has) and those at most ``down`` to their floor,
    re-solving the LP between rounds so that the other tours adjust around
    the fixed ones. The dives run twice: with the headcount fixed where the
    headcount bound found it (the LP's fractional agents rounded the right
    way), then free. The dive whose last LP is cheapest is kept; its tours
    are fixed and a small MIP places the breaks (integer) for them.
    """
    model = built.model
    tours = built.tour_cols.astype(np.int32)
    heads = built.head_cols.astype(np.int32)
    relaxed = np.flatnonzero(integer).astype(np.int32)
    solver.changeColsIntegrality(relaxed.size, relaxed, np.zeros(relaxed.size, np.uint8))
    lower, upper = joined(model.lower)[tours], joined(model.upper)[tours]
    # interior point (with crossover) is about 3x faster than simplex on the cold root LP,
    # whose long cyclic backlog chains slow simplex down; the dives then warm-start simplex
    solver.setOptionValue("solver", "ipm")
    _stop_at(solver, deadline)
    solver.run()
    solver.setOptionValue("solver", "choose")
    bound = -np.inf
    if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        bound = float(solver.getInfo().objective_function_value)
    head_bound, head_counts = _headcount_bound(solver, built, integer, deadline)
    solver.changeColsIntegrality(relaxed.size, relaxed, np.zeros(relaxed.size, np.uint8))
    # the dives leave time for the break placement, without which there is no start
    dive_deadline = time.perf_counter() + DIVE_SHARE * (deadline - time.perf_counter())
    best: tuple[float, np.ndarray] | None = None
    for fixed in ([head_counts] if head_counts is not None else []) + [None]:
        if best is not None and _within_gap(best[0], max(bound, head_bound), problem.mip_gap):
            break
        solver.changeColsBounds(heads.size, heads,
                                joined(model.lower)[heads] if fixed is None else fixed,
                                joined(model.upper)[heads] if fixed is None else fixed)
        for up, down in DIVES:
            solver.changeColsBounds(tours.size, tours, lower, upper)
            found = _dive_once(solver, tours, lower.copy(), upper.copy(), up, down,
                               dive_deadline)
            if found is not None and (best is None or found[0] < best[0] - TINY):
                best = found
    bound = max(bound, head_bound)
    if best is None:
        return None, bound
    solver.changeColsBounds(tours.size, tours, best[1], best[1])
    solver.changeColsIntegrality(relaxed.size, relaxed, np.ones(relaxed.size, np.uint8))
    _stop_at(solver, deadline)
    solver.run()
    info = solver.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None, bound
    return np.asarray(solver.getSolution().col_value, dtype=float), bound


def _dive_once(solver: highspy.Highs, tours: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               up: float, down: float, deadline: float) -> tuple[float, np.ndarray] | None:
    """One dive: (LP objective with the tours integral, the tours), or None if out of time."""
    for _ in range(DIVE_ROUNDS):
        _stop_at(solver, deadline)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(solver.getSolution().col_value, dtype=float)[tours]
        fraction = x - np.floor(x + TINY)
        fraction[fraction < TINY] = 0.0
        if not fraction.any():
            return float(solver.getInfo().objective_function_value), np.rint(x)
        rise = fraction >= up
        if not rise.any():
            rise[np.argmax(fraction)] = True
        fall = (fraction > 0.0) & (fraction <= down) & ~rise
        lower[rise] = np.ceil(x[rise] - TINY)
        upper[fall] = np.floor(x[fall] + TINY)
        changed = rise | fall
        solver.changeColsBounds(int(changed.sum()), tours[changed], lower[changed], upper[changed])
    return None


def _nobody(problem: ScheduleProblem, built: BuiltModel) -> np.ndarray:
    """The schedule with no agents: every requirement short, all async work dropped."""
    values = np.zeros(built.model.num_cols)
    dt = problem.interval_minutes * 60.0
    for g, group in enumerate(problem.groups):
        short = built.short_cols[g] >= 0
        values[built.short_cols[g][short]] = np.asarray(group.required, dtype=float)[short]
        drop = built.drop_cols[g] >= 0
        values[built.drop_cols[g][drop]] = np.asarray(group.work_seconds, dtype=float)[drop] / dt
    return values


def independent_parts(problem: ScheduleProblem) -> list[ScheduleProblem]:
    """Groups share nothing but the total headcount and the budget: solve them apart if unlimited."""
    if problem.max_headcount is not None or problem.weekly_budget is not None:
        return [problem]
    return [replace(problem, groups=(group,)) for group in problem.groups]
