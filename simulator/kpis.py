"""Every KPI, defined once: formula, unit, target and warning threshold.

KPIs are computed from the datasets (never from SimPy objects), per channel
and overall. Rates are fractions (0.8 = 80%). Definitions:

- service level: see ``queue_stats.service_level``, on the scenario's
  ``service_level_basis``; phone and chat only; contacts by arrival.
- ASA: mean wait of answered live contacts, seconds.
- abandonment rate: abandoned / offered live contacts.
- FRT: first response time, calendar minutes (live: answer; async: first
  public reply); mean and median of tickets that got one.
- TTR: full resolution time (created -> last solve), calendar hours.
- FCR: solved with one touch, no escalation, no reopen and no repeat contact
  within ``fcr_window_days``; over solved tickets.
- CSAT: mean score (1-5) and share of 4-5 among survey responses.
- SLA compliance: 1 - breached / decided, where decided counts tickets whose
  clock stopped or already breached (open, unbreached tickets are left out).
- occupancy: busy / (available + busy) time; utilisation: busy / paid time.
- chat occupancy: share of chat agents' available time holding at least one
  chat; slot fill: chat-time / (concurrency x available time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.config import ScenarioConfig
from simulator.datasets import Datasets
from simulator.queue_stats import service_level


@dataclass(frozen=True)
class KpiDefinition:
    name: str
    unit: str
    higher_is_better: bool
    description: str


DEFINITIONS: dict[str, KpiDefinition] = {d.name: d for d in (
    KpiDefinition("contacts", "count", True, "contacts arrived in the reporting period"),
    KpiDefinition("tickets", "count", True, "contacts that became tickets"),
    KpiDefinition("deflection_rate", "fraction", True, "deflected by self-service / contacts"),
    KpiDefinition("service_level", "fraction", True, "answered within threshold (basis)"),
    KpiDefinition("asa_seconds", "seconds", False, "mean wait of answered live contacts"),
    KpiDefinition("abandonment_rate", "fraction", False, "abandoned / offered live contacts"),
    KpiDefinition("frt_mean_minutes", "minutes", False, "mean first response time"),
    KpiDefinition("frt_median_minutes", "minutes", False, "median first response time"),
    KpiDefinition("ttr_mean_hours", "hours", False, "mean full resolution time"),
    KpiDefinition("ttr_median_hours", "hours", False, "median full resolution time"),
    KpiDefinition("fcr_rate", "fraction", True, "first-contact resolution / solved"),
    KpiDefinition("csat_mean", "score 1-5", True, "mean survey score"),
    KpiDefinition("csat_satisfied_rate", "fraction", True, "scores 4-5 / responses"),
    KpiDefinition("csat_responses", "count", True, "survey responses"),
    KpiDefinition("sla_first_response_compliance", "fraction", True, "first responses in SLA"),
    KpiDefinition("sla_resolution_compliance", "fraction", True, "resolutions in SLA"),
    KpiDefinition("sla_severe_breaches", "count", False, "tickets at 200% of an SLA target"),
    KpiDefinition("escalation_rate", "fraction", False, "tickets escalated / tickets"),
    KpiDefinition("reopen_rate", "fraction", False, "tickets reopened / solved"),
    KpiDefinition("open_at_horizon", "count", False, "tickets not solved at the horizon"),
    KpiDefinition("occupancy", "fraction", True, "busy / (available + busy)"),
    KpiDefinition("utilisation", "fraction", True, "busy / paid time"),
    KpiDefinition("chat_occupancy", "fraction", True, "available time with >= 1 chat"),
    KpiDefinition("chat_slot_fill", "fraction", True, "chat time / (k x available time)"),
)}


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else math.nan


def _finite(values: pd.Series) -> pd.Series:
    return values[np.isfinite(values.to_numpy(dtype=float))]


def _mean(values: pd.Series) -> float:
    values = _finite(values)
    return float(values.mean()) if len(values) else math.nan


def _median(values: pd.Series) -> float:
    values = _finite(values)
    return float(values.median()) if len(values) else math.nan


def _compliance(breached: pd.Series, stopped: pd.Series, target: pd.Series) -> float:
    decided = (stopped | breached) & target.notna()
    return 1.0 - _ratio(int((breached & decided).sum()), int(decided.sum()))


def contact_kpis(config: ScenarioConfig, contacts: pd.DataFrame, live: bool,
                 threshold: float) -> dict[str, float]:
    offered = contacts[contacts["outcome"] != "deflected"]
    result = {"contacts": len(contacts),
              "deflection_rate": _ratio((contacts["outcome"] == "deflected").sum(), len(contacts))}
    if live:
        wait = offered["wait_seconds"].to_numpy()
        answered = offered["answered_at"].notna().to_numpy()
        abandoned = (offered["outcome"] == "abandoned").to_numpy()
        result["service_level"] = service_level(
            wait[answered], wait[abandoned], len(offered), threshold,
            config.service_level_basis, config.short_abandon_seconds)
        result["asa_seconds"] = float(wait[answered].mean()) if answered.any() else math.nan
        result["abandonment_rate"] = _ratio(abandoned.sum(), len(offered))
    return result


def ticket_kpis(tickets: pd.DataFrame) -> dict[str, float]:
    solved = tickets["solved_at"].notna()
    rated = tickets["csat_score"].dropna()
    return {
        "tickets": len(tickets),
        "frt_mean_minutes": _mean(tickets["frt_calendar_minutes"]),
        "frt_median_minutes": _median(tickets["frt_calendar_minutes"]),
        "ttr_mean_hours": _mean(tickets["resolution_calendar_minutes"] / 60.0),
        "ttr_median_hours": _median(tickets["resolution_calendar_minutes"] / 60.0),
        "fcr_rate": _ratio(tickets["fcr"].sum(), solved.sum()),
        "csat_mean": float(rated.mean()) if len(rated) else math.nan,
        "csat_satisfied_rate": _ratio((rated >= 4).sum(), len(rated)),
        "csat_responses": len(rated),
        "sla_first_response_compliance": _compliance(
            tickets["sla_first_response_breached"], tickets["first_response_at"].notna(),
            tickets["sla_first_response_target_minutes"]),
        "sla_resolution_compliance": _compliance(
            tickets["sla_resolution_breached"], solved, tickets["sla_resolution_target_minutes"]),
        "sla_severe_breaches": int(tickets["sla_severe_breach"].sum()),
        "escalation_rate": _ratio((tickets["escalations"] > 0).sum(), len(tickets)),
        "reopen_rate": _ratio((tickets["reopens"] > 0).sum(), solved.sum()),
        "open_at_horizon": int(tickets["open_at_horizon"].sum()),
    }


def _time_by_state(states: pd.DataFrame) -> tuple[float, float, float]:
    """Busy, available and paid (all states) seconds."""
    time = states.groupby("state")["duration_seconds"].sum()
    return float(time.get("busy", 0.0)), float(time.get("available", 0.0)), float(time.sum())


def staffing_kpis(states: pd.DataFrame) -> dict[str, float]:
    busy, available, paid = _time_by_state(states)
    return {"occupancy": _ratio(busy, busy + available), "utilisation": _ratio(busy, paid)}


def channel_occupancy(intervals: pd.DataFrame, channel: str) -> float:
    """Busy / staffed time of the L1 agents skilled in the channel, over the period."""
    rows = intervals[intervals["channel"] == channel]
    staffed = rows["staffed_agents"].to_numpy()
    busy = np.nan_to_num(rows["occupancy"].to_numpy()) * staffed
    return _ratio(busy.sum(), staffed.sum())


def chat_kpis(config: ScenarioConfig, datasets: Datasets, roster) -> dict[str, float]:
    chat_agents = {a.id for a in roster if a.tier == "L1" and "chat" in a.skills}
    states = datasets.agent_states[datasets.agent_states["agent_id"].isin(chat_agents)]
    busy, available, _ = _time_by_state(states)
    events = datasets.events
    live = events[(events["channel"] == "chat") & (events["item"] == 1)]
    assign = live[live["event"] == "assign"].set_index("ticket_id")["time"]
    complete = live[live["event"] == "complete"].set_index("ticket_id")["time"]
    both = assign.index.intersection(complete.index)
    chat_seconds = float((complete.loc[both] - assign.loc[both]).sum())
    k = config.channels["chat"].concurrency
    return {"chat_occupancy": _ratio(busy, busy + available),
            "chat_slot_fill": _ratio(chat_seconds, k * (busy + available))}


def compute_kpis(config: ScenarioConfig, datasets: Datasets, roster) -> dict:
    """All KPIs: per channel, overall, per tier, and targets met."""
    contacts, tickets = datasets.contacts, datasets.tickets
    channels = {}
    for index, name in enumerate(("phone", "chat", "email", "web", "social")):
        if name not in config.channels:
            continue
        live = name in config.synchronous_channels
        threshold = config.channels[name].answer_within_seconds
        values = contact_kpis(config, contacts[contacts["channel"] == index], live, threshold)
        values.update(ticket_kpis(tickets[tickets["channel"] == name]))
        if live:
            values["answer_within_seconds"] = threshold
        values["occupancy"] = channel_occupancy(datasets.intervals, name)
        channels[name] = values
    overall = contact_kpis(config, contacts, False, 0.0) | ticket_kpis(tickets)
    overall.update(staffing_kpis(datasets.agent_states))
    if "chat" in config.channels:
        channels["chat"].update(chat_kpis(config, datasets, roster))
    tiers = {tier: staffing_kpis(datasets.agent_states[datasets.agent_states["tier"] == tier])
             for tier in config.tiers}
    return {"service_level_basis": config.service_level_basis, "channels": channels,
            "overall": overall, "tiers": tiers, "targets": targets_met(config, channels, overall)}


def targets_met(config: ScenarioConfig, channels: dict, overall: dict) -> dict[str, dict]:
    """Each service target with its value and whether it holds.

    A target with nothing to measure (no contacts offered, no SLA decided) is met.
    """
    targets, checks = config.targets, {}
    for name, target in targets.service_level.items():
        if name in channels:
            value = channels[name].get("service_level", math.nan)
            checks[f"{name}_service_level"] = {"target": target, "value": value,
                                               "met": math.isnan(value) or value >= target}
            abandon = channels[name].get("abandonment_rate", math.nan)
            checks[f"{name}_abandonment"] = {
                "target": targets.max_abandonment, "value": abandon,
                "met": math.isnan(abandon) or abandon <= targets.max_abandonment}
    for key, target in (("sla_first_response_compliance", targets.first_response_compliance),
                        ("sla_resolution_compliance", targets.resolution_compliance)):
        value = overall[key]
        checks[key] = {"target": target, "value": value, "met": math.isnan(value) or value >= target}
    severe = overall["sla_severe_breaches"]
    checks["sla_severe_breaches"] = {"target": targets.max_severe_breaches, "value": severe,
                                     "met": severe <= targets.max_severe_breaches}
    return checks
