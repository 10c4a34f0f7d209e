"""Trade-off curves: what each extra agent (or unit of budget) buys.

Each point of a headcount (or weekly budget) sweep is the best schedule
within that limit, simulated with R replications: service level, ASA and
abandonment per live channel, FRT, CSAT and cost per ticket, each with a
confidence interval. The requirement is scaled with the limit (a point at
80% of the planned headcount plans for 80% of the requirement), so agents are
spread over the skill groups in proportion to their work, and the limit caps
the schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planner import requirements as req
from planner.plan import PlanOptions, _roster, _simulate, schedule_problem
from planner.runner import ReplicationPool
from planner.schedule import solve_schedule
from planner.verify import confidence_interval

CURVE_METRICS = ("service_level", "asa_seconds", "abandonment_rate")
OVERALL_METRICS = ("overall.frt_median_minutes", "overall.csat_satisfied_rate",
                   "overall.sla_first_response_compliance")


@dataclass(frozen=True)
class TradeoffPoint:
    limit: float
    headcount: int
    weekly_cost: float
    values: dict[str, tuple[float, float, float]]  # metric -> (mean, low, high)


def parse_range(text: str, option: str) -> list[float]:
    """``LO:HI:STEP`` -> [LO, LO+STEP, ..., HI]; a ValueError names the option."""
    parts = text.split(":")
    try:
        lo, hi, step = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{option}: must look like LO:HI:STEP, got '{text}'") from None
    if len(parts) != 3 or step <= 0 or lo <= 0 or hi < lo:
        raise ValueError(f"{option}: needs 0 < LO <= HI and STEP > 0, got '{text}'")
    count = int(np.floor((hi - lo) / step + 1e-9)) + 1
    if count > 50:
        raise ValueError(f"{option}: at most 50 points, got {count}")
    return [lo + i * step for i in range(count)]


def _scale(requirements: req.Requirements, factor: float) -> req.Requirements:
    groups = tuple(replace(g, required=np.ceil(g.required * factor - 1e-9),
                           work_seconds=g.work_seconds * factor,
                           allowed_backlog_seconds=g.allowed_backlog_seconds * factor)
                   for g in requirements.groups)
    return replace(requirements, groups=groups)


def sweep(config, kind: str, limits: list[float], options: PlanOptions,
          progress: Callable[[str, int, int], None] | None = None) -> list[TradeoffPoint]:
    """One point per limit (``kind`` is "headcount" or "budget"), on one pool of workers."""
    with ReplicationPool(options.workers, options.dask) as pool:
        return _sweep(pool, config, kind, limits, options, progress)


def _sweep(pool: ReplicationPool, config, kind: str, limits: list[float], options: PlanOptions,
           progress: Callable[[str, int, int], None] | None) -> list[TradeoffPoint]:
    base = req.build_requirements(config)
    reference = solve_schedule(schedule_problem(config, base, None))
    scale_to = reference.headcount() if kind == "headcount" else reference.weekly_cost
    groups = req.skill_groups(config)
    points = []
    for index, limit in enumerate(limits):
        if progress:
            progress("solve", index, len(limits))
        scaled = _scale(base, limit / scale_to)
        problem = schedule_problem(config, scaled, int(limit) if kind == "headcount" else None)
        if kind == "budget":
            problem = replace(problem, weekly_budget=limit, max_headcount=None)
        schedule = solve_schedule(problem)
        planned, rows = _roster(config, scaled, schedule, problem, options.seed)
        results = _simulate(pool, planned, groups, options.seed, options, f"{kind} {limit:g}",
                            progress)
        cost = _weekly_cost(rows, config)
        values = {}
        metrics = [f"{c}.{m}" for c in config.synchronous_channels for m in CURVE_METRICS]
        for metric in [*metrics, *OVERALL_METRICS]:
            samples = np.array([r.values.get(metric, np.nan) for r in results], dtype=float)
            values[metric] = confidence_interval(samples, options.confidence)
        tickets = np.array([r.values["overall.tickets"] for r in results], dtype=float)
        values["cost_per_ticket"] = confidence_interval(cost / tickets, options.confidence)
        points.append(TradeoffPoint(limit, len(rows), cost, values))
    return points


def _weekly_cost(rows, config) -> float:
    return sum(row.paid_hours_per_week * config.tiers[row.tier].hourly_cost for row in rows)


def tradeoff_frame(points: list[TradeoffPoint], kind: str) -> pd.DataFrame:
    rows = []
    for point in points:
        row = {kind: point.limit, "headcount": point.headcount,
               "weekly_cost": round(point.weekly_cost, 2)}
        for metric, (mean, low, high) in point.values.items():
            row[metric] = mean
            row[f"{metric}_low"] = low
            row[f"{metric}_high"] = high
        rows.append(row)
    return pd.DataFrame(rows)
