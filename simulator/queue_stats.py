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


def service_level(answered_wait: np.ndarray, abandoned_wait: np.ndarray, offered: int,
                  threshold_seconds: float, basis: str, short_abandon_seconds: float = 5.0) -> float:
    """Service level of one group of contacts; NaN when nothing qualifies."""
    answered_wait = np.asarray(answered_wait, dtype=float)
    abandoned_wait = np.asarray(abandoned_wait, dtype=float)
    met = float(np.count_nonzero(answered_wait <= threshold_seconds))
    if basis == "offered":
        numerator, denominator = met, offered
    elif basis == "answered":
        numerator, denominator = met, answered_wait.size
    elif basis == "abandon_met":
        numerator = met + np.count_nonzero(abandoned_wait <= threshold_seconds)
        denominator = offered
    elif basis == "exclude_short":
        numerator = met
        denominator = offered - np.count_nonzero(abandoned_wait <= short_abandon_seconds)
    else:
        raise ValueError(f"service_level_basis: unknown basis '{basis}'")
    return numerator / denominator if denominator > 0 else float("nan")


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
