"""Erlang B, C and A formulas for staffing a single queue of identical agents.

Model assumptions
-----------------
All three models assume Poisson arrivals (rate ``lambda``), exponentially distributed
handling times (mean ``AHT``, rate ``mu = 1 / AHT``), ``c`` identical agents, an infinite
first-come-first-served queue (except Erlang B) and statistical equilibrium.

* **Erlang B** (M/M/c/c): blocked calls are lost.  Computed with the standard recurrence
  ``B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))``, which is stable for any ``c``.
* **Erlang C** (M/M/c): nobody abandons; requires ``a = lambda * AHT < c``.  Textbook
  formulas, e.g. Gross, Shortle, Thompson and Harris, *Fundamentals of Queueing Theory*,
  section 2.3; ``C = B / (1 - (a / c) (1 - B))``.
* **Erlang A** (M/M/c+M): every caller has an exponentially distributed patience with
  mean ``1 / theta`` and abandons when their wait exceeds it (Palm's model; Garnett,
  Mandelbaum and Reiman (2002), "Designing a call center with impatient customers",
  *M&SOM* 4(3)).  The number in system is the birth-death chain with birth rate
  ``lambda`` and death rate ``min(n, c) mu + max(n - c, 0) theta``, solved in log space
  as in pyworkforce's ``queuing/abandonment.py``.  The chain is truncated once the
  remaining tail mass is below about ``exp(-40)`` relative to the mode.

Waiting times in Erlang A (derivation)
--------------------------------------
By PASTA an arrival finds ``n`` in system with probability ``p_n``; if ``n < c`` it is
answered at once.  Otherwise ``k = n - c`` callers wait ahead of it.  While ``m`` wait
ahead, the caller moves up at rate ``c mu + m theta`` and abandons at rate ``theta``.
Hence the time ``T`` to reach an agent (ignoring the caller's own patience) is
hypoexponential with rates ``theta (beta + m)``, ``m = 0..k``, where
``beta = c mu / theta``; its Laplace transform shows ``exp(-theta T) ~ Beta(beta, k+1)``.
With ``x = exp(-theta t)`` and ``I_x`` the regularised incomplete beta function:

* P(answered)              = beta / (beta + k + 1)
* P(answered within t)     = beta / (beta + k + 1) * (1 - I_x(beta + 1, k + 1))
* P(still waiting at t)    = x * I_x(beta, k + 1)
* P(abandoned within t)    = 1 - the two lines above.

For integer second argument, ``I_x(s, k + 1)`` is the CDF at ``k`` of a negative
binomial with (real) size ``s`` and success probability ``x``: a cumulative sum of
positive terms, so it is computed without cancellation, for all ``k`` at once.

Service level bases
-------------------
``A(t)`` = P(answered within t), ``B(t)`` = P(abandoned within t), all per offered call:

* ``"offered"``: ``A(t)``
* ``"answered"``: ``A(t) / P(answered)``
* ``"abandon_met"``: ``A(t) + B(t)`` (abandons within ``t`` count as met)
* ``"exclude_short"``: ``A(t) / (1 - B(s))``, ``s = short_abandon_seconds <= t``
  (abandons within ``s`` are removed from numerator and denominator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

ServiceLevelBasis = Literal["offered", "answered", "abandon_met", "exclude_short"]

_LOG_TAIL = -40.0  # truncate the birth-death chain below exp(-40) of the mode
_MAX_QUEUE_STATES = 5_000_000


@dataclass(frozen=True)
class ErlangCResult:
    """Steady-state performance of an M/M/c queue (Erlang C)."""

    agents: int
    offered_load: float
    probability_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float
    answer_within_seconds: float


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state performance of an M/M/c+M queue (Erlang A).

    ``asa_seconds`` is the mean wait over all arrivals (abandoners included);
    ``occupancy`` is the served load divided by ``agents``.
    """

    agents: int
    offered_load: float
    probability_wait: float
    probability_abandon: float
    service_level: float
    asa_seconds: float
    mean_wait_answered_seconds: float
    occupancy: float
    answer_within_seconds: float
    service_level_basis: ServiceLevelBasis
    short_abandon_seconds: float


def _check(agents: int, rate: float, aht: float, within: float) -> None:
    if int(agents) != agents or agents < 1:
        raise ValueError(f"agents must be a positive integer, got {agents!r}")
    if not (math.isfinite(rate) and rate >= 0):
        raise ValueError(f"arrival rate must be finite and >= 0, got {rate!r}")
    if not (math.isfinite(aht) and aht > 0):
        raise ValueError(f"aht_seconds must be finite and > 0, got {aht!r}")
    if not (math.isfinite(within) and within >= 0):
        raise ValueError(f"answer_within_seconds must be finite and >= 0, got {within!r}")


