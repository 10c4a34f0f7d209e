"""``supportsim generate`` throughput and memory, run in a fresh process.

``python -m bench.generate --tickets 250000 --shape native --format csv``
sizes ``scenarios/baseline.yaml`` to about that many tickets (as ``--tickets``
does), simulates, shapes and writes the run folder into a temporary
directory, and prints one JSON line: tickets, seconds (simulation included),
tickets per second and the process's peak RSS (a fresh process, so the peak is
this run's own).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from simulator.generate import GenerateRequest, run_generate, sizing_overrides
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def measure(tickets: int, shape: str, fmt: str) -> dict[str, float | str]:
    scenario = ROOT / "scenarios/baseline.yaml"
    config = load_scenario(scenario, sizing_overrides(load_scenario(scenario), tickets))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        outcome = run_generate(config, 1, Path(folder) / "run", GenerateRequest(shape, (fmt,)))
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(folder) / "run").iterdir())
    made = outcome.rows.get("tickets", outcome.rows.get("ticket", 0))  # zendesk_warehouse: ticket
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"shape": shape, "format": fmt, "days": config.calendar.days, "tickets": made,
            "seconds": seconds, "tickets_per_second": made / seconds,
            "peak_rss_mib": peak / 2**20, "output_mib": size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("--tickets", type=int, default=250_000)
    parser.add_argument("--shape", default="native")
    parser.add_argument("--format", default="csv")
    args = parser.parse_args()
    print(json.dumps(measure(args.tickets, args.shape, args.format)))


if __name__ == "__main__":
    main()
