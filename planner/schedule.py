"""Weekly shift schedule: tours and breaks as one MILP, solved with HiGHS.

The formulation is set covering over the interval grid (Dantzig 1954, "A
comment on Edie's traffic delays at toll booths"): an integer variable per
weekly *tour* (skill group x shift template x days-off pattern) counts the
agents working it, and every interval's coverage is the sum of the tours on
shift then. Breaks are placed implicitly (Aykin 1996, "Optimal shift
scheduling with multiple break windows"): an integer variable per (group,
template, day, break rule, start) counts the agents starting that break
there, and the starts of each rule add up to the agents of that template
working that day, so no shift-by-break-combination is ever enumerated.

Assumptions:

- One cyclic week of ``days`` days on a grid of ``interval_minutes``; a shift
  starting late on the last day runs into the first day (Sunday -> Monday).
- A tour works one template on ``days_per_week`` days, its days off
  consecutive in the cyclic week (7 patterns for a 5-day tour).
- A tour is eligible only if every interval of every working day is
  ``allowed`` for its group: closed hours get nobody.
- Synchronous demand (phone, chat): ``productive_share x coverage`` must
  reach ``required`` each interval, or the gap is ``short`` and penalised.
- Asynchronous demand (email, forms) is a fluid queue with deadlines: the
  backlog ``B_i = B_{i-1} + work_i - served_i`` (cyclic), served from the
  productive capacity left after synchronous work, with ``B_i`` at most the
  work whose deadline has not yet passed plus ``late_i`` (penalised per
  interval late, like shortfall). Work that no schedule within the limits can
  serve in the week is ``dropped`` at a penalty of being late all week, so
  the model is always feasible; it shows in ``shortfall`` at its arrival.
- Paid cost is headcount x paid hours (breaks included) x hourly cost.
- The break windows of one template must not overlap, so that handing each
  agent the i-th earliest start of every rule (``expand_roster``) never
  double-books anyone.

Async quantities are scaled to agent-intervals (seconds / interval seconds)
inside the model, which keeps its coefficients near 1.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
import pandas as pd
from faker import Faker
from scipy import sparse

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TINY = 1e-6
DIVE_ROUNDS = 60
DIVES = ((0.8, 0.2), (0.6, 0.3))    # (round up from, round down to) per dive


@dataclass(frozen=True)
class BreakRule:
    """One break or lunch per full shift, starting inside a window.

    Offsets are minutes from the shift start; ``minutes`` and both offsets
    are multiples of the interval length.
    """

    activity: str
    minutes: int
    earliest_start_minutes: int
    latest_start_minutes: int


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift start and paid length, its breaks and its tour shape."""

    name: str
    start_minute: int
    length_minutes: int
    breaks: tuple[BreakRule, ...] = ()
    days_per_week: int = 5
    part_time: bool = False


@dataclass(frozen=True, eq=False)
class GroupDemand:
    """What one skill group must cover, per interval of the week (length n)."""

    name: str
    hourly_cost: float
    required: np.ndarray
    work_seconds: np.ndarray
    allowed_backlog_seconds: np.ndarray
    allowed: np.ndarray
    productive_share: float = 1.0
    max_headcount: int | None = None
    templates: tuple[str, ...] | None = None


@dataclass(frozen=True, eq=False)
class ScheduleProblem:
    """A week of demand, the shift templates and the limits on the answer."""

    interval_minutes: int
    groups: tuple[GroupDemand, ...]
    templates: tuple[ShiftTemplate, ...]
    days: int = 7
    max_headcount: int | None = None
    weekly_budget: float | None = None
    shortfall_penalty: float = 5.0
    mip_gap: float = 0.01
    time_limit_seconds: float = 60.0
    seed: int = 0

    @property
    def intervals_per_day(self) -> int:
        return 1440 // self.interval_minutes

    @property
    def intervals(self) -> int:
        return self.days * self.intervals_per_day


@dataclass(frozen=True)
class Tour:
    """``count`` agents of ``group`` working ``template`` on ``days``."""

    group: str
    template: str
    days: tuple[int, ...]
    count: int


