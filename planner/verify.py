"""Verify a plan by simulating it: KPIs with confidence intervals against targets.

Each replication simulates the planned week (after a warm-up week that runs
the same weekly roster) and measures, per channel and skill group, the KPIs a
plan is judged on. Targets are judged on the week's volume-weighted values; a
target holds when its confidence bound on the unsafe side meets it (the lower
bound for service level and compliance, the upper bound for abandonment).
Per-interval service level is kept as a distribution (for raising the
requirement where the shortfall is), never chased one interval at a time.

Metric names are ``<scope>.<kpi>``: ``phone.service_level``,
``L1_async.first_response_compliance``, ``L2.resolution_compliance``,
``overall.csat_satisfied_rate``. Values come from ``simulator.kpis`` (one
definition per KPI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from simulator.config import CHANNELS, SYNCHRONOUS_CHANNELS, ScenarioConfig, SkillGroup
from simulator.datasets import (
    build_agent_states,
    build_contacts,
    build_intervals,
    build_tickets,
    event_frame,
)
from simulator.engine import EngineResult, simulate
from simulator.kpis import (
    channel_occupancy,
    contact_kpis,
    contact_measures,
    staffing_kpis,
    ticket_kpis,
    ticket_measures,
)


@dataclass(frozen=True)
class Target:
    metric: str
    scope: str            # a channel or a skill group
    value: float
    higher_is_better: bool


@dataclass(frozen=True)
class ReplicationResult:
    replication: int
    values: dict[str, float]            # metric -> week value
    daily: dict[str, list[float]]       # metric -> value per reported day
    interval_service_level: dict[str, list[float]]  # channel -> per calendar interval (NaN if none)
    interval_offered: dict[str, list[int]]


@dataclass(frozen=True)
class Estimate:
    metric: str
    mean: float
    low: float
    high: float
    target: float | None
    higher_is_better: bool | None
    holds: bool | None
    share_of_days_met: float | None

    def as_dict(self) -> dict:
        return {"metric": self.metric, "mean": self.mean, "low": self.low, "high": self.high,
                "target": self.target, "holds": self.holds,
                "share_of_days_met": self.share_of_days_met}


def plan_targets(config: ScenarioConfig, groups: tuple[SkillGroup, ...]) -> tuple[Target, ...]:
    """What a plan is judged on: live service level and abandonment per channel,
    first-response compliance for L1 async groups, resolution compliance for L2/L3."""
    targets = []
    t = config.targets
    for channel in config.synchronous_channels:
        if channel in t.service_level:
            targets.append(Target(f"{channel}.service_level", channel, t.service_level[channel], True))
        targets.append(Target(f"{channel}.abandonment_rate", channel, t.max_abandonment, False))
    for group in groups:
        if group.tier == "L1" and any(c not in SYNCHRONOUS_CHANNELS for c in group.channels):
            targets.append(Target(f"{group.name}.first_response_compliance", group.name,
                                  t.first_response_compliance, True))
        elif group.tier != "L1":
            targets.append(Target(f"{group.name}.resolution_compliance", group.name,
                                  t.resolution_compliance, True))
    return tuple(targets)


def _group_tickets(tickets: pd.DataFrame, group: SkillGroup) -> pd.DataFrame:
    if group.tier == "L1":
        channels = [c for c in group.channels if c not in SYNCHRONOUS_CHANNELS]
        return tickets[tickets["channel"].isin(channels)]
    return tickets[(tickets["highest_tier"] == group.tier) & tickets["channel"].isin(group.channels)]


@dataclass(frozen=True)
class _Tables:
    """The tables verification reads, as ``simulator.datasets.build_datasets`` builds them.

    Only these four: the scorecards, QA reviews and audit table that
    ``build_datasets`` also builds cost a replication more than the
    simulation itself and judge no target.
    """

    contacts: pd.DataFrame
    tickets: pd.DataFrame
    agent_states: pd.DataFrame
    intervals: pd.DataFrame
    horizon_seconds: float


def _tables(config: ScenarioConfig, result: EngineResult) -> _Tables:
    events = event_frame(result.events)  # shares the log's buffers, as build_datasets does
    contacts = build_contacts(config, events, result.attributes)
    tickets = build_tickets(config, result, events, contacts)
    horizon = result.calendar.sim_end
    states = build_agent_states(events, result.roster, horizon)
    intervals = build_intervals(config, result, events, contacts, states)
    return _Tables(contacts, tickets, states, intervals, horizon)


def _week_values(config, groups, tables: _Tables) -> dict[str, float]:
    """The week's KPIs, each as ``simulator.kpis.compute_kpis`` defines it."""
    contacts, tickets = tables.contacts, tables.tickets
    values: dict[str, float] = {}
    per_channel = ticket_measures(tickets, tickets["channel"].to_numpy(), tables.horizon_seconds)
    for index, channel in enumerate(CHANNELS):
        if channel not in config.channels:
            continue
        compliance = float(per_channel["sla_first_response_compliance"].get(channel, math.nan))
        if channel in config.synchronous_channels:
            live = contact_kpis(config, contacts[contacts["channel"] == index], True,
                                config.channels[channel].answer_within_seconds)
            for key in ("service_level", "abandonment_rate", "asa_seconds"):
                values[f"{channel}.{key}"] = live[key]
        else:
            values[f"{channel}.service_level"] = compliance
        values[f"{channel}.occupancy"] = channel_occupancy(tables.intervals, channel)
        values[f"{channel}.first_response_compliance"] = compliance
    for group in groups:
        own = ticket_kpis(_group_tickets(tickets, group))
        values[f"{group.name}.first_response_compliance"] = own["sla_first_response_compliance"]
        values[f"{group.name}.resolution_compliance"] = own["sla_resolution_compliance"]
    overall = ticket_kpis(tickets, tables.horizon_seconds)
    overall.update(staffing_kpis(tables.agent_states, config))
    for key in ("sla_first_response_compliance", "sla_resolution_compliance", "csat_satisfied_rate",
                "frt_median_minutes", "ttr_median_hours", "occupancy", "utilisation", "tickets",
                "open_at_horizon"):
        values[f"overall.{key}"] = overall[key]
    states = tables.agent_states
    for tier in config.tiers:
        values[f"{tier}.occupancy"] = staffing_kpis(states[states["tier"] == tier], config)["occupancy"]
    return values


