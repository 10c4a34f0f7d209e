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

import numpy as np


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
