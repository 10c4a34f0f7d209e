"""The planner's main job: requirements -> schedule -> roster -> verified KPIs.

An iterative staffing loop in the spirit of Feldman, Mandelbaum, Massey and
Whitt (2008), "Staffing of time-varying queues to achieve time-stable
performance", Management Science 54(2): start from the analytic requirement
(Erlang A/C and the fluid deadline model), solve the schedule MILP, simulate
the roster with R replications (common random numbers: the same seeds for
every candidate), and where a target is missed raise the requirement where
the shortfall is (the intervals of a channel whose simulated service level
falls short; the backlog allowance of an asynchronous or L2/L3 group), then
solve again. It stops when every target holds, when the headcount limit binds,
or when raising a group no longer improves its KPI (the miss is not a
staffing problem: e.g. hold time on engineering dominates resolution time).
The final KPIs come from fresh seeds, with demand 10% below and above the
forecast beside them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from planner import requirements as req
from planner.roster import agent_groups, planned_scenario, roster_rows, with_reserve
from planner.rotation import roster_cycles
from planner.runner import ReplicationPool
from planner.schedule import (
    BreakRule,
    Cover,
    GroupDemand,
    Schedule,
    ScheduleProblem,
    ShiftTemplate,
    expand_roster,
    solve_schedule,
)
from planner.verify import (
    Estimate,
    ReplicationResult,
    estimates,
    mean_interval_service_level,
    plan_targets,
    simulate_plan,
)
from simulator.calendar import calendar_for
from simulator.config import SYNCHRONOUS_CHANNELS, ScenarioConfig, SkillGroup

FRESH_SEED_OFFSET = 1_000_003  # final KPIs come from seeds the loop never saw
BACKLOG_TIGHTENING = 0.6
WORK_MARGIN = 1.1
RAISE_SHARE = 0.25   # raise at least the worst quarter of a live group's open intervals
MIN_IMPROVEMENT = 0.002

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PlanOptions:
    seed: int = 1
    replications: int = 10
    workers: int = 1
    confidence: float = 0.95
    max_headcount: int | None = None
    sensitivity: bool = True
    dask: str | None = None  # a Dask scheduler address, or "local"; None: local processes


@dataclass(frozen=True)
class Iteration:
    number: int
    headcount: dict[str, int]
    missed: tuple[str, ...]
    raised: tuple[str, ...]
    schedule_status: str


@dataclass(frozen=True)
class Plan:
    config: ScenarioConfig            # the planned week with the roster as its agents
    requirements: req.Requirements
    problem: ScheduleProblem
    schedule: Schedule
    roster: list
    analytic_headcount: dict[str, int]
    headcount: dict[str, int]
    estimates: tuple[Estimate, ...]
    sensitivity: dict[str, tuple[Estimate, ...]]
    iterations: tuple[Iteration, ...]
    stop_reason: str
    weekly_cost: float
    paid_hours: dict[str, float]
    replication_results: list[ReplicationResult] = field(repr=False)

    @property
    def targets_hold(self) -> bool:
        return all(e.holds for e in self.estimates if e.holds is not None)


def _shift_template(template, planning) -> ShiftTemplate:
    """A scenario's shift template in the MILP's minutes (a split shift: its gap and piece)."""
    split = template.split
    default = () if split is not None else planning.default_breaks
    breaks = default if template.breaks is None else template.breaks
    return ShiftTemplate(
        name=template.name, start_minute=template.start_minute,
        length_minutes=round(template.hours * 60),
        breaks=tuple(BreakRule(b.activity, round(b.minutes), b.earliest_after_start_minutes,
                               b.latest_after_start_minutes) for b in breaks),
        days_per_week=template.days_per_week, part_time=template.part_time,
        split_gap_minutes=template.split_gap_minutes,
        split_minutes=round(split.hours * 60) if split else 0)


def schedule_problem(config: ScenarioConfig, requirements: req.Requirements,
                     max_headcount: int | None) -> ScheduleProblem:
    planning = config.planning
    templates = [_shift_template(t, planning) for t in planning.shift_templates]
    # Productive time is folded into the demand, so that the live requirement
    # stays a whole number of agents on shift: whole right-hand sides keep the
    # LP relaxation of the interval covering close to its integer optimum.
    share = requirements.productive_share
    groups = tuple(GroupDemand(
        name=g.name, hourly_cost=g.hourly_cost, required=np.ceil(g.required / share - 1e-9),
        work_seconds=g.work_seconds / share, allowed_backlog_seconds=g.allowed_backlog_seconds / share,
        allowed=g.allowed, productive_share=1.0, max_headcount=g.group.max_headcount,
        max_part_time_share=planning.max_part_time_share)
        for g in requirements.groups)
    limit = max_headcount or planning.max_headcount
    if limit is not None:  # the limit counts the reserve for absence and vacation too
        limit = max(1, math.floor(round(limit * (1.0 - requirements.out_of_shift_shrinkage), 9)))
    return ScheduleProblem(
        interval_minutes=requirements.interval_minutes, groups=groups, templates=tuple(templates),
        max_headcount=limit,
        weekly_budget=planning.weekly_budget, shortfall_penalty=planning.shortfall_penalty,
        mip_gap=planning.mip_gap, time_limit_seconds=planning.time_limit_seconds,
        seed=0, cover=cover_pairs(config))


def cover_pairs(config: ScenarioConfig) -> tuple[Cover, ...]:
    """``planning.cover`` for the MILP. A covering agent takes one item at a time
    (simulator/routing.py), so it counts 1/k of an agent of a group whose live
    channels let its own agents hold k chats."""
    groups = {g.name: g for g in req.skill_groups(config)}
    pairs = []
    for rule in config.planning.cover:
        covered = groups[rule.covers]
        live = [config.channels[c].concurrency for c in covered.channels
                if c in SYNCHRONOUS_CHANNELS and covered.tier == "L1"]
        pairs.append(Cover(rule.group, rule.covers, 1.0 / max(live, default=1)))
    return tuple(pairs)


def cover_skills(config: ScenarioConfig) -> dict[str, dict[str, list[str]]]:
    """Per covering skill group, the lower tiers' channels its agents cover (the roster's
    ``AgentGroup.cover``)."""
    groups = {g.name: g for g in req.skill_groups(config)}
    out: dict[str, dict[str, list[str]]] = {}
    for rule in config.planning.cover:
        covered = groups[rule.covers]
        channels = out.setdefault(rule.group, {}).setdefault(covered.tier, [])
        channels.extend(c for c in covered.channels if c not in channels)
    return out


def solve_within_limits(problem: ScheduleProblem, cache: dict,
                        pool: ReplicationPool | None = None) -> Schedule:
    """Solve each skill group alone (cached; in parallel on ``pool``); only if the
    total headcount or budget limit then binds, solve them together under it."""
    free = replace(problem, max_headcount=None, weekly_budget=None)
    schedule = solve_schedule(free, cache, None if pool is None else pool.run)
    within = ((problem.max_headcount is None or schedule.headcount() <= problem.max_headcount)
              and (problem.weekly_budget is None or schedule.weekly_cost <= problem.weekly_budget))
    return schedule if within else solve_schedule(problem)


def _roster(config, requirements, schedule, problem, seed):
    groups = req.skill_groups(config)
    agents = with_reserve(expand_roster(schedule, problem, seed), groups,
                          requirements.out_of_shift_shrinkage, seed)
    cycles = roster_cycles(tuple(agent for agent, _ in agents), config.planning)
    cover = cover_skills(config)
    planned = planned_scenario(req.planning_config(config),
                               agent_groups(agents, groups, cycles, cover))
    return planned, roster_rows(agents, groups, cycles, cover)


def _headcount(rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.skill_group] = counts.get(row.skill_group, 0) + 1
    return counts


def _simulate(pool: ReplicationPool, planned: ScenarioConfig, groups: tuple[SkillGroup, ...],
              seed: int, options: PlanOptions, label: str,
              progress: Progress | None) -> list[ReplicationResult]:
    config_json = planned.model_dump_json()
    groups_json = [g.model_dump(mode="json") for g in groups]
    arguments = [(config_json, groups_json, seed, r) for r in range(options.replications)]
    callback = (lambda done, total: progress(label, done, total)) if progress else None
    return pool.run(simulate_plan, arguments, callback)


def _raise(config, requirements, results, missed_metrics,
           schedule: Schedule) -> tuple[req.Requirements, list[str]]:
    """Raise the requirement where the shortfall is; returns the new requirements.

    A live group's raised intervals ask for one agent more than the schedule
    that missed gave them (not one more than the old requirement, which the
    schedule's staggered shifts may already exceed)."""
    groups = req.skill_groups(config)
    calendar = calendar_for(req.planning_config(config))
    grid = req.WeekGrid.of(calendar)
    reported = np.flatnonzero(calendar.interval_start >= 0)
    raised = []
    for metric in missed_metrics:
        scope = metric.split(".", 1)[0]
        if scope in SYNCHRONOUS_CHANNELS:
            group = next(g for g in groups if scope in g.channels and g.tier == "L1")
            target = config.targets.service_level.get(scope, 0.8)
            levels = mean_interval_service_level(results, scope)
            current = requirements.group(group.name).required
            worst = _worst_slots(grid, reported, levels, target, current > 0)
            covered = schedule.effective_coverage(group.name)
            wanted = (covered[worst] + 1.0) * requirements.productive_share
            bump = np.zeros(grid.size)
            bump[worst] = np.maximum(wanted - current[worst], 1.0)
            requirements = req.scaled(requirements, group.name, sync_factor=bump)
            raised.append(group.name)
        elif scope not in raised:
            requirements = req.scaled(requirements, scope, backlog_factor=BACKLOG_TIGHTENING,
                                      work_factor=WORK_MARGIN)
            raised.append(scope)
    return requirements, raised


def _worst_slots(grid, reported, levels, target, open_slots) -> np.ndarray:
    """Week slots to raise: those whose simulated service level misses the target,
    or at least the worst ``RAISE_SHARE`` of the open ones. A raise in a few
    scattered intervals would be cheaper to leave short than to cover with a
    whole shift, so the schedule would not change."""
    per_slot = np.full(grid.size, np.inf)
    np.minimum.at(per_slot, grid.slot[reported], np.where(np.isfinite(levels), levels, np.inf))
    candidates = np.flatnonzero(open_slots)
    order = candidates[np.argsort(per_slot[candidates], kind="stable")]
    missing = order[per_slot[order] < target]
    floor = int(np.ceil(RAISE_SHARE * candidates.size))
    return missing if missing.size >= floor else order[:floor]


def make_plan(config: ScenarioConfig, options: PlanOptions,
              progress: Progress | None = None) -> Plan:
    """Requirements, schedule, roster and verified KPIs (see the module docstring).

    One pool of worker processes serves every batch of replications.
    """
    with ReplicationPool(options.workers, options.dask) as pool:
        return _make_plan(pool, config, options, progress)


@dataclass
class _Loop:
    """What the staffing loop remembers between iterations."""

    requirements: req.Requirements
    iterations: list[Iteration] = field(default_factory=list)
    stalled: set[str] = field(default_factory=set)
    previous: dict[str, float] = field(default_factory=dict)
    last_raised: set[str] = field(default_factory=set)
    strikes: dict[str, int] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    def judge(self, judged: tuple[Estimate, ...], by_metric: dict) -> list[str]:
        """The missed metrics; a metric raised twice running and no better is stalled."""
        missed = [e.metric for e in judged if e.holds is False]
        means = {e.metric: e.mean for e in judged}
        for metric in missed:
            before = self.previous.get(metric, math.nan)
            better = abs(means[metric] - before) >= MIN_IMPROVEMENT and (
                (means[metric] > before) == by_metric[metric].higher_is_better)
            raised_last = metric in self.last_raised
            self.strikes[metric] = 0 if better or not raised_last else self.strikes.get(metric, 0) + 1
            if self.strikes[metric] >= 2:
                self.stalled.add(metric)
        self.previous = means
        return missed


def _make_plan(pool: ReplicationPool, config: ScenarioConfig, options: PlanOptions,
               progress: Progress | None) -> Plan:
    groups = req.skill_groups(config)
    targets = plan_targets(config, groups)
    by_metric = {t.metric: t for t in targets}
    loop = _Loop(req.build_requirements(config))
    analytic: dict[str, int] | None = None
    last = config.planning.max_iterations
    for number in range(last + 1):
        if progress:
            progress("solve", number, last + 1)
        requirements = loop.requirements
        problem = schedule_problem(config, requirements, options.max_headcount)
        schedule = solve_within_limits(problem, loop.cache, pool)
        planned, rows = _roster(config, requirements, schedule, problem, options.seed)
        headcount = _headcount(rows)
        analytic = analytic or headcount
        results = _simulate(pool, planned, groups, options.seed, options,
                            f"verify {number + 1}", progress)
        missed = loop.judge(estimates(results, targets, options.confidence), by_metric)
        todo = [m for m in missed if m not in loop.stalled]
        limit = problem.max_headcount
        if not missed:
            stop_reason = "targets hold"
        elif limit is not None and schedule.headcount() >= limit:
            stop_reason = "headcount limit"
        elif not todo:
            stop_reason = "more staff did not help: " + ", ".join(sorted(set(missed) & loop.stalled))
        elif number == last:
            stop_reason = "iteration limit"
        else:
            loop.requirements, raised = _raise(config, requirements, results, todo, schedule)
            loop.last_raised = set(todo)
            loop.iterations.append(Iteration(number, headcount, tuple(missed), tuple(raised),
                                             schedule.status))
            continue
        loop.iterations.append(Iteration(number, headcount, tuple(missed), (), schedule.status))
        break
    final = _simulate(pool, planned, groups, options.seed + FRESH_SEED_OFFSET, options, "final",
                      progress)
    final_estimates = estimates(final, targets, options.confidence)
    sensitivity = {}
    if options.sensitivity:
        for label, factor in (("demand -10%", 0.9), ("demand +10%", 1.1)):
            shifted = _scaled_demand(planned, factor)
            runs = _simulate(pool, shifted, groups, options.seed + FRESH_SEED_OFFSET, options,
                             label, progress)
            sensitivity[label] = estimates(runs, targets, options.confidence)
    paid = _paid_hours(rows, problem)
    cost = sum(paid[g.name] * g.hourly_cost for g in requirements.groups)
    return Plan(planned, requirements, problem, schedule, rows, analytic, headcount,
                final_estimates, sensitivity, tuple(loop.iterations),
                final_stop_reason(stop_reason, final_estimates), cost, paid, final)


def final_stop_reason(loop_reason: str, final: tuple[Estimate, ...]) -> str:
    """The loop's reason, squared with the final fresh-seed KPIs when they disagree.

    The loop decides on its own seeds; the plan is judged on fresh ones, and
    near a target the two can fall on either side of it. Both are said then.
    """
    missed = sorted(e.metric for e in final if e.holds is False)
    if not missed:
        if loop_reason == "targets hold":
            return loop_reason
        return f"{loop_reason} (decision seeds); every target holds on fresh seeds"
    missed_text = ", ".join(missed)
    if loop_reason == "targets hold":
        return f"targets hold on the decision seeds; missed on fresh seeds: {missed_text}"
    return f"{loop_reason} (decision seeds); missed on fresh seeds: {missed_text}"


def _scaled_demand(config: ScenarioConfig, factor: float) -> ScenarioConfig:
    channels = {name: c.model_copy(update={"volume_per_day": c.volume_per_day * factor})
                for name, c in config.channels.items()}
    return config.model_copy(update={"channels": channels})


def _paid_hours(rows, problem: ScheduleProblem) -> dict[str, float]:
    hours: dict[str, float] = {g.name: 0.0 for g in problem.groups}
    for row in rows:
        hours[row.skill_group] += row.paid_hours_per_week
    return hours


def fte(paid_hours: float, hours_per_fte: float = 40.0) -> float:
    """Full-time equivalents: paid hours per week / 40."""
    return paid_hours / hours_per_fte


def channel_split(requirements: req.Requirements, config: ScenarioConfig,
                  headcount: dict[str, int]) -> dict[str, float]:
    """Headcount per channel: each group's agents split by its channels' workload."""
    out: dict[str, float] = {}
    for group in requirements.groups:
        loads = {}
        for channel in group.group.channels:
            aht = config.channels[channel].handle.mean_seconds
            loads[channel] = aht * config.channels[channel].volume_per_day
        total = sum(loads.values()) or 1.0
        for channel, load in loads.items():
            out[channel] = out.get(channel, 0.0) + headcount.get(group.name, 0) * load / total
    return {k: round(v, 1) for k, v in out.items() if not math.isnan(v)}
