"""SLA clocks from timestamps: targets, elapsed time, bands and breaches.

Policies are priority x customer tier (``config.sla``), each with first
response, optional next reply, resolution and optional agent work targets, in
business or calendar time. The resolution clock (Zendesk's requester wait
time) pauses while the ticket is pending and while it is solved before a
reopen; the agent work clock also pauses on hold. Warnings
(50/80/90%), breach (100%) and severe breach (200%) are derived here, after
the run, from the event log and the calendar: the engine simulates no SLA
event (DESIGN.md, Performance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.calendar import Calendar
from simulator.config import PRIORITIES, ScenarioConfig

BANDS = (0.5, 0.8, 0.9, 1.0, 2.0)


@dataclass(frozen=True)
class PolicyTargets:
    """Per-ticket targets in seconds (NaN where the policy sets none)."""

    first_response: np.ndarray
    next_reply: np.ndarray
    resolution: np.ndarray
    business_hours: np.ndarray  # bool
    agent_work: np.ndarray  # time new or open (Zendesk's agent work time); NaN: none


def policy_targets(config: ScenarioConfig, customer_tier: np.ndarray,
                   priority: np.ndarray) -> PolicyTargets:
    tiers = list(config.customers.tiers)
    shape = (len(tiers), len(PRIORITIES))
    first, reply, resolution = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    work = np.full(shape, np.nan)
    business = np.zeros(shape, dtype=bool)
    for t, name in enumerate(tiers):
        for p, target in config.sla.get(name, {}).items():
            index = (t, PRIORITIES.index(p))
            first[index] = target.first_response_minutes * 60.0
            resolution[index] = target.resolution_minutes * 60.0
            if target.next_reply_minutes is not None:
                reply[index] = target.next_reply_minutes * 60.0
            if target.agent_work_minutes is not None:
                work[index] = target.agent_work_minutes * 60.0
            business[index] = target.business_hours
    where = (np.asarray(customer_tier, dtype=np.int64), np.asarray(priority, dtype=np.int64))
    return PolicyTargets(first[where], reply[where], resolution[where], business[where],
                         work[where])


def elapsed(calendar: Calendar, start: np.ndarray, end: np.ndarray,
            business: np.ndarray) -> np.ndarray:
    """Seconds from start to end, in business time where ``business`` is set."""
    calendar_seconds = np.where(np.isnan(end) | np.isnan(start), np.nan, end - start)
    if not business.any():
        return calendar_seconds
    business_seconds = calendar.business_seconds_between(start, end)
    return np.where(business, business_seconds, calendar_seconds)


def band(elapsed_seconds: np.ndarray, target_seconds: np.ndarray) -> np.ndarray:
    """Highest band reached (0.5 ... 2.0), or 0 below 50% or without a target."""
    elapsed_seconds = np.asarray(elapsed_seconds, dtype=float)
    target_seconds = np.asarray(target_seconds, dtype=float)
    ratio = np.divide(elapsed_seconds, target_seconds, out=np.zeros_like(elapsed_seconds),
                      where=np.isfinite(target_seconds) & (target_seconds > 0))
    ratio = np.nan_to_num(ratio, nan=0.0)
    reached = np.zeros_like(ratio)
    for threshold in BANDS:
        reached = np.where(ratio >= threshold, threshold, reached)
    return reached
