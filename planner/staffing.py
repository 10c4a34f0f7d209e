"""Agents needed for a service-level target, and the shrinkage gross-up.

The inverse of ``planner.erlang``: the smallest number of agents whose
service level (Erlang C, or Erlang A when callers abandon, on the scenario's
``service_level_basis``) meets a target. Service level rises with agents
(tested in tests/planner/test_erlang.py), so a search upward from the offered
load finds the minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.erlang import ErlangAResult, ErlangCResult, erlang_a, erlang_c

MAX_AGENTS = 100_000


@dataclass(frozen=True)
class StaffingRow:
    """What ``agents`` on the phones give, and whom to schedule for them."""

    agents: int
    scheduled: int
    service_level: float
    probability_wait: float
    asa_seconds: float
    occupancy: float
    probability_abandon: float


def evaluate(rate: float, aht_seconds: float, agents: int, answer_within_seconds: float,
             patience_seconds: float | None = None,
             basis: str = "offered") -> ErlangCResult | ErlangAResult:
    """Erlang C, or Erlang A when a mean patience is given."""
    if patience_seconds is None:
        return erlang_c(rate, aht_seconds, agents, answer_within_seconds)
    return erlang_a(rate, aht_seconds, agents, patience_seconds, answer_within_seconds, basis)


def meets(result: ErlangCResult | ErlangAResult, target_service_level: float | None,
          max_abandonment: float | None = None, max_asa_seconds: float | None = None,
          max_occupancy: float | None = None) -> bool:
    """Whether one staffing level meets every given target."""
    return ((target_service_level is None or result.service_level >= target_service_level)
            and (max_abandonment is None
                 or getattr(result, "probability_abandon", 0.0) <= max_abandonment)
            and (max_asa_seconds is None or result.asa_seconds <= max_asa_seconds)
            and (max_occupancy is None or result.occupancy <= max_occupancy))


def required_agents(rate: float, aht_seconds: float, target_service_level: float | None,
                    answer_within_seconds: float, patience_seconds: float | None = None,
                    basis: str = "offered", max_abandonment: float | None = None,
                    max_asa_seconds: float | None = None,
                    max_occupancy: float | None = None) -> int:
    """The fewest agents meeting every given target (service level within the
    threshold, abandonment, ASA, occupancy cap).

    Each measure improves with agents (tested in tests/planner/test_erlang.py),
    so a search upward from the offered load finds the minimum.

    Examples
    --------
    >>> required_agents(100 / 1800, 180.0, 0.8, 20.0)
    14
    >>> required_agents(100 / 1800, 180.0, None, 20.0, max_asa_seconds=5.0)
    15
    >>> required_agents(100 / 1800, 180.0, 0.8, 20.0, max_occupancy=0.65)
    16
    """
    if target_service_level is not None and not 0.0 < target_service_level < 1.0:
        raise ValueError(f"target service level must be in (0, 1), got {target_service_level}")
    if all(t is None for t in (target_service_level, max_abandonment, max_asa_seconds,
                               max_occupancy)):
        raise ValueError("give at least one target")
    agents = max(1, math.floor(rate * aht_seconds) + (patience_seconds is None))
    while agents <= MAX_AGENTS:
        result = evaluate(rate, aht_seconds, agents, answer_within_seconds, patience_seconds, basis)
        if meets(result, target_service_level, max_abandonment, max_asa_seconds, max_occupancy):
            return agents
        agents += 1
    raise ValueError(f"no staffing up to {MAX_AGENTS} agents meets the target")


def gross_up(agents: int, shrinkage: float) -> int:
    """Agents to schedule so ``agents`` are available: ceil(agents / (1 - shrinkage)).

    Rounded so floating-point error never adds an agent (21 / 0.7 is
    30.000000000000004 in floating point; the answer is 30).

    >>> gross_up(21, 0.3)
    30
    """
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage must be in the interval [0, 1), got {shrinkage}")
    return math.ceil(round(agents / (1.0 - shrinkage), 9))


def staffing_table(rate: float, aht_seconds: float, agents: range, answer_within_seconds: float,
                   patience_seconds: float | None = None, basis: str = "offered",
                   shrinkage: float = 0.0) -> list[StaffingRow]:
    """One row per agent count, as the calculators planners use show it."""
    rows = []
    for count in agents:
        result = evaluate(rate, aht_seconds, count, answer_within_seconds, patience_seconds, basis)
        rows.append(StaffingRow(
            agents=count, scheduled=gross_up(count, shrinkage),
            service_level=result.service_level, probability_wait=result.probability_wait,
            asa_seconds=result.asa_seconds, occupancy=result.occupancy,
            probability_abandon=getattr(result, "probability_abandon", 0.0)))
    return rows
