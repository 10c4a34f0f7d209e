"""Scenarios side by side: what an outage, a surge or a release does to the KPIs and the cost.

Each scenario is simulated with the same R replications (the same seeds, so
common random numbers: a what-if scenario built on the baseline keeps every
baseline customer and adds its own). Each KPI gets a mean and a Student-t
interval per scenario, and its difference from the first scenario gets a
*paired* interval (one difference per replication, Law, Simulation Modeling
and Analysis, 5th ed., sec. 10.2.1), much tighter than two separate intervals
because the shared randomness cancels. The story of each scenario is its
hourly contacts and open backlog, averaged over the replications.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.runner import run_replications
from planner.verify import confidence_interval
from simulator.config import SYNCHRONOUS_CHANNELS, ScenarioConfig
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.kpis import compute_kpis

LIVE_METRICS = ("service_level", "abandonment_rate", "asa_seconds")
OVERALL_METRICS = ("contacts", "tickets", "sla_first_response_compliance",
                   "sla_resolution_compliance", "sla_severe_breaches", "frt_median_minutes",
                   "ttr_median_hours", "csat_satisfied_rate", "fcr_rate", "occupancy",
                   "open_at_horizon", "overtime_hours", "agent_cost", "cost_per_ticket")


@dataclass(frozen=True)
class ComparisonRun:
    """One replication of one scenario: its KPIs and its hourly story."""

    values: dict[str, float]
    hour_start: list[str]          # local ISO timestamps
    contacts: list[float]          # contacts offered per hour, all channels
    backlog: list[float]           # open tickets at the hour's end, all channels


@dataclass(frozen=True)
class ScenarioOutcome:
    name: str
    runs: tuple[ComparisonRun, ...]

    def samples(self, metric: str) -> np.ndarray:
        return np.array([r.values.get(metric, math.nan) for r in self.runs], dtype=float)


def compare_replication(config_json: str, seed: int, replication: int) -> ComparisonRun:
    """Simulate one replication and keep what the comparison reads (top level, for processes)."""
    config = ScenarioConfig.model_validate_json(config_json)
    result = simulate(config, seed, replication=replication)
    datasets = build_datasets(config, result)
    kpis = compute_kpis(config, datasets, result.roster)
    values: dict[str, float] = {}
    for channel, row in kpis["channels"].items():
        if channel in SYNCHRONOUS_CHANNELS:
            for key in LIVE_METRICS:
                values[f"{channel}.{key}"] = _number(row.get(key))
    for key in OVERALL_METRICS:
        values[f"overall.{key}"] = _number(kpis["overall"].get(key))
    hours, contacts, backlog = _hourly_story(datasets.intervals, result.calendar, config)
    return ComparisonRun(values, hours, contacts, backlog)


def _number(value) -> float:
    return math.nan if value is None else float(value)


def _hourly_story(intervals: pd.DataFrame, calendar, config: ScenarioConfig
                  ) -> tuple[list[str], list[float], list[float]]:
    """Contacts per local clock hour and open tickets at its end (sim seconds -> local time)."""
    frame = intervals[["interval_start", "offered", "open_tickets_at_end"]].copy()
    origin = pd.Timestamp(calendar.to_datetime(0.0)).tz_convert("UTC")
    local = (origin + pd.to_timedelta(frame["interval_start"].to_numpy(dtype=float), unit="s")
             ).tz_convert(config.calendar.timezone)
    frame["interval_start"] = local
    frame["hour"] = local.floor("h", ambiguous="infer", nonexistent="shift_forward")
    per_interval = frame.groupby("interval_start", sort=True).agg(
        hour=("hour", "first"), offered=("offered", "sum"), backlog=("open_tickets_at_end", "sum"))
    hourly = per_interval.groupby("hour", sort=True).agg(offered=("offered", "sum"),
                                                          backlog=("backlog", "last"))
    hours = [stamp.isoformat() for stamp in hourly.index]
    return hours, hourly["offered"].astype(float).tolist(), hourly["backlog"].astype(float).tolist()


def run_comparison(configs: list[ScenarioConfig], seed: int, replications: int, workers: int,
                   progress: Callable[[int, int], None] | None = None,
                   dask: str | None = None) -> list[ScenarioOutcome]:
    """Every scenario with the same seeds and replication numbers, in scenario order."""
    arguments = [(config.model_dump_json(), seed, r)
                 for config in configs for r in range(replications)]
    runs = run_replications(compare_replication, arguments, workers, progress, dask)
    return [ScenarioOutcome(config.name, tuple(runs[i * replications:(i + 1) * replications]))
            for i, config in enumerate(configs)]


def comparison_frame(outcomes: list[ScenarioOutcome], confidence: float) -> pd.DataFrame:
    """One row per (scenario, metric): mean and interval, and the paired difference
    from the first scenario with its interval."""
    first = outcomes[0]
    metrics = sorted({m for o in outcomes for r in o.runs for m in r.values})
    rows = []
    for outcome in outcomes:
        for metric in metrics:
            samples = outcome.samples(metric)
            mean, low, high = confidence_interval(samples, confidence)
            diff, diff_low, diff_high = confidence_interval(samples - first.samples(metric),
                                                            confidence)
            rows.append({"scenario": outcome.name, "metric": metric, "mean": mean, "low": low,
                         "high": high, "difference": diff, "difference_low": diff_low,
                         "difference_high": diff_high})
    return pd.DataFrame(rows)


def story_frame(outcomes: list[ScenarioOutcome]) -> pd.DataFrame:
    """Hourly contacts and backlog per scenario, the mean over replications."""
    frames = []
    for outcome in outcomes:
        run = outcome.runs[0]
        frames.append(pd.DataFrame({
            "scenario": outcome.name, "hour": run.hour_start,
            "contacts": np.mean([r.contacts for r in outcome.runs], axis=0),
            "open_backlog": np.mean([r.backlog for r in outcome.runs], axis=0)}))
    return pd.concat(frames, ignore_index=True)