def _daily(config, groups, tables: _Tables, calendar, targets) -> dict[str, list[float]]:
    """Each target's value per reported day (NaN where the day has nothing to measure)."""
    contacts, tickets = tables.contacts, tables.tickets
    contact_day = np.searchsorted(calendar.day_start, contacts["arrival_time"].to_numpy(),
                                  side="right") - 1 - calendar.warmup_days
    ticket_day = np.searchsorted(calendar.day_start, tickets["created"].to_numpy(),
                                 side="right") - 1 - calendar.warmup_days
    days = pd.RangeIndex(calendar.days)
    contacts = contacts[(contact_day >= 0) & (contact_day < calendar.days)]
    contact_day = contact_day[(contact_day >= 0) & (contact_day < calendar.days)]
    reported = (ticket_day >= 0) & (ticket_day < calendar.days)
    tickets = tickets[reported].assign(day=ticket_day[reported])
    by_name = {g.name: g for g in groups}
    daily: dict[str, list[float]] = {}
    for target in targets:
        scope, kpi = target.metric.split(".", 1)
        if scope in SYNCHRONOUS_CHANNELS:
            mine = (contacts["channel"] == CHANNELS.index(scope)).to_numpy()
            column = contact_measures(config, contacts[mine], contact_day[mine])[kpi]
        else:
            own = _group_tickets(tickets, by_name[scope])
            column = ticket_measures(own, own["day"].to_numpy())[f"sla_{kpi}"]
        daily[target.metric] = [float(v) for v in column.reindex(days)]
    return daily


def _per_interval(config, datasets) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    levels, offered = {}, {}
    for channel in config.synchronous_channels:
        rows = datasets.intervals[datasets.intervals["channel"] == channel]
        levels[channel] = rows["service_level"].astype(float).tolist()
        offered[channel] = rows["offered"].astype(int).tolist()
    return levels, offered


def simulate_plan(config_json: str, groups_json: list[dict], seed: int,
                  replication: int) -> ReplicationResult:
    """One replication of a planned scenario (a top-level function, so processes can run it)."""
    config = ScenarioConfig.model_validate_json(config_json)
    groups = tuple(SkillGroup.model_validate(g) for g in groups_json)
    result = simulate(config, seed, replication=replication)
    tables = _tables(config, result)
    targets = plan_targets(config, groups)
    levels, offered = _per_interval(config, tables)
    return ReplicationResult(
        replication=replication, values=_week_values(config, groups, tables),
        daily=_daily(config, groups, tables, result.calendar, targets),
        interval_service_level=levels, interval_offered=offered)


def confidence_interval(samples: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and Student-t interval over replications (NaNs, e.g. nothing offered, left out)."""
    values = samples[np.isfinite(samples)]
    if values.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if values.size < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + confidence / 2, values.size - 1)
                 * values.std(ddof=1) / math.sqrt(values.size))
    return mean, mean - half, mean + half


def estimates(results: list[ReplicationResult], targets: tuple[Target, ...],
              confidence: float) -> tuple[Estimate, ...]:
    """Every metric with its interval; targeted ones judged on their unsafe bound."""
    by_metric = {t.metric: t for t in targets}
    out = []
    for metric in sorted(results[0].values):
        samples = np.array([r.values.get(metric, math.nan) for r in results], dtype=float)
        mean, low, high = confidence_interval(samples, confidence)
        target = by_metric.get(metric)
        if target is None:
            out.append(Estimate(metric, mean, low, high, None, None, None, None))
            continue
        bound = low if target.higher_is_better else high
        holds = math.isnan(bound) or (bound >= target.value if target.higher_is_better
                                      else bound <= target.value)
        days = np.array([d for r in results for d in r.daily.get(metric, [])], dtype=float)
        days = days[np.isfinite(days)]
        met = days >= target.value if target.higher_is_better else days <= target.value
        share = float(met.mean()) if days.size else None
        out.append(Estimate(metric, mean, low, high, target.value, target.higher_is_better,
                            bool(holds), share))
    return tuple(out)


def mean_interval_service_level(results: list[ReplicationResult], channel: str) -> np.ndarray:
    """Pooled service level per calendar interval over replications (NaN where none offered)."""
    levels = np.array([r.interval_service_level[channel] for r in results], dtype=float)
    offered = np.array([r.interval_offered[channel] for r in results], dtype=float)
    met = np.nansum(levels * offered, axis=0)
    total = offered.sum(axis=0)
    return np.divide(met, total, out=np.full(total.shape, np.nan), where=total > 0)
