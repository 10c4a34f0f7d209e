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

The model also carries integer daily-shift columns (agents of a template on
a day, the sum of the tours working it), which tighten HiGHS's cuts. HiGHS's
own heuristics rarely find a good tour schedule before its root cut loop
ends, so the search starts from LP diving (``planner.schedule_milp``).
Groups share nothing but a total headcount or budget, and cover (a higher
tier doing a lower tier's work, ``planner.schedule_cover``); without those,
each group is a model of its own, and groups linked by cover one model
together. The types live in ``planner.schedule_problem``.

The bench (``python -m bench --schedule``, bench/schedule.py: five groups,
22 templates, 15-minute week, about 22,700 columns and 7,100 rows) does not
reach a 1% gap in 10 s per group on a shared 2-core machine: about 2% at
10 s, 1.7% at 60 s. The headcount bound (``planner.schedule_milp``) proves
the baseline's groups within their gap in a few seconds, but on the bench's
noisy, peaky week the gap left is on the primal side. The status then is
``"time_limit"`` with the proven gap. Tried and dropped, as no better there:
breaks placed in a second stage, and explicit integer coverage columns.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from faker import Faker

from planner.schedule_cover import MIN_SPARE, cover_flows, has_async, own_work_first_spare
from planner.schedule_milp import BuiltModel, build_model, joined
from planner.schedule_problem import (
    DAY_NAMES,
    TINY,
    BreakAssignment,
    BreakRule,
    Cover,
    GroupDemand,
    Schedule,
    ScheduledAgent,
    ScheduleProblem,
    ShiftTemplate,
    Tour,
    days_off_patterns,
    validate,
)
from planner.schedule_search import (
    Solved,
    finish_search,
    independent_parts,
    make_solver,
    start_search,
)

__all__ = [
    "BreakAssignment", "BreakRule", "Cover", "GroupDemand", "Schedule", "ScheduleProblem",
    "ScheduledAgent", "ShiftTemplate", "Tour", "days_off_patterns", "expand_roster",
    "make_solver", "schedule_table", "solve_schedule",
]


# --------------------------------------------------------------------------- results

def solve_schedule(problem: ScheduleProblem, cache: dict | None = None,
                   run: Callable[[Callable, list[tuple]], list] | None = None) -> Schedule:
    """The cheapest weekly schedule (paid cost plus shortfall penalty), within ``mip_gap``.

    Without a total headcount or budget limit each group is its own model,
    with its own ``time_limit_seconds``; ``cache`` (a dict the caller keeps)
    then remembers each group's answer by the group's demand and the
    settings, so a planner that raises one group's requirement re-solves only
    that group. ``run`` (``ReplicationPool.run``: a function of a task and
    its argument tuples returning the results in order) solves the parts in
    parallel; the answer is the same as solving them one after the other.
    Never raises for unreachable demand: the shortfall is priced
    and reported (``Schedule.short_intervals``). Raises ``ValueError`` for a
    malformed problem and ``RuntimeError`` if HiGHS ends without a solution.

    The same problem gives the same schedule (one thread, a fixed seed)
    unless ``time_limit_seconds`` binds, which makes the answer depend on
    the machine's speed; ``status`` then says ``"time_limit"``.
    """
    validate(problem)
    started = time.perf_counter()
    parts = independent_parts(problem)
    singles = [part for part in parts if not part.cover]
    joint = [part for part in parts if part.cover]
    # groups linked by cover are also solved alone: that says where a covering group
    # has spare capacity (``_lendable``), and the joint model must beat it
    alone = [replace(part, groups=(group,), cover=()) for part in joint for group in part.groups]
    first = _solve_parts([(part, None) for part in singles + alone], cache, run)
    by_group = {piece.group_names[0]: piece for piece in first[len(singles):]}
    tasks = [(part, _lendable(part, by_group)) for part in joint]
    second = _solve_parts(tasks, cache, run)
    pieces = first[:len(singles)]
    for part, piece in zip(joint, second, strict=True):
        pieces.append(_better(part, piece, [by_group[g.name] for g in part.groups]))
    return _combine(problem, pieces, time.perf_counter() - started)


def _solve_parts(tasks: list[tuple], cache: dict | None, run) -> list[_Piece]:
    """``solve_part`` for each (part, lendable), remembered in ``cache`` by the part."""
    keys = [_fingerprint(part) if cache is not None else None for part, _ in tasks]
    known = {} if cache is None else {key: cache[key] for key in keys if key in cache}
    todo = [args for args, key in zip(tasks, keys, strict=True) if key not in known]
    solved = run(solve_part, todo) if run is not None and len(todo) > 1 else \
        [solve_part(*args) for args in todo]
    fresh = iter(solved)
    pieces = [known[key] if key in known else next(fresh) for key in keys]
    if cache is not None:
        cache.update(zip(keys, pieces, strict=True))
    return pieces


def solve_part(part: ScheduleProblem, lendable: dict[str, np.ndarray] | None = None) -> _Piece:
    """One independently solved part (a top-level function, so processes can run it)."""
    deadline = time.perf_counter() + part.time_limit_seconds
    built = build_model(part, lendable)
    search = start_search(part, built, deadline)
    return _piece(part, built, finish_search(search, deadline, part.mip_gap))


def _lendable(part: ScheduleProblem, alone: dict[str, _Piece]) -> dict[str, np.ndarray]:
    """Where each covering group with async work may lend: where, on the schedule it
    has alone, serving its own work first leaves ``MIN_SPARE`` agents
    (planner.schedule_cover)."""
    dt = part.interval_minutes * 60.0
    lendable = {}
    for name in dict.fromkeys(c.group for c in part.cover):
        group = next(g for g in part.groups if g.name == name)
        if has_async(group, dt):
            lendable[name] = own_work_first_spare(group, alone[name].coverage[0], dt) >= MIN_SPARE
    return lendable


def _better(part: ScheduleProblem, joint: _Piece, alone: list[_Piece]) -> _Piece:
    """The joint schedule, unless the groups' schedules alone (no cover) cost less: the
    joint model is larger, and its search may stop further from its optimum. Under a
    total headcount or budget the schedules alone may break the limit: joint it is."""
    if part.max_headcount is not None or part.weekly_budget is not None:
        return joint
    if joint.objective <= sum(piece.objective for piece in alone) + TINY:
        return joint
    merged = _merge(part, alone)
    # the joint model's bound is the bound of the problem with cover
    return replace(merged, bound=min(merged.bound, joint.bound),
                   status="optimal" if joint.status == "optimal" else merged.status)


def _merge(part: ScheduleProblem, pieces: list[_Piece]) -> _Piece:
    """One piece of several (a part's groups solved alone), rows in the part's order."""
    rows = {name: (piece, i) for piece in pieces for i, name in enumerate(piece.group_names)}

    def stacked(field: str) -> np.ndarray:
        return np.vstack([getattr(rows[g.name][0], field)[rows[g.name][1]] for g in part.groups])

    statuses = {piece.status for piece in pieces}
    return _Piece("optimal" if statuses == {"optimal"} else "time_limit",
                  sum(p.objective for p in pieces), sum(p.bound for p in pieces),
                  tuple(t for p in pieces for t in p.tours),
                  tuple(b for p in pieces for b in p.breaks), stacked("coverage"),
                  stacked("shortfall"), sum(p.weekly_cost for p in pieces),
                  sum(p.num_variables for p in pieces), sum(p.num_rows for p in pieces),
                  tuple(g.name for g in part.groups), stacked("covered"), stacked("covering"))


def _fingerprint(part: ScheduleProblem) -> str:
    """A digest of everything that decides a part's answer."""
    digest = hashlib.sha256(repr((part.interval_minutes, part.templates, part.days,
                                  part.max_headcount, part.weekly_budget, part.shortfall_penalty,
                                  part.mip_gap, part.time_limit_seconds, part.seed,
                                  part.cover)).encode())
    for group in part.groups:
        digest.update(repr((group.name, group.hourly_cost, group.productive_share,
                            group.max_headcount, group.templates,
                            group.max_part_time_share)).encode())
        for array in (group.required, group.work_seconds, group.allowed_backlog_seconds,
                      group.allowed):
            digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Piece:
    """The schedule of one independently solved part (one group, or all when coupled)."""

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
    group_names: tuple[str, ...] = ()
    covered: np.ndarray | None = None   # agents of the group's own, from cover (weighted)
    covering: np.ndarray | None = None  # the group's agents doing other groups' work


def _piece(problem: ScheduleProblem, built: BuiltModel, solved: Solved) -> _Piece:
    """Tours, breaks, coverage and shortfall of one part, from integer-rounded counts."""
    values = solved.values
    counts = np.zeros(built.model.num_cols)
    integer = joined(built.model.integer, np.int32).astype(bool)
    counts[integer] = np.rint(values[integer])
    coverage = (built.cover @ counts[:built.cover.shape[1]]).reshape(len(problem.groups), -1)
    covered, covering = cover_flows(built.cover_cols, values, coverage.shape)
    cost = float(joined(built.model.cost)[built.tour_cols] @ counts[built.tour_cols])
    shortfall = _shortfall(problem, built, values, coverage - covering + covered)
    return _Piece(solved.status, solved.objective, solved.bound, _tours(problem, built, counts),
                  _breaks(problem, built, counts), coverage, shortfall, cost,
                  built.model.num_cols, built.model.num_rows,
                  tuple(g.name for g in problem.groups), covered, covering)


def _combine(problem: ScheduleProblem, pieces: list[_Piece], seconds: float) -> Schedule:
    """One schedule from the parts (rows in the problem's group order); its gap is that
    of the summed objectives and bounds."""
    objective = sum(piece.objective for piece in pieces)
    bound = sum(piece.bound for piece in pieces)
    gap = (objective - bound) / abs(objective) if abs(objective) > TINY else 0.0
    gap = gap if np.isfinite(gap) else float("inf")     # no bound known
    optimal = all(piece.status == "optimal" for piece in pieces) or gap <= problem.mip_gap
    names = tuple(g.name for g in problem.groups)
    rows = {name: (piece, i) for piece in pieces for i, name in enumerate(piece.group_names)}

    def stacked(field: str) -> np.ndarray:
        return np.vstack([getattr(rows[name][0], field)[rows[name][1]] for name in names])

    covers = bool(problem.cover)
    return Schedule(
        status="optimal" if optimal else "time_limit", objective=objective, mip_gap=max(gap, 0.0),
        tours=tuple(t for piece in pieces for t in piece.tours),
        breaks=tuple(b for piece in pieces for b in piece.breaks),
        coverage=stacked("coverage"), shortfall=stacked("shortfall"),
        weekly_cost=sum(piece.weekly_cost for piece in pieces),
        group_names=names, templates=problem.templates, days=problem.days,
        num_variables=sum(piece.num_variables for piece in pieces),
        num_rows=sum(piece.num_rows for piece in pieces), solve_seconds=seconds,
        cover=problem.cover, covered=stacked("covered") if covers else None,
        covering=stacked("covering") if covers else None)


def _tours(problem: ScheduleProblem, built: BuiltModel, counts: np.ndarray) -> tuple[Tour, ...]:
    return tuple(
        Tour(problem.groups[g].name, problem.templates[k].name, pattern, int(counts[col]))
        for (g, k, pattern), col in zip(built.index.tours, built.tour_cols, strict=True)
        if counts[col] > 0)


def _breaks(problem: ScheduleProblem, built: BuiltModel,
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


def _shortfall(problem: ScheduleProblem, built: BuiltModel, values: np.ndarray,
               coverage: np.ndarray) -> np.ndarray:
    """Agents short of ``required`` plus async work late or dropped, in agents per interval.

    The synchronous part is the larger of the model's shortfall (which also
    counts capacity the solution spends on async work) and what the rounded
    coverage leaves uncovered.
    """
    shortfall = np.zeros_like(coverage)
    for g, group in enumerate(problem.groups):
        productive = group.productive_share * coverage[g]
        shortfall[g] = np.maximum(np.asarray(group.required, dtype=float) - productive, 0.0)
        short = built.short_cols[g] >= 0
        shortfall[g, short] = np.maximum(shortfall[g, short], values[built.short_cols[g][short]])
        for cols in (built.late_cols[g], built.drop_cols[g]):
            present = cols >= 0
            shortfall[g, present] += np.maximum(values[cols[present]], 0.0)
    shortfall[shortfall < TINY] = 0.0
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
    (mon..sun), total (agent-days, the row sum) and agents (headcount); with
    cover, ``covers`` (the groups whose work the row's agents may take).
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
        end = _clock(template.start_minute + template.span_minutes) if template else ""
        records.append({"group": group, "template": name, "start": start, "end": end,
                        **dict(zip(names, per_day.tolist(), strict=True)),
                        "total": int(per_day.sum()), "agents": heads[(group, name)]})
    columns = ["group", "template", "start", "end", *names, "total", "agents"]
    table = pd.DataFrame.from_records(records, columns=columns)
    if schedule.cover:  # which lower-tier groups' work each row's agents may take
        covers = {}
        for item in schedule.cover:
            covers[item.group] = "+".join(filter(None, (covers.get(item.group), item.covers)))
        table["covers"] = [covers.get(group, "") for group in table["group"]]
    return table


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
                                         tour.days, tuple(breaks), template.split_gap_minutes,
                                         template.split_minutes))
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
