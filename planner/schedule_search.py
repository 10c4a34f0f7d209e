"""The HiGHS search for a schedule within its gap (the model: planner/schedule_milp.py).

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
from dataclasses import dataclass, replace

import highspy
import numpy as np

from planner.schedule_milp import BuiltModel, MilpModel, joined
from planner.schedule_problem import TINY, ScheduleProblem

DIVE_ROUNDS = 60
DIVES = ((0.8, 0.2), (0.6, 0.3))    # (round up from, round down to) per dive
HEADCOUNT_BOUND_GAP = 1e-4          # the headcount relaxation is small: solve it to the end
HEADCOUNT_BOUND_SHARE = 0.25        # of the time left, at most, for that
DIVE_SHARE = 0.6                    # of the time left after it, at most, for the dives


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


def _pass_model(solver: highspy.Highs, model: MilpModel) -> None:
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
    """Groups share nothing but the total headcount, the budget and cover: without the
    limits, each group is solved alone, except that groups linked by cover are solved
    together (in the order of their first group)."""
    if problem.max_headcount is not None or problem.weekly_budget is not None:
        return [problem]
    part_of = {group.name: index for index, group in enumerate(problem.groups)}
    for item in problem.cover:   # join the parts of both groups (the lower index wins)
        old, new = sorted((part_of[item.group], part_of[item.covers]), reverse=True)
        part_of = {name: new if part == old else part for name, part in part_of.items()}
    parts: dict[int, list] = {}
    for group in problem.groups:
        parts.setdefault(part_of[group.name], []).append(group)
    return [replace(problem, groups=tuple(groups),
                    cover=tuple(c for c in problem.cover if part_of[c.group] == part))
            for part, groups in parts.items()]
