"""Service level, one definition, and time-weighted step integrals.

``service_level`` is the single definition of service level used by the KPIs,
the interval table and the theory tests; ``planner.erlang.erlang_a`` computes
the same four bases analytically:

- ``offered``: answered within t / offered
- ``answered``: answered within t / answered
- ``abandon_met``: (answered within t + abandoned within t) / offered
- ``exclude_short``: answered within t / (offered - abandoned within s), where
  s is ``short_abandon_seconds``
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


def service_level_counts(group_answered: np.ndarray, answered_wait: np.ndarray,
                         group_abandoned: np.ndarray, abandoned_wait: np.ndarray,
                         offered: np.ndarray, threshold_seconds: float, basis: str,
                         short_abandon_seconds: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of service level per group (the one definition).

    ``group_*`` give each answered / abandoned contact's group index (0..n-1);
    ``offered`` is the number offered per group.
    """
    n = offered.size

    def count(groups: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        picked = groups if mask is None else groups[mask]
        return np.bincount(picked, minlength=n)[:n].astype(float)

    met = count(group_answered, answered_wait <= threshold_seconds)
    offered = offered.astype(float)
    if basis == "offered":
        return met, offered
    if basis == "answered":
        return met, count(group_answered)
    if basis == "abandon_met":
        return met + count(group_abandoned, abandoned_wait <= threshold_seconds), offered
    if basis == "exclude_short":
        return met, offered - count(group_abandoned, abandoned_wait <= short_abandon_seconds)
    raise ValueError(f"service_level_basis: unknown basis '{basis}'")


def service_level(answered_wait: np.ndarray, abandoned_wait: np.ndarray, offered: int,
                  threshold_seconds: float, basis: str, short_abandon_seconds: float = 5.0) -> float:
    """Service level of one group of contacts; NaN when nothing qualifies."""
    answered_wait = np.asarray(answered_wait, dtype=float)
    abandoned_wait = np.asarray(abandoned_wait, dtype=float)
    numerator, denominator = service_level_counts(
        np.zeros(answered_wait.size, dtype=np.int64), answered_wait,
        np.zeros(abandoned_wait.size, dtype=np.int64), abandoned_wait,
        np.array([offered]), threshold_seconds, basis, short_abandon_seconds)
    return float(numerator[0] / denominator[0]) if denominator[0] > 0 else float("nan")


def step_integral(starts: np.ndarray, ends: np.ndarray, boundaries: np.ndarray,
                  weights: np.ndarray | None = None) -> np.ndarray:
    """Integral of sum_i w_i 1[start_i <= t < end_i] over each [b_k, b_k+1).

    O((n + m) log n): F(T) = sum_{s <= T} w (T - s) - sum_{e <= T} w (T - e).
    Returns len(boundaries) - 1 values.
    """
    starts = np.asarray(starts, dtype=float)
    ends = np.asarray(ends, dtype=float)
    weights = np.ones_like(starts) if weights is None else np.asarray(weights, dtype=float)
    boundaries = np.asarray(boundaries, dtype=float)

    def cumulative(points: np.ndarray) -> np.ndarray:
        order = np.argsort(points, kind="stable")
        sorted_points, sorted_weights = points[order], weights[order]
        weight_sum = np.concatenate(([0.0], np.cumsum(sorted_weights)))
        moment_sum = np.concatenate(([0.0], np.cumsum(sorted_weights * sorted_points)))
        index = np.searchsorted(sorted_points, boundaries, side="right")
        return boundaries * weight_sum[index] - moment_sum[index]

    area = cumulative(starts) - cumulative(ends)
    return np.diff(area)


@dataclass(frozen=True)
class LiveOutcomes:
    """Outcomes of live (phone/chat) contacts read straight from the event log.

    ``answered_wait`` and ``abandoned_wait`` hold the waits of the contacts that
    arrived in [start, end) and were answered or abandoned; ``offered`` counts
    every non-deflected contact arriving in the window.
    """

    offered: int
    answered_wait: np.ndarray
    abandoned_wait: np.ndarray

    @property
    def probability_wait(self) -> float:
        waited = np.count_nonzero(self.answered_wait > 0) + self.abandoned_wait.size
        return waited / self.offered if self.offered else float("nan")

    @property
    def probability_abandon(self) -> float:
        return self.abandoned_wait.size / self.offered if self.offered else float("nan")

    @property
    def mean_wait_all(self) -> float:
        """Mean wait over every answered or abandoned contact (Erlang's ASA)."""
        total = self.answered_wait.sum() + self.abandoned_wait.sum()
        count = self.answered_wait.size + self.abandoned_wait.size
        return float(total / count) if count else float("nan")

    def service_level(self, threshold_seconds: float, basis: str = "offered",
                      short_abandon_seconds: float = 5.0) -> float:
        return service_level(self.answered_wait, self.abandoned_wait, self.offered,
                             threshold_seconds, basis, short_abandon_seconds)


def live_outcomes(events: pa.Table, channel: int, start: float, end: float) -> LiveOutcomes:
    """Live contacts of ``channel`` arriving in [start, end), from the event log."""
    from simulator.recorder import Event

    event = events.column("event").to_numpy()
    ticket = events.column("ticket").to_numpy()
    time = events.column("time").to_numpy()
    item = events.column("item").to_numpy()
    value = events.column("value").to_numpy()
    in_channel = events.column("channel").to_numpy() == channel
    arrivals = (event == Event.ARRIVE) & in_channel & (time >= start) & (time < end)
    window = np.unique(ticket[arrivals])
    deflected = np.unique(ticket[(event == Event.DEFLECT) & in_channel])
    window = np.setdiff1d(window, deflected, assume_unique=True)
    answered = (event == Event.ASSIGN) & (item == 1) & np.isin(ticket, window)
    abandoned = (event == Event.ABANDON) & np.isin(ticket, window)
    return LiveOutcomes(int(window.size), value[answered], value[abandoned])
