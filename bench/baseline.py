"""Baseline scenario throughput and memory, run in a fresh process.

``python -m bench.baseline --days 365 [--scale 8.7]`` simulates
``scenarios/baseline.yaml`` (volumes and headcount multiplied by ``--scale``),
builds the datasets and KPIs (the engine result handed over as ``supportsim simulate``
hands it, so its tables are dropped once read), and prints one JSON line: tickets, seconds for
the simulation and end to end, event-log bytes per ticket, and peak RSS above
the RSS after imports (a fresh process, so the peak is this run's own).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import yaml

from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.kpis import compute_kpis
from simulator.loading import load_scenario
from simulator.memory import Handover, without_tables

ROOT = Path(__file__).resolve().parent.parent


def scaled_overrides(days: int, scale: float) -> tuple[str, ...]:
    raw = yaml.safe_load((ROOT / "scenarios/baseline.yaml").read_text())
    sets = [f"calendar.days={days}"]
    if scale != 1.0:
        for name, channel in raw["channels"].items():
            sets.append(f"channels.{name}.volume_per_day={channel['volume_per_day'] * scale}")
        for index, group in enumerate(raw["agents"]):
            sets.append(f"agents.{index}.count={round(group['count'] * scale)}")
        sets.append(f"customers.pool_size={round(raw['customers']['pool_size'] * scale)}")
    return tuple(sets)


def measure(days: int, scale: float) -> dict[str, float]:
    config = load_scenario(ROOT / "scenarios/baseline.yaml", scaled_overrides(days, scale))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    engine = Handover(simulate(config, seed=1))  # as the simulate pipeline hands it on
    simulated = time.perf_counter()
    contacts, log_bytes = engine.peek().attributes.num_rows, engine.peek().events.nbytes
    result = without_tables(engine.peek())
    datasets = build_datasets(config, engine)
    compute_kpis(config, datasets, result.roster)
    finished = time.perf_counter()
    tickets = len(datasets.tickets)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"days": days, "scale": scale, "tickets": tickets, "contacts": contacts,
            "simulation_seconds": simulated - start, "end_to_end_seconds": finished - start,
            "simulation_tickets_per_second": tickets / (simulated - start),
            "end_to_end_tickets_per_second": tickets / (finished - start),
            "event_log_bytes_per_ticket": log_bytes / tickets,
            "peak_bytes_per_ticket": peak_kib * 1024 / tickets}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.days, args.scale)))


if __name__ == "__main__":
    main()
