"""planner.verify: a replication's values are the KPIs as simulator.kpis defines them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from planner import requirements as req
from planner.verify import plan_targets, simulate_plan
from simulator.config import CHANNELS, SYNCHRONOUS_CHANNELS
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.kpis import compute_kpis, contact_kpis, ticket_kpis
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def _reference(config, groups, seed):
    """Week values and daily values from the full datasets and ``compute_kpis``."""
    result = simulate(config, seed, replication=0)
    datasets = build_datasets(config, result)
    kpis = compute_kpis(config, datasets, result.roster)
    values = {}
    for channel, row in kpis["channels"].items():
        for key in ("service_level", "abandonment_rate", "asa_seconds", "occupancy"):
            if key in row:
                values[f"{channel}.{key}"] = row[key]
        values[f"{channel}.first_response_compliance"] = row["sla_first_response_compliance"]
    for key in ("sla_first_response_compliance", "sla_resolution_compliance", "tickets",
                "occupancy", "utilisation", "csat_satisfied_rate", "open_at_horizon",
                "frt_median_minutes", "ttr_median_hours"):
        values[f"overall.{key}"] = kpis["overall"][key]
    for tier, row in kpis["tiers"].items():
        values[f"{tier}.occupancy"] = row["occupancy"]
    calendar, contacts, tickets = result.calendar, datasets.contacts, datasets.tickets
    contact_day = np.searchsorted(calendar.day_start, contacts["arrival_time"].to_numpy(),
                                  side="right") - 1 - calendar.warmup_days
    ticket_day = np.searchsorted(calendar.day_start, tickets["created"].to_numpy(),
                                 side="right") - 1 - calendar.warmup_days
    daily = {}
    for target in plan_targets(config, groups):
        scope, kpi = target.metric.split(".", 1)
        row = []
        for day in range(calendar.days):
            if scope in SYNCHRONOUS_CHANNELS:
                subset = contacts[(contact_day == day)
                                  & (contacts["channel"] == CHANNELS.index(scope))]
                row.append(contact_kpis(config, subset, True,
                                        config.channels[scope].answer_within_seconds)[kpi])
            else:
                group = next(g for g in groups if g.name == scope)
                subset = tickets[ticket_day == day]
                if group.tier == "L1":
                    subset = subset[subset["channel"].isin(
                        [c for c in group.channels if c not in SYNCHRONOUS_CHANNELS])]
                else:
                    subset = subset[(subset["highest_tier"] == group.tier)
                                    & subset["channel"].isin(group.channels)]
                row.append(ticket_kpis(subset)[f"sla_{kpi}"])
        daily[target.metric] = row
    return values, daily


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_replication_values_match_the_full_kpis():
    config = load_scenario(ROOT / "scenarios/baseline.yaml",
                           ("calendar.days=3", "calendar.warmup_days=1"))
    groups = req.skill_groups(config)
    values, daily = _reference(config, groups, seed=3)
    replication = simulate_plan(config.model_dump_json(),
                                [g.model_dump(mode="json") for g in groups], 3, 0)
    for metric, value in values.items():
        assert _same(replication.values[metric], value), metric
    assert daily.keys() == replication.daily.keys()
    for metric, row in daily.items():
        assert len(row) == 3
        assert all(_same(a, b) for a, b in zip(replication.daily[metric], row, strict=True)), metric