@dataclass(frozen=True)
class BreakAssignment:
    """Agents of (group, template) working ``day`` who take ``activity`` at ``start_minute``.

    ``start_minute`` counts from the start of ``day`` and exceeds 1440 for a
    break after midnight in a shift that crosses it.
    """

    group: str
    template: str
    day: int
    activity: str
    start_minute: int
    minutes: int
    count: int


@dataclass(frozen=True, eq=False)
class Schedule:
    """A solved schedule: tours, breaks and what they cover."""

    status: str
    objective: float
    mip_gap: float
    tours: tuple[Tour, ...]
    breaks: tuple[BreakAssignment, ...]
    coverage: np.ndarray
    shortfall: np.ndarray
    weekly_cost: float
    group_names: tuple[str, ...]
    templates: tuple[ShiftTemplate, ...] = ()
    days: int = 7
    num_variables: int = 0
    num_rows: int = 0
    solve_seconds: float = 0.0

    def headcount(self, group: str | None = None) -> int:
        """Agents on tours, of one group or of all."""
        return sum(tour.count for tour in self.tours if group is None or tour.group == group)

    def short_intervals(self) -> list[tuple[str, int, float]]:
        """(group, interval index, agents short) wherever the schedule falls short."""
        rows, cols = np.nonzero(self.shortfall > _TINY)
        return [(self.group_names[g], int(i), float(self.shortfall[g, i]))
                for g, i in zip(rows, cols, strict=True)]


@dataclass(frozen=True)
class ScheduledAgent:
    """One named agent of a schedule, with the breaks of each working day."""

    name: str
    group: str
    template: str
    start_minute: int
    length_minutes: int
    days: tuple[int, ...]
    breaks: tuple[tuple[int, str, int, int], ...]


# --------------------------------------------------------------------------- validation

def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _validate(problem: ScheduleProblem) -> None:
    step = problem.interval_minutes
    _check(step > 0 and 1440 % step == 0,
           f"interval_minutes: must divide 1440, got {step}")
    _check(problem.days >= 1, f"days: must be >= 1, got {problem.days}")
    names = [t.name for t in problem.templates]
    _check(len(set(names)) == len(names), f"templates: names must be unique, got {names}")
    _check(len({g.name for g in problem.groups}) == len(problem.groups),
           "groups: names must be unique")
    for template in problem.templates:
        _validate_template(template, step, problem.days)
    for group in problem.groups:
        _validate_group(group, problem.intervals, set(names))


def _validate_template(template: ShiftTemplate, step: int, days: int) -> None:
    where = f"templates.{template.name}"
    _check(0 <= template.start_minute < 1440 and template.start_minute % step == 0,
           f"{where}.start_minute: must be on the {step}-minute grid in [0, 1440), "
           f"got {template.start_minute}")
    _check(0 < template.length_minutes <= 1440 and template.length_minutes % step == 0,
           f"{where}.length_minutes: must be a positive multiple of {step} up to 1440, "
           f"got {template.length_minutes}")
    _check(1 <= template.days_per_week <= days,
           f"{where}.days_per_week: must be in [1, {days}], got {template.days_per_week}")
    previous_end = 0
    for rule in sorted(template.breaks, key=lambda r: r.earliest_start_minutes):
        at = f"{where}.breaks.{rule.activity}"
        _check(rule.minutes > 0 and rule.minutes % step == 0,
               f"{at}.minutes: must be a positive multiple of {step}, got {rule.minutes}")
        _check(0 <= rule.earliest_start_minutes <= rule.latest_start_minutes,
               f"{at}: window must satisfy 0 <= earliest <= latest, got "
               f"[{rule.earliest_start_minutes}, {rule.latest_start_minutes}]")
        _check(rule.latest_start_minutes + rule.minutes <= template.length_minutes,
               f"{at}.latest_start_minutes: break must end inside the shift, got "
               f"{rule.latest_start_minutes} + {rule.minutes} > {template.length_minutes}")
        _check(_break_starts(rule, step).size > 0,
               f"{at}: window holds no start on the {step}-minute grid")
        _check(rule.earliest_start_minutes >= previous_end,
               f"{at}: break windows of one template must not overlap")
        previous_end = rule.latest_start_minutes + rule.minutes