def erlang_b(agents: int, offered_load: float) -> float:
    """Blocking probability of an M/M/c/c loss system.

    Parameters
    ----------
    agents : int
        Number of servers ``c >= 0``.
    offered_load : float
        Offered load ``a`` in Erlangs.

    Returns
    -------
    float
        Erlang B blocking probability.

    Examples
    --------
    >>> round(erlang_b(10, 5.0), 5)
    0.01838
    """
    if int(agents) != agents or agents < 0:
        raise ValueError(f"agents must be a non-negative integer, got {agents!r}")
    if not (math.isfinite(offered_load) and offered_load >= 0):
        raise ValueError(f"offered_load must be finite and >= 0, got {offered_load!r}")
    b = 1.0
    for k in range(1, int(agents) + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c(
    arrival_rate_per_second: float,
    aht_seconds: float,
    agents: int,
    answer_within_seconds: float = 20.0,
) -> ErlangCResult:
    """Erlang C (M/M/c) waiting probability, service level, ASA and occupancy.

    Parameters
    ----------
    arrival_rate_per_second : float
        Poisson arrival rate ``lambda``.
    aht_seconds : float
        Mean handling time.
    agents : int
        Number of agents ``c >= 1``.
    answer_within_seconds : float
        Service level threshold ``t``.

    Returns
    -------
    ErlangCResult
        If ``a >= c`` the queue is unstable: ``probability_wait = 1``,
        ``service_level = 0``, ``asa_seconds = inf``, ``occupancy = 1``.

    Examples
    --------
    >>> r = erlang_c(100 / 1800, 180.0, 14)
    >>> round(r.probability_wait, 4), round(r.service_level, 4), round(r.asa_seconds, 2)
    (0.1741, 0.8884, 7.84)
    """
    _check(agents, arrival_rate_per_second, aht_seconds, answer_within_seconds)
    c, a, t = int(agents), arrival_rate_per_second * aht_seconds, answer_within_seconds
    if a >= c:
        return ErlangCResult(c, a, 1.0, 0.0, math.inf, 1.0, t)
    b = erlang_b(c, a)
    pw = b / (1.0 - (a / c) * (1.0 - b))
    sl = 1.0 - pw * math.exp(-(c - a) * t / aht_seconds)
    return ErlangCResult(c, a, pw, sl, pw * aht_seconds / (c - a), a / c, t)


def _log_death_rates(lam: float, mu: float, theta: float, c: int, k_max: int) -> np.ndarray:
    """``log(lambda / death_n)`` for ``n = 1 .. c + k_max``."""
    n = np.arange(1, c + 1, dtype=float)
    k = np.arange(1, k_max + 1, dtype=float)
    return np.concatenate([np.log(lam / (n * mu)), np.log(lam / (c * mu + k * theta))])


def _state_probabilities(lam: float, mu: float, theta: float, c: int) -> np.ndarray:
    """Stationary distribution ``p_0 .. p_{c+K}`` of the Erlang A chain (``lam > 0``)."""
    k_max = max(256, math.ceil(2.0 * (lam - c * mu) / theta))
    while True:
        if k_max > _MAX_QUEUE_STATES:
            raise ValueError("Erlang A queue too long to truncate: patience too long for load")
        log_ratio = _log_death_rates(lam, mu, theta, c, k_max)
        log_p = np.concatenate([[0.0], np.cumsum(log_ratio)])
        last_ratio = math.exp(log_ratio[-1])
        if last_ratio < 1.0:
            tail = log_p[-1] - log_p.max() - math.log1p(-last_ratio)
            if tail < _LOG_TAIL:
                break
        k_max *= 2
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


def _neg_binomial_cdf(size: float, theta_t: float, k_max: int) -> np.ndarray:
    """``I_x(size, k + 1)``, ``x = exp(-theta_t) < 1``, for ``k = 0 .. k_max`` (NB CDF)."""
    j = np.arange(1, k_max + 1, dtype=float)
    steps = np.log((size + j - 1.0) / j) + math.log(-math.expm1(-theta_t))
    log_pmf = -size * theta_t + np.concatenate([[0.0], np.cumsum(steps)])
    return np.minimum(np.cumsum(np.exp(log_pmf)), 1.0)


def _within(q: np.ndarray, c_mu: float, theta: float, t: float) -> tuple[float, float]:
    """(P(answered within t), P(abandoned within t)) contributed by the queue states.

    ``q[k]`` is the probability that an arrival finds ``k`` callers waiting.
    """
    if theta * t <= 0.0:  # also catches t so small that theta * t underflows
        return 0.0, 0.0
    beta, x = c_mu / theta, math.exp(-theta * t)
    k = np.arange(q.size, dtype=float)
    p_ans = beta / (beta + k + 1.0)
    answered = p_ans * (1.0 - _neg_binomial_cdf(beta + 1.0, theta * t, q.size - 1))
    waiting = x * _neg_binomial_cdf(beta, theta * t, q.size - 1)
    abandoned = np.clip(1.0 - answered - waiting, 0.0, 1.0)
    return float(q @ answered), float(q @ abandoned)


def _unit(value: float) -> float:
    """Clamp a probability-like quantity into [0, 1] (removes rounding overshoot)."""
    return min(max(value, 0.0), 1.0)


def _service_level(
    basis: str, ans_t: float, ab_t: float, ab_s: float, p_answer: float
) -> float:
    if basis == "offered":
        return ans_t
    if basis == "answered":
        return ans_t / p_answer if p_answer > 0.0 else 0.0
    if basis == "abandon_met":
        return ans_t + ab_t
    return ans_t / (1.0 - ab_s) if ab_s < 1.0 else 0.0


def erlang_a(
    arrival_rate_per_second: float,
    aht_seconds: float,
    agents: int,
    patience_seconds: float,
    answer_within_seconds: float = 20.0,
    service_level_basis: ServiceLevelBasis = "offered",
    short_abandon_seconds: float = 5.0,
) -> ErlangAResult:
    """Erlang A (M/M/c+M) performance with exponential patience.

    Parameters
    ----------
    arrival_rate_per_second, aht_seconds, agents, answer_within_seconds
        As in :func:`erlang_c`.
    patience_seconds : float
        Mean patience ``1 / theta`` (finite, > 0).
    service_level_basis : ServiceLevelBasis
        How abandons enter the service level; see the module docstring.
    short_abandon_seconds : float
        ``s`` for the ``"exclude_short"`` basis; must not exceed
        ``answer_within_seconds`` when that basis is used.

    Returns
    -------
    ErlangAResult

    Examples
    --------
    >>> r = erlang_a(100 / 1800, 180.0, 14, patience_seconds=300.0)
    >>> round(r.probability_wait, 4), round(r.probability_abandon, 4)
    (0.1453, 0.014)
    """
    _check(agents, arrival_rate_per_second, aht_seconds, answer_within_seconds)
    if not (math.isfinite(patience_seconds) and patience_seconds > 0):
        raise ValueError(f"patience_seconds must be finite and > 0, got {patience_seconds!r}")
    if service_level_basis not in get_args(ServiceLevelBasis):
        raise ValueError(f"unknown service_level_basis {service_level_basis!r}")
    s, t = short_abandon_seconds, answer_within_seconds
    if not (math.isfinite(s) and s >= 0):
        raise ValueError(f"short_abandon_seconds must be finite and >= 0, got {s!r}")
    if service_level_basis == "exclude_short" and s > t:
        raise ValueError("short_abandon_seconds must not exceed answer_within_seconds")
    c, lam = int(agents), arrival_rate_per_second
    mu, theta, a = 1.0 / aht_seconds, 1.0 / patience_seconds, lam * aht_seconds
    if lam == 0.0:
        return ErlangAResult(c, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, t, service_level_basis, s)
    p = _state_probabilities(lam, mu, theta, c)
    q = p[c:]  # q[k]: arrival finds k callers waiting
    k = np.arange(q.size, dtype=float)
    rates = c * mu + (k + 1.0) * theta  # exit rate with k ahead of the tagged caller
    p_ans_k = c * mu / rates
    p_wait, p_abandon = float(q.sum()), float(q @ (1.0 - p_ans_k))
    asa = float(q @ k) / lam  # Little's law over all arrivals
    answered_wait = float(q @ (p_ans_k * np.cumsum(1.0 / rates)))
    ans_t, ab_t = _within(q, c * mu, theta, t)
    ans_t += float(p[:c].sum())
    ab_s = _within(q, c * mu, theta, s)[1] if service_level_basis == "exclude_short" else 0.0
    p_answer = 1.0 - p_abandon
    sl = _service_level(service_level_basis, ans_t, ab_t, ab_s, p_answer)
    mean_wait_answered = answered_wait / p_answer if p_answer > 0.0 else math.inf
    occupancy = a * p_answer / c
    return ErlangAResult(
        c, a, _unit(p_wait), _unit(p_abandon), _unit(sl), asa, mean_wait_answered,
        _unit(occupancy), t, service_level_basis, s,
    )
