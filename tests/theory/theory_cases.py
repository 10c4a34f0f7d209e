"""M/M/c and M/M/c+M cases run through the ordinary engine, and their measurement.

Each case is ``scenarios/theory/mmc.yaml`` with ``--set``-style overrides (the
same loader, engine and event log as any scenario). A replication simulates
from empty, drops the contacts that arrive in the first ``WARMUP_SECONDS`` (the
queue is not yet in steady state) and in the last ``TAIL_SECONDS`` (they may
still be waiting at the horizon), and returns one value per metric.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
WARMUP_SECONDS = 6 * 3600.0
TAIL_SECONDS = 2 * 3600.0
THRESHOLD_SECONDS = 20.0
METRICS = ("probability_wait", "sl_offered", "sl_answered", "sl_abandon_met",
           "sl_exclude_short", "mean_wait", "probability_abandon")


@dataclass(frozen=True)
class TheoryCase:
    name: str
    agents: int
    load: float  # offered load per server: arrival rate x AHT / servers
    days: int
    replications: int
    patience_seconds: float | None = None
    chat_concurrency: int = 0  # > 0: a chat channel, agents hold k chats at once
    aht_seconds: float = 180.0

    @property
    def servers(self) -> int:
        return self.agents * max(1, self.chat_concurrency)

    @property
    def arrival_rate(self) -> float:
        return self.load * self.servers / self.aht_seconds

    def overrides(self) -> tuple[str, ...]:
        per_day = self.arrival_rate * 86400.0
        work = f"{{work: {{mean_seconds: {self.aht_seconds}, distribution: exponential}}}}"
        sets = [f"agents.0.count={self.agents}", f"calendar.days={self.days}",
                "calendar.warmup_days=0"]
        if self.chat_concurrency:
            k = self.chat_concurrency
            sets += [(f"channels={{chat: {{volume_per_day: {per_day}, concurrency: {k}, "
                     f"slowdown: {[1.0] * k}, handle: {work}, answer_within_seconds: 20}}}}"),
                     "agents.0.skills=[chat]"]
        else:
            sets += [f"channels.phone.volume_per_day={per_day}",
                     f"channels.phone.handle={work}"]
            if self.patience_seconds is not None:
                sets.append(f"channels.phone.patience={{mean_seconds: {self.patience_seconds}, "
                            "distribution: exponential}")
        return tuple(sets)


def run_replication(case: TheoryCase, replication: int, seed: int = 20261125) -> np.ndarray:
    from simulator.config import CHANNELS
    from simulator.engine import simulate
    from simulator.loading import load_scenario
    from simulator.queue_stats import live_outcomes

    config = load_scenario(ROOT / "scenarios/theory/mmc.yaml", case.overrides())
    result = simulate(config, seed, replication=replication)
    channel = CHANNELS.index("chat" if case.chat_concurrency else "phone")
    horizon = case.days * 86400.0
    outcome = live_outcomes(result.events, channel, WARMUP_SECONDS, horizon - TAIL_SECONDS)
    t = THRESHOLD_SECONDS
    return np.array([
        outcome.probability_wait,
        outcome.service_level(t, "offered"),
        outcome.service_level(t, "answered"),
        outcome.service_level(t, "abandon_met"),
        outcome.service_level(t, "exclude_short", 5.0),
        outcome.mean_wait_all,
        outcome.probability_abandon,
    ])


def _one(task: tuple[TheoryCase, int]) -> np.ndarray:
    return run_replication(*task)


def run_cases(cases: list[TheoryCase]) -> dict[str, np.ndarray]:
    """All replications of all cases, on up to two worker processes (spawn)."""
    tasks = [(case, r) for case in cases for r in range(case.replications)]
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    workers = max(1, min(2, os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        values = list(pool.map(_one, tasks, chunksize=1))
    results: dict[str, list[np.ndarray]] = {}
    for (case, _), value in zip(tasks, values, strict=True):
        results.setdefault(case.name, []).append(value)
    return {name: np.vstack(rows) for name, rows in results.items()}
