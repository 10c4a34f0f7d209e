"""Planner timings: requirements for a week, and `plan` end to end on the baseline.

``python -m bench --plan`` prints the seconds to build the baseline's week of
requirements (15-minute intervals, five channels, five skill groups): cold,
with the Erlang cache empty, and warm, the best of five runs. Then the wall
time of ``make_plan`` for the baseline with 10 replications on the machine's
cores, with the baseline's weekly volume beside it.
"""

from __future__ import annotations

import time
from pathlib import Path

from planner.plan import PlanOptions, make_plan
from planner.requirements import build_requirements, clear_erlang_cache
from planner.runner import default_workers
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def requirements_seconds(repeat: int = 5) -> tuple[float, float]:
    """(first run with a cold Erlang cache, best warm run) in seconds."""
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ())
    clear_erlang_cache()
    start = time.perf_counter()
    build_requirements(config)
    cold = time.perf_counter() - start
    warm = min(_timed(lambda: build_requirements(config)) for _ in range(repeat))
    return cold, warm


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def plan_seconds(replications: int = 10) -> dict[str, float]:
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ())
    workers = default_workers()
    start = time.perf_counter()
    plan = make_plan(config, PlanOptions(seed=1, replications=replications, workers=workers))
    seconds = time.perf_counter() - start
    tickets = sum(r.values["overall.tickets"] for r in plan.replication_results) / replications
    return {"seconds": seconds, "workers": workers, "replications": replications,
            "iterations": len(plan.iterations), "weekly_tickets": tickets,
            "headcount": sum(plan.headcount.values()), "targets_hold": plan.targets_hold}