def _validate_group(group: GroupDemand, n: int, template_names: set[str]) -> None:
    for name in ("required", "work_seconds", "allowed_backlog_seconds", "allowed"):
        shape = np.shape(getattr(group, name))
        _check(shape == (n,), f"groups.{group.name}.{name}: must have shape ({n},), got {shape}")
    _check(0.0 < group.productive_share <= 1.0,
           f"groups.{group.name}.productive_share: must be in (0, 1], got {group.productive_share}")
    unknown = set(group.templates or ()) - template_names
    _check(not unknown, f"groups.{group.name}.templates: unknown templates {sorted(unknown)}")


def _break_starts(rule: BreakRule, step: int) -> np.ndarray:
    """Break start offsets (minutes from the shift start) on the interval grid."""
    first = -(-rule.earliest_start_minutes // step) * step
    return np.arange(first, rule.latest_start_minutes + 1, step, dtype=np.int64)


# --------------------------------------------------------------------------- tours

def days_off_patterns(days: int, days_per_week: int) -> tuple[tuple[int, ...], ...]:
    """Working days of every tour whose days off are consecutive in the cyclic week.

    Examples
    --------
    >>> days_off_patterns(7, 5)[:2]
    ((2, 3, 4, 5, 6), (0, 3, 4, 5, 6))
    >>> len(days_off_patterns(7, 5)), days_off_patterns(7, 7)
    (7, ((0, 1, 2, 3, 4, 5, 6),))
    """
    off_count = days - days_per_week
    patterns: list[tuple[int, ...]] = []
    for first_off in range(days if off_count else 1):
        off = {(first_off + k) % days for k in range(off_count)}
        pattern = tuple(d for d in range(days) if d not in off)
        if pattern not in patterns:
            patterns.append(pattern)
    return tuple(patterns)


def _shift_intervals(template: ShiftTemplate, day: int, problem: ScheduleProblem) -> np.ndarray:
    """Week interval indices of the shift starting on ``day`` (cyclic)."""
    step = problem.interval_minutes
    first = day * problem.intervals_per_day + template.start_minute // step
    return (first + np.arange(template.length_minutes // step)) % problem.intervals


def _group_templates(group: GroupDemand, problem: ScheduleProblem) -> list[int]:
    allowed = group.templates
    return [k for k, t in enumerate(problem.templates) if allowed is None or t.name in allowed]


@dataclass
class _Index:
    """What each tour and break column stands for."""

    tours: list[tuple[int, int, tuple[int, ...]]]          # (group, template, working days)
    day_shifts: list[tuple[int, int, int]]                  # (group, template, day) worked
    breaks: list[tuple[int, int, int]] = field(default_factory=list)  # (day shift, rule, offset)


def _eligible_tours(problem: ScheduleProblem) -> list[tuple[int, int, tuple[int, ...]]]:
    """Tours whose every working interval is allowed for their group."""
    tours = []
    for g, group in enumerate(problem.groups):
        allowed = np.asarray(group.allowed, dtype=bool)
        for k in _group_templates(group, problem):
            template = problem.templates[k]
            open_days = {d for d in range(problem.days)
                         if allowed[_shift_intervals(template, d, problem)].all()}
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
        cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts
               else np.zeros(0, dtype))
        coo = sparse.coo_matrix(
            (cat(self.values, float), (cat(self.rows, np.int64), cat(self.cols, np.int64))),
            shape=(self.num_rows, self.num_cols))
        return coo.tocsc()


@dataclass(frozen=True)
class _Built:
    """A model and the maps from its columns back to the schedule."""

    model: _Model
    index: _Index
    tour_cols: np.ndarray
    break_cols: np.ndarray
    cover: sparse.csr_matrix        # (groups * n, columns): agents on shift and not on break
    short_cols: np.ndarray          # (groups, n) column index or -1; short, late and dropped
    late_cols: np.ndarray
    drop_cols: np.ndarray


def _build(problem: ScheduleProblem) -> _Built:
    """Assemble the MILP (see the module docstring) as sparse blocks."""
    model = _Model()
    n, num_groups = problem.intervals, len(problem.groups)
    tours = _eligible_tours(problem)
    paid = [problem.groups[g].hourly_cost * problem.templates[k].length_minutes / 60 * len(p)
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
    return _Built(model, index, tour_cols, break_cols, cover, short_cols, late_cols, drop_cols)


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
        on = _shift_intervals(problem.templates[k], d, problem)
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
    keys = [(w, r, _break_starts(rule, step))
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
    has_async = bool((work > _TINY).any())
    need = (required > _TINY) | has_async
    rows_at = np.flatnonzero(need)
    short_cols, late_cols, drop_cols = slack_cols
    if rows_at.size == 0:
        return
    cap_rows = model.add_rows(required[rows_at], np.inf)
    block = cover[g * n + rows_at]
    coo = block.tocoo()
    model.add_entries(cap_rows[coo.row], coo.col, group.productive_share * coo.data)
    short_at = np.flatnonzero(required > _TINY)
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
    drop_at = np.flatnonzero(work > _TINY)
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
    """Headcount per group and in all, and the weekly budget on paid cost."""
    groups = np.array([g for g, _, _ in tours], dtype=np.int64)
    for g, group in enumerate(problem.groups):
        if group.max_headcount is not None:
            row = model.add_rows([-np.inf], float(group.max_headcount))
            cols = tour_cols[groups == g]
            model.add_entries(np.full(cols.size, row[0]), cols, 1.0)
    if problem.max_headcount is not None:
        row = model.add_rows([-np.inf], float(problem.max_headcount))
        model.add_entries(np.full(tour_cols.size, row[0]), tour_cols, 1.0)
    if problem.weekly_budget is not None:
        row = model.add_rows([-np.inf], float(problem.weekly_budget))
        cost = np.concatenate(model.cost)[tour_cols]
        model.add_entries(np.full(tour_cols.size, row[0]), tour_cols, cost)


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


@dataclass(frozen=True)
class _Solved:
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
        _joined(model.cost), _joined(model.lower), _joined(model.upper),
        _joined(model.row_lower), _joined(model.row_upper),
        matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64), _joined(model.integer, np.int32))
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the schedule model")


def _joined(parts: list[np.ndarray], dtype=np.float64) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype)
    return np.ascontiguousarray(np.concatenate(parts), dtype=dtype)


def _start(problem: ScheduleProblem, built: _Built,
           deadline: float) -> tuple[highspy.Highs, float]:
    """A solver holding the model and a start found by LP diving, and the LP relaxation's bound.

    HiGHS's own root heuristics rarely find a good tour schedule before its
    root cut loop ends, so the search starts from ``_dive``'s schedule (or,
    if that runs out of time, from scheduling nobody, which the slack
    columns make feasible).
    """
    model = built.model
    solver = make_solver(problem)
    _pass_model(solver, model)
    integer = _joined(model.integer, np.int32)
    start, bound = _dive(problem, solver, built, integer, deadline)
    columns = np.arange(model.num_cols, dtype=np.int32)
    solver.changeColsBounds(model.num_cols, columns, _joined(model.lower), _joined(model.upper))
    solver.changeColsIntegrality(model.num_cols, columns, integer.astype(np.uint8))
    solver.setSolution(model.num_cols, columns,
                       _nobody(problem, built) if start is None else start)
    return solver, bound


def _finish(solver: highspy.Highs, deadline: float, lp_bound: float) -> _Solved:
    """Branch and bound from the start until the gap or the deadline.

    The LP relaxation solved before the dives is a lower bound too, which
    counts when the deadline stops HiGHS before its own root LP.
    """
    solver.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
    solver.run()
    solved = _result(solver)
    return replace(solved, bound=min(max(solved.bound, lp_bound), solved.objective))


def _result(solver: highspy.Highs) -> _Solved:
    """The solve's status: "optimal" within the gap, "time_limit" with a solution, else raise."""
    model_status = solver.getModelStatus()
    info = solver.getInfo()
    has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    if model_status == highspy.HighsModelStatus.kOptimal:
        label = "optimal"
    elif model_status == highspy.HighsModelStatus.kTimeLimit and has_solution:
        label = "time_limit"
    else:
        raise RuntimeError(f"schedule solve failed: {solver.modelStatusToString(model_status)}")
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else -np.inf
    if label == "optimal" and not np.isfinite(bound):
        bound = objective           # solved without branching: nothing left to prove
    values = np.asarray(solver.getSolution().col_value, dtype=float)
    return _Solved(label, values, objective, min(bound, objective))


def _dive(problem: ScheduleProblem, solver: highspy.Highs, built: _Built, integer: np.ndarray,
          deadline: float) -> tuple[np.ndarray | None, float]:
    """A start and the LP bound: LP diving on the tours, then breaks placed with tours fixed.

    Each dive of ``DIVES`` (round up from, round down to) rounds the tours
    whose LP value has a fractional part of at least ``up`` to their ceiling
    (the largest one if none has) and those at most ``down`` to their floor,
    re-solving the LP between rounds so that the other tours adjust around
    the fixed ones. The dive whose last LP is cheapest is kept; its tours are
    fixed and a small MIP places the breaks (integer) for them.
    """
    tours = built.tour_cols.astype(np.int32)
    relaxed = np.flatnonzero(integer).astype(np.int32)
    solver.changeColsIntegrality(relaxed.size, relaxed, np.zeros(relaxed.size, np.uint8))
    lower, upper = _joined(built.model.lower)[tours], _joined(built.model.upper)[tours]
    best: tuple[float, np.ndarray] | None = None
    # interior point (with crossover) is about 3x faster than simplex on the cold root LP,
    # whose long cyclic backlog chains slow simplex down; the dives then warm-start simplex
    solver.setOptionValue("solver", "ipm")
    solver.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
    solver.run()
    solver.setOptionValue("solver", "choose")
    lp_bound = -np.inf
    if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        lp_bound = float(solver.getInfo().objective_function_value)
    for up, down in DIVES:
        solver.changeColsBounds(tours.size, tours, lower, upper)
        found = _dive_once(solver, tours, lower.copy(), upper.copy(), up, down, deadline)
        if found is not None and (best is None or found[0] < best[0] - _TINY):
            best = found
    if best is None:
        return None, lp_bound
    solver.changeColsBounds(tours.size, tours, best[1], best[1])
    solver.changeColsIntegrality(relaxed.size, relaxed, np.ones(relaxed.size, np.uint8))
    solver.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
    solver.run()
    info = solver.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None, lp_bound
    return np.asarray(solver.getSolution().col_value, dtype=float), lp_bound


def _dive_once(solver: highspy.Highs, tours: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               up: float, down: float, deadline: float) -> tuple[float, np.ndarray] | None:
    """One dive: (LP objective with the tours integral, the tours), or None if out of time."""
    for _ in range(DIVE_ROUNDS):
        solver.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(solver.getSolution().col_value, dtype=float)[tours]
        fraction = x - np.floor(x + _TINY)
        fraction[fraction < _TINY] = 0.0
        if not fraction.any():
            return float(solver.getInfo().objective_function_value), np.rint(x)
        rise = fraction >= up
        if not rise.any():
            rise[np.argmax(fraction)] = True
        fall = (fraction > 0.0) & (fraction <= down) & ~rise
        lower[rise] = np.ceil(x[rise] - _TINY)
        upper[fall] = np.floor(x[fall] + _TINY)
        changed = rise | fall
        solver.changeColsBounds(int(changed.sum()), tours[changed], lower[changed], upper[changed])
    return None


def _nobody(problem: ScheduleProblem, built: _Built) -> np.ndarray:
    """The schedule with no agents: every requirement short, all async work dropped."""
    values = np.zeros(built.model.num_cols)
    dt = problem.interval_minutes * 60.0
    for g, group in enumerate(problem.groups):
        short = built.short_cols[g] >= 0
        values[built.short_cols[g][short]] = np.asarray(group.required, dtype=float)[short]
        drop = built.drop_cols[g] >= 0
        values[built.drop_cols[g][drop]] = np.asarray(group.work_seconds, dtype=float)[drop] / dt
    return values


def _parts(problem: ScheduleProblem) -> list[ScheduleProblem]:
    """Groups share nothing but the total headcount and the budget: solve them apart if unlimited."""
    if problem.max_headcount is not None or problem.weekly_budget is not None:
        return [problem]
    return [replace(problem, groups=(group,)) for group in problem.groups]


# --------------------------------------------------------------------------- results

def solve_schedule(problem: ScheduleProblem) -> Schedule:
    """The cheapest weekly schedule (paid cost plus shortfall penalty), within ``mip_gap``.

    Without a total headcount or budget limit each group is its own model.
    Never raises for unreachable demand: the shortfall is priced and reported
    (``Schedule.short_intervals``). Raises ``ValueError`` for a malformed
    problem and ``RuntimeError`` if HiGHS ends without a solution.
    """
    _validate(problem)
    started = time.perf_counter()
    deadline = started + problem.time_limit_seconds
    parts = _parts(problem)
    builts = [_build(part) for part in parts]
    # every part gets its start first, then branch and bound shares the time left equally
    starts = [_start(part, built, deadline) for part, built in zip(parts, builts, strict=True)]
    pieces = []
    for k, (part, built, (solver, bound)) in enumerate(zip(parts, builts, starts, strict=True)):
        now = time.perf_counter()
        solved = _finish(solver, now + (deadline - now) / (len(parts) - k), bound)
        pieces.append(_piece(part, built, solved))
    return _combine(problem, pieces, time.perf_counter() - started)


@dataclass(frozen=True)
class _Piece:
    status: str
    objective: float
    bound: float
    tours: tuple[Tour, ...]
    breaks: tuple[BreakAssignment, ...]
    coverage: np.ndarray
    shortfall: np.ndarray
    weekly_cost: float
    num_variables: int
    num_rows: int


def _piece(problem: ScheduleProblem, built: _Built, solved: _Solved) -> _Piece:
    values = solved.values
    counts = np.zeros(built.model.num_cols)
    integer = _joined(built.model.integer, np.int32).astype(bool)
    counts[integer] = np.rint(values[integer])
    coverage = (built.cover @ counts[:built.cover.shape[1]]).reshape(len(problem.groups), -1)
    cost = float(_joined(built.model.cost)[built.tour_cols] @ counts[built.tour_cols])
    return _Piece(solved.status, solved.objective, solved.bound, _tours(problem, built, counts),
                  _breaks(problem, built, counts), coverage,
                  _shortfall(problem, built, values, coverage), cost,
                  built.model.num_cols, built.model.num_rows)


def _combine(problem: ScheduleProblem, pieces: list[_Piece], seconds: float) -> Schedule:
    objective = sum(piece.objective for piece in pieces)
    bound = sum(piece.bound for piece in pieces)
    gap = (objective - bound) / abs(objective) if abs(objective) > _TINY else 0.0
    gap = gap if np.isfinite(gap) else float("inf")     # no bound known
    optimal = all(piece.status == "optimal" for piece in pieces) or gap <= problem.mip_gap
    return Schedule(
        status="optimal" if optimal else "time_limit", objective=objective, mip_gap=max(gap, 0.0),
        tours=tuple(t for piece in pieces for t in piece.tours),
        breaks=tuple(b for piece in pieces for b in piece.breaks),
        coverage=np.vstack([piece.coverage for piece in pieces]),
        shortfall=np.vstack([piece.shortfall for piece in pieces]),
        weekly_cost=sum(piece.weekly_cost for piece in pieces),
        group_names=tuple(g.name for g in problem.groups),
        templates=problem.templates, days=problem.days,
        num_variables=sum(piece.num_variables for piece in pieces),
        num_rows=sum(piece.num_rows for piece in pieces), solve_seconds=seconds)


def _tours(problem: ScheduleProblem, built: _Built, counts: np.ndarray) -> tuple[Tour, ...]:
    return tuple(
        Tour(problem.groups[g].name, problem.templates[k].name, pattern, int(counts[col]))
        for (g, k, pattern), col in zip(built.index.tours, built.tour_cols, strict=True)
        if counts[col] > 0)


def _breaks(problem: ScheduleProblem, built: _Built,
            counts: np.ndarray) -> tuple[BreakAssignment, ...]:
    out = []
    for (w, r, offset), col in zip(built.index.breaks, built.break_cols, strict=True):
        if counts[col] <= 0:
            continue
        g, k, d = built.index.day_shifts[w]
        template = problem.templates[k]
        rule = template.breaks[r]
        out.append(BreakAssignment(problem.groups[g].name, template.name, d, rule.activity,
                                   template.start_minute + offset, rule.minutes, int(counts[col])))
    return tuple(out)


def _shortfall(problem: ScheduleProblem, built: _Built, values: np.ndarray,
               coverage: np.ndarray) -> np.ndarray:
    """Agents short of ``required`` (from the rounded coverage) plus async work late or dropped."""
    shortfall = np.zeros_like(coverage)
    for g, group in enumerate(problem.groups):
        productive = group.productive_share * coverage[g]
        shortfall[g] = np.maximum(np.asarray(group.required, dtype=float) - productive, 0.0)
        for cols in (built.late_cols[g], built.drop_cols[g]):
            present = cols >= 0
            shortfall[g, present] += np.maximum(values[cols[present]], 0.0)
    shortfall[shortfall < _TINY] = 0.0
    return shortfall


# --------------------------------------------------------------------------- views

def _day_names(days: int) -> list[str]:
    return [DAY_NAMES[d % 7] + (str(d // 7 + 1) if days > 7 else "") for d in range(days)]


def _clock(minute: int) -> str:
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"


def schedule_table(schedule: Schedule) -> pd.DataFrame:
    """Agents per (group, template) on each day, as a planner's schedule template shows them.

    Columns: group, template, start, end (local clock times), one per day
    (mon..sun), total (agent-days, the row sum) and agents (headcount).
    """
    names = _day_names(schedule.days)
    templates = {t.name: t for t in schedule.templates}
    rows: dict[tuple[str, str], np.ndarray] = {}
    heads: dict[tuple[str, str], int] = {}
    for tour in schedule.tours:
        key = (tour.group, tour.template)
        rows.setdefault(key, np.zeros(schedule.days, dtype=np.int64))[list(tour.days)] += tour.count
        heads[key] = heads.get(key, 0) + tour.count
    records = []
    for (group, name), per_day in rows.items():
        template = templates.get(name)
        start = _clock(template.start_minute) if template else ""
        end = _clock(template.start_minute + template.length_minutes) if template else ""
        records.append({"group": group, "template": name, "start": start, "end": end,
                        **dict(zip(names, per_day.tolist(), strict=True)),
                        "total": int(per_day.sum()), "agents": heads[(group, name)]})
    columns = ["group", "template", "start", "end", *names, "total", "agents"]
    return pd.DataFrame.from_records(records, columns=columns)


def expand_roster(schedule: Schedule, problem: ScheduleProblem,
                  seed: int) -> tuple[ScheduledAgent, ...]:
    """Named agents for the tours, each day's break starts dealt out in order.

    The agents of a (group, template) working a day, in tour order, take each
    rule's starts sorted earliest first; break windows do not overlap, so no
    agent gets two activities at once. Names come from Faker (en_US) seeded
    with ``seed`` and are unique.
    """
    templates = {t.name: t for t in problem.templates}
    starts = _break_queues(schedule, templates)
    faker = Faker("en_US")
    faker.seed_instance(seed)
    agents = []
    taken: dict[tuple[str, str, int, int], int] = {}
    for tour in schedule.tours:
        template = templates[tour.template]
        for _ in range(tour.count):
            breaks = []
            for day in tour.days:
                for r, rule in enumerate(template.breaks):
                    key = (tour.group, tour.template, day, r)
                    position = taken.get(key, 0)
                    taken[key] = position + 1
                    breaks.append((day, rule.activity, starts[key][position], rule.minutes))
            agents.append(ScheduledAgent(faker.unique.name(), tour.group, tour.template,
                                         template.start_minute, template.length_minutes,
                                         tour.days, tuple(breaks)))
    return tuple(agents)


def _rule_of(template: ShiftTemplate, item: BreakAssignment) -> int:
    """The rule whose window holds the break (windows do not overlap)."""
    offset = item.start_minute - template.start_minute
    for r, rule in enumerate(template.breaks):
        if (rule.activity == item.activity
                and rule.earliest_start_minutes <= offset <= rule.latest_start_minutes):
            return r
    raise ValueError(f"break at {item.start_minute} fits no rule of template {template.name}")


def _break_queues(schedule: Schedule, templates: dict[str, ShiftTemplate]
                  ) -> dict[tuple[str, str, int, int], list[int]]:
    """Break starts per (group, template, day, rule), one entry per agent, earliest first."""
    queues: dict[tuple[str, str, int, int], list[int]] = {}
    for item in schedule.breaks:
        key = (item.group, item.template, item.day, _rule_of(templates[item.template], item))
        queues.setdefault(key, []).extend([item.start_minute] * item.count)
    for values in queues.values():
        values.sort()
    return queues
