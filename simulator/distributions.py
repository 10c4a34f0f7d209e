"""Durations from a mean and a coefficient of variation, by inverse transform.

Each duration is computed from pre-drawn standard variates (a uniform for the
exponential, a standard normal for the lognormal) so that a customer's row of
random numbers fixes its durations whatever else changes (common random
numbers). The lognormal with mean m and cv c has sigma^2 = ln(1 + c^2) and
mu = ln(m) - sigma^2 / 2.
"""

from __future__ import annotations

import numpy as np

from simulator.config import Duration


def sample_duration(spec: Duration | None, uniform: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Durations in seconds; ``None`` means never (infinite)."""
    if spec is None:
        return np.full(uniform.shape, np.inf)
    if spec.distribution == "fixed" or spec.cv == 0.0:
        return np.full(uniform.shape, spec.mean_seconds)
    if spec.distribution == "exponential":
        return -spec.mean_seconds * np.log1p(-uniform)
    sigma2 = np.log1p(spec.cv**2)
    mu = np.log(spec.mean_seconds) - sigma2 / 2.0
    return np.exp(mu + np.sqrt(sigma2) * normal)


def categorical(uniform: np.ndarray, shares: list[float]) -> np.ndarray:
    """Index of the category each uniform falls in, by cumulative shares."""
    cumulative = np.cumsum(shares)
    cumulative[-1] = 1.0 + 1e-12  # guard against rounding in the last share
    return np.searchsorted(cumulative, uniform, side="right").astype(np.int16)
