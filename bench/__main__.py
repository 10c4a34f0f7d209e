"""``make bench``: supportsim's engine against peers, in one process.

Section 1, the queue: M/M/c+M with c = 20, load 0.9, AHT 180 s, mean patience
180 s, about 200,000 customers, through supportsim's engine (the scenario
``scenarios/theory/mmc_abandon.yaml``: the same engine, agent processes,
routing and event log as every scenario), a minimal SimPy model and Ciw.
Each is run ``--repeat`` times, alternating, and the best rate is kept, since
a shared machine only ever makes a run slower. Ratios are what to compare
between machines.

Section 2, the baseline: ``scenarios/baseline.yaml`` for a year, tickets per
second for the simulation alone and end to end (with the datasets and KPIs),
event-log bytes per ticket and peak memory per ticket above the memory after
imports, each in a fresh process (bench/baseline.py); ``--million`` also runs it
scaled to about a million tickets.

``--schedule`` runs only the shift-schedule MILP instead: a realistic week
(bench/schedule.py) solved with HiGHS to a 1% gap, its seconds, size, status
and gap.
Section 3 (``--generate``): ``supportsim generate`` for about ``--tickets``
tickets (default 250,000) of the baseline in each shape and format, tickets
per second (simulation included) and peak RSS, each in a fresh process
(bench/generate.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.peers import run_ciw, run_minimal_simpy
from bench.schedule import run as run_schedule
from simulator.engine import simulate
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parent.parent
AGENTS, RATE, AHT, PATIENCE = 20, 0.1, 180.0, 180.0


def _queue_case(customers: int):
    days = max(1, round(customers / RATE / 86400))
    return load_scenario(ROOT / "scenarios/theory/mmc_abandon.yaml",
                         (f"calendar.days={days}", "calendar.warmup_days=0"))


def _timed(run) -> tuple[float, int]:
    start = time.perf_counter()
    customers = run()
    return time.perf_counter() - start, customers


def queue_section(customers: int, repeat: int, with_ciw: bool) -> dict[str, float]:
    config = _queue_case(customers)
    runners = {
        "supportsim": lambda: simulate(config, seed=1).attributes.num_rows,
        "minimal SimPy": lambda: run_minimal_simpy(customers, AGENTS, RATE, AHT, PATIENCE)["customers"],
    }
    if with_ciw:
        runners["ciw"] = lambda: run_ciw(customers, AGENTS, RATE, AHT, PATIENCE)["customers"]
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name, run in runners.items():
            seconds, count = _timed(run)
            best[name] = max(best.get(name, 0.0), count / seconds)
    return best


def baseline_section(days: int, scale: float) -> dict[str, float]:
    """The baseline in a fresh process, so its peak memory is its own."""
    command = [sys.executable, "-m", "bench.baseline", "--days", str(days), "--scale", str(scale)]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def schedule_section(time_limit: float) -> None:
    figures = run_schedule(time_limit_seconds=time_limit)
    print("weekly schedule MILP, 15-min intervals, 5 skill groups, 22 templates, 1% gap "
          f"(target <= 10 s; time limit {time_limit:g} s)")
    for name, value in figures.items():
        shown = f"{value:>14,.3f}" if isinstance(value, float) else f"{value:>14}"
        print(f"  {name:<32} {shown}")
SHAPES = ("native", "zendesk", "simple")
GENERATE_FORMATS = ("csv", "parquet", "jsonl", "xlsx", "duckdb")


def generate_section(tickets: int, shapes: tuple[str, ...],
                     formats: tuple[str, ...]) -> list[dict[str, float | str]]:
    """One fresh process per shape and format, so each peak RSS is its own."""
    rows = []
    for shape in shapes:
        for fmt in formats:
            command = [sys.executable, "-m", "bench.generate", "--tickets", str(tickets),
                       "--shape", shape, "--format", fmt]
            output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                    check=True).stdout
            row = json.loads(output.strip().splitlines()[-1])
            print(f"  {shape:<8} {fmt:<8} {row['tickets']:>10,.0f} tickets {row['seconds']:>8.1f} s "
                  f"{row['tickets_per_second']:>9,.0f} tickets/s  peak {row['peak_rss_mib']:>7,.0f} MiB",
                  flush=True)
            rows.append(row)
    return rows


def plan_section() -> None:
    from bench.plan import plan_seconds, requirements_seconds

    cold, warm = requirements_seconds()
    print("requirements for the baseline week (15-min intervals, 5 channels, 5 skill groups; "
          "target <= 10 ms)")
    print(f"  cold (Erlang cache empty) {cold * 1000:>10,.1f} ms")
    print(f"  warm (best of 5)          {warm * 1000:>10,.1f} ms")
    figures = plan_seconds()
    print("supportsim plan scenarios/baseline.yaml, one week, 10 replications (target <= 60 s)")
    for name, value in figures.items():
        print(f"  {name:<24} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-ciw", action="store_true", help="skip Ciw (slow)")
    parser.add_argument("--baseline-days", type=int, default=365)
    parser.add_argument("--million", action="store_true",
                        help="also run the baseline scaled to about 1,000,000 tickets a year")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--schedule", action="store_true",
                        help="only time the weekly shift schedule MILP (target <= 10 s)")
    parser.add_argument("--schedule-time-limit", type=float, default=60.0,
                        help="the schedule solve's time limit, seconds (a safety net)")
    parser.add_argument("--generate", action="store_true",
                        help="only time supportsim generate in each shape and format")
    parser.add_argument("--tickets", type=int, default=250_000,
                        help="tickets per generate run (with --generate)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="with --generate")
    parser.add_argument("--formats", default=",".join(GENERATE_FORMATS), help="with --generate")
    parser.add_argument("--plan", action="store_true",
                        help="only time the planner: a week of requirements, and plan on the baseline")
    args = parser.parse_args()
    if args.schedule:
        schedule_section(args.schedule_time_limit)
        return
    if args.plan:
        plan_section()
        return
    if args.generate:
        print(f"supportsim generate, baseline.yaml sized to about {args.tickets:,} tickets "
              "(simulation included; fresh process each)")
        generate_section(args.tickets, tuple(args.shapes.split(",")), tuple(args.formats.split(",")))
        return
    rates = queue_section(args.customers, args.repeat, not args.no_ciw)
    print(f"M/M/c+M c={AGENTS} load 0.9, {args.customers:,} customers (best of {args.repeat})")
    for name, rate in rates.items():
        print(f"  {name:<14} {rate:>10,.0f} customers/s")
    peer = rates["minimal SimPy"]
    print(f"  supportsim / minimal SimPy = {rates['supportsim'] / peer:.2f}  (target >= 1.5)")
    if "ciw" in rates:
        print(f"  supportsim / ciw           = {rates['supportsim'] / rates['ciw']:.2f}")
    if args.skip_baseline:
        return
    scales = [1.0] + ([8.7] if args.million else [])
    for scale in scales:
        figures = baseline_section(args.baseline_days, scale)
        print(f"baseline.yaml, {args.baseline_days} days, volume and headcount x{scale:g}")
        for name, value in figures.items():
            print(f"  {name:<32} {value:>14,.1f}")


if __name__ == "__main__":
    main()
