"""``make bench``: supportsim's engine against peers, in one process.

Section 1, the queue: M/M/c+M with c = 20, load 0.9, AHT 180 s, mean patience
180 s, about 200,000 customers, through supportsim's engine (the scenario
``scenarios/theory/mmc_abandon.yaml``: the same engine, agent processes,
routing and event log as every scenario), a minimal SimPy model and Ciw.
Each is run ``--repeat`` times, alternating, and the best rate is kept, since
a shared machine only ever makes a run slower. Ratios are what to compare
between machines.

Section 2, the baseline: ``scenarios/baseline.yaml`` for a year, tickets per
second for the simulation alone and end to end (with the tables), and the
peak memory above the memory after imports.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from bench.peers import run_ciw, run_minimal_simpy
from simulator.config import load_scenario
from simulator.engine import simulate

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


def baseline_section(days: int) -> dict[str, float]:
    from simulator.datasets import build_datasets

    config = load_scenario(ROOT / "scenarios/baseline.yaml", (f"calendar.days={days}",))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = simulate(config, seed=1)
    simulated = time.perf_counter()
    tables = build_datasets(config, result)
    finished = time.perf_counter()
    tickets = len(tables.tickets)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {"tickets": tickets, "simulation tickets/s": tickets / (simulated - start),
            "end-to-end tickets/s": tickets / (finished - start),
            "event log bytes/ticket": result.events.nbytes / max(tickets, 1),
            "peak MiB above imports": peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-ciw", action="store_true", help="skip Ciw (slow)")
    parser.add_argument("--baseline-days", type=int, default=365)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    rates = queue_section(args.customers, args.repeat, not args.no_ciw)
    print(f"M/M/c+M c={AGENTS} load 0.9, {args.customers:,} customers (best of {args.repeat})")
    for name, rate in rates.items():
        print(f"  {name:<14} {rate:>10,.0f} customers/s")
    peer = rates["minimal SimPy"]
    print(f"  supportsim / minimal SimPy = {rates['supportsim'] / peer:.2f}  (target >= 1.5)")
    if "ciw" in rates:
        print(f"  supportsim / ciw           = {rates['supportsim'] / rates['ciw']:.2f}")
    if not args.skip_baseline:
        figures = baseline_section(args.baseline_days)
        print(f"baseline.yaml, {args.baseline_days} days")
        for name, value in figures.items():
            print(f"  {name:<24} {value:>12,.1f}")


if __name__ == "__main__":
    main()
