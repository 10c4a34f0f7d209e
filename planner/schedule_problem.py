"""The schedule problem and its answer: shift templates, break rules, demand, tours.

Plain frozen dataclasses, their validation (``validate``: field, rule and
value in every message) and the tour geometry both the MILP
(``planner.schedule_milp``) and the results (``planner.schedule``) share:
days-off patterns, the intervals a shift covers, break starts on the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TINY = 1e-6


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


class ShiftShape:
    """Where a shift's paid pieces lie, for a template and for the agent working it.

    A split shift has a second piece: ``split_minutes`` paid minutes starting
    ``split_gap_minutes`` (unpaid) after the first piece ends, e.g. 09:00-13:00
    and 16:00-20:00 for two daily peaks.
    """

    start_minute: int
    length_minutes: int
    split_gap_minutes: int
    split_minutes: int

    @property
    def paid_minutes(self) -> int:
        return self.length_minutes + self.split_minutes

    @property
    def span_minutes(self) -> int:
        """From the start to the end of the last piece."""
        offset, minutes = self.pieces()[-1]
        return offset + minutes

    def pieces(self) -> tuple[tuple[int, int], ...]:
        """(offset from the start, minutes) of each paid piece."""
        if not self.split_minutes:
            return ((0, self.length_minutes),)
        return ((0, self.length_minutes),
                (self.length_minutes + self.split_gap_minutes, self.split_minutes))


@dataclass(frozen=True)
class ShiftTemplate(ShiftShape):
    """A shift start and paid length (``ShiftShape``), its breaks and its tour shape."""

    name: str
    start_minute: int
    length_minutes: int
    breaks: tuple[BreakRule, ...] = ()
    days_per_week: int = 5
    part_time: bool = False
    split_gap_minutes: int = 0
    split_minutes: int = 0


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
    max_part_time_share: float | None = None  # of the group's headcount, on part-time tours


@dataclass(frozen=True)
class Cover:
    """Agents of ``group`` may do the work of ``covers`` (a lower tier), interval by interval.

    One covering agent counts ``weight`` agents of ``covers``: 1 for calls and
    async work; 1/k for a chat group whose own agents hold k chats, since a
    covering agent takes one item at a time (simulator/routing.py).
    """

    group: str
    covers: str
    weight: float = 1.0


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
    cover: tuple[Cover, ...] = ()

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
    cover: tuple[Cover, ...] = ()
    covered: np.ndarray | None = None   # (groups, n): other groups' agents doing this group's work
    covering: np.ndarray | None = None  # (groups, n): this group's agents doing others' work

    def effective_coverage(self, group: str) -> np.ndarray:
        """A group's own coverage, less its agents covering others, plus the cover it gets
        (in agents of the group)."""
        g = self.group_names.index(group)
        if self.covered is None or self.covering is None:
            return self.coverage[g]
        return self.coverage[g] - self.covering[g] + self.covered[g]

    def headcount(self, group: str | None = None) -> int:
        """Agents on tours, of one group or of all."""
        return sum(tour.count for tour in self.tours if group is None or tour.group == group)

    def short_intervals(self) -> list[tuple[str, int, float]]:
        """(group, interval index, agents short) wherever the schedule falls short."""
        rows, cols = np.nonzero(self.shortfall > TINY)
        return [(self.group_names[g], int(i), float(self.shortfall[g, i]))
                for g, i in zip(rows, cols, strict=True)]


@dataclass(frozen=True)
class ScheduledAgent(ShiftShape):
    """One named agent of a schedule, with the breaks of each working day."""

    name: str
    group: str
    template: str
    start_minute: int
    length_minutes: int
    days: tuple[int, ...]
    breaks: tuple[tuple[int, str, int, int], ...]
    split_gap_minutes: int = 0  # a split shift's unpaid gap and second piece (ShiftShape)
    split_minutes: int = 0


# --------------------------------------------------------------------------- validation

def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def validate(problem: ScheduleProblem) -> None:
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
    _validate_cover(problem)


def _validate_template(template: ShiftTemplate, step: int, days: int) -> None:
    where = f"templates.{template.name}"
    _check(0 <= template.start_minute < 1440 and template.start_minute % step == 0,
           f"{where}.start_minute: must be on the {step}-minute grid in [0, 1440), "
           f"got {template.start_minute}")
    _check(0 < template.length_minutes <= 1440 and template.length_minutes % step == 0,
           f"{where}.length_minutes: must be a positive multiple of {step} up to 1440, "
           f"got {template.length_minutes}")
    if template.split_minutes:
        _check(template.split_minutes % step == 0 and template.split_gap_minutes >= step
               and template.split_gap_minutes % step == 0,
               f"{where}: a split shift's gap and second piece must be positive multiples of "
               f"{step} minutes, got {template.split_gap_minutes} and {template.split_minutes}")
        _check(template.start_minute + template.span_minutes <= 1440,
               f"{where}: a split shift must end by 24:00, got a span of "
               f"{template.span_minutes} minutes from {template.start_minute}")
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
        _check(break_starts(rule, step).size > 0,
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


def _validate_cover(problem: ScheduleProblem) -> None:
    groups = {g.name for g in problem.groups}
    pairs = [(c.group, c.covers) for c in problem.cover]
    for i, item in enumerate(problem.cover):
        for field in ("group", "covers"):
            _check(getattr(item, field) in groups,
                   f"cover.{i}.{field}: must name a group of the problem, got "
                   f"'{getattr(item, field)}'")
        _check(item.group != item.covers,
               f"cover.{i}.covers: must differ from the covering group, got '{item.covers}'")
        _check(0.0 < item.weight <= 1.0, f"cover.{i}.weight: must be in (0, 1], got {item.weight}")
    _check(len(set(pairs)) == len(pairs), f"cover: pairs must be unique, got {pairs}")


def break_starts(rule: BreakRule, step: int) -> np.ndarray:
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


def shift_intervals(template: ShiftTemplate, day: int, problem: ScheduleProblem) -> np.ndarray:
    """Week interval indices of the shift starting on ``day`` (cyclic)."""
    step = problem.interval_minutes
    first = day * problem.intervals_per_day + template.start_minute // step
    on = [first + offset // step + np.arange(minutes // step)
          for offset, minutes in template.pieces()]
    return np.concatenate(on) % problem.intervals
