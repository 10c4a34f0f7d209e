"""The fewest agents for many intervals at once: ``required_agents`` vectorised.

``required_agents_many`` returns, element for element, what
``planner.staffing.required_agents`` returns. It runs the same upward search
from the same start (``floor(a)``, ``floor(a) + 1`` for Erlang C) and takes
the first count meeting every target, but tries a window of consecutive counts
for all still-unmet intervals at once, and evaluates Erlang C or Erlang A for
all of them with numpy:

* **Erlang B** by the recurrence ``B(k) = a B(k-1) / (k + a B(k-1))`` (the
  operations of ``erlang.erlang_b``), carried from one agent count to the next.
* **Erlang A** (Garnett, Mandelbaum and Reiman 2002; Palm's M/M/c+M) from the
  same birth-death chain as ``erlang.erlang_a``, written relative to ``p_c``:
  the states below ``c`` sum to ``p_c (1/B(c, a) - 1)`` (for ``n <= c`` the
  chain is the Erlang B chain), and ``p_{c+k} / p_c = prod_{j<=k} lambda /
  (c mu + j theta) = (lambda / theta)^k / prod_{j<=k} (beta + j)`` with
  ``beta = c mu / theta``, kept in log space and scaled by its maximum. The
  waiting-time terms are the negative binomial sums of ``erlang._within``; the
  ``log(beta + j)`` they share with the chain is computed once.
* Counts that Erlang B alone proves too few (``_falls_short``: the service
  level on the offered basis, or the abandonment, is out of reach) are not
  evaluated.

The two computations differ only by rounding (about 1e-14) and by where the
chain is truncated (tail mass below ``exp(-36)`` relative to the total here,
below ``exp(-40)`` of the mode there). A comparison with a target is taken
from the vector only when it clears the target by more than ``MARGIN``
(1e-9, relative for ASA); any closer, non-finite or zero-arrival case is
decided by the scalar ``evaluate`` and ``meets``. So the answers are the
scalar ones exactly, not approximately (tests/planner/test_staffing_batch.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import numpy as np

from planner.erlang import ServiceLevelBasis
from planner.staffing import MAX_AGENTS, evaluate, meets

MARGIN = 1e-9          # decisions closer than this to a target go to the scalar code
_LOG_TAIL = -36.0      # truncate the queue once its tail is below exp(-36) of the total
_FIRST_QUEUE_STATES = 16  # doubled while the tail left off is not negligible ...
_MOST_QUEUE_STATES = 4096  # ... up to this; longer queues go to the scalar code
_LOWEST_LOG = -500.0       # see _exp
_SMALLEST_RATE = 1e-100    # no arrivals, or so few that the vector would underflow: scalar code
_FIRST_WINDOW = 6          # agent counts tried at once per row (the baseline needs 2-5),
_MOST_WINDOW = 64          # doubling in later rounds up to this


@dataclass(frozen=True)
class Targets:
    """What a staffing level must meet (``None``: no such target)."""

    service_level: float | None
    max_abandonment: float | None = None
    max_asa_seconds: float | None = None
    max_occupancy: float | None = None


@dataclass(frozen=True)
class _Queue:
    """Per-row inputs of one search (rates, handle times, patience) and what rows share."""

    rate: np.ndarray
    aht: np.ndarray
    patience: np.ndarray | None
    within: float
    basis: str
    short_abandon: float = 5.0


@dataclass(frozen=True)
class _Measures:
    service_level: np.ndarray
    probability_abandon: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray


def required_agents_many(rate: np.ndarray, aht_seconds: np.ndarray | float,
                         target_service_level: float | None, answer_within_seconds: float,
                         patience_seconds: np.ndarray | float | None = None,
                         basis: str = "offered", max_abandonment: float | None = None,
                         max_asa_seconds: float | None = None,
                         max_occupancy: float | None = None) -> np.ndarray:
    """``required_agents`` for every element of ``rate`` (with ``aht_seconds`` and
    ``patience_seconds`` per element or shared); the targets are shared.

    >>> required_agents_many(np.array([100 / 1800, 0.1]), 180.0, 0.8, 20.0).tolist()
    [14, 22]
    """
    targets = Targets(target_service_level, max_abandonment, max_asa_seconds, max_occupancy)
    _check_targets(targets)
    rate = np.asarray(rate, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), rate.shape)
    patience = (None if patience_seconds is None else
                np.broadcast_to(np.asarray(patience_seconds, dtype=float), rate.shape))
    queue = _Queue(rate, aht, patience, float(answer_within_seconds), basis)
    _check_queue(queue)
    start = np.floor(rate * aht).astype(np.int64) + (patience is None)
    return _search(queue, targets, np.maximum(start, 1))


def _check_targets(targets: Targets) -> None:
    sl = targets.service_level
    if sl is not None and not 0.0 < sl < 1.0:
        raise ValueError(f"target service level must be in (0, 1), got {sl}")
    if all(t is None for t in (sl, targets.max_abandonment, targets.max_asa_seconds,
                               targets.max_occupancy)):
        raise ValueError("give at least one target")


def _check_queue(queue: _Queue) -> None:
    """Refuse what ``erlang_c`` or ``erlang_a`` would refuse on the first evaluation."""
    checks = [(queue.rate, "arrival rates", True), (queue.aht, "aht_seconds", False)]
    if queue.patience is not None:
        checks.append((queue.patience, "patience_seconds", False))
    for values, name, zero in checks:
        if not (np.isfinite(values).all() and (values >= 0 if zero else values > 0).all()):
            raise ValueError(f"{name} must be finite and {'>=' if zero else '>'} 0")
    if not (np.isfinite(queue.within) and queue.within >= 0):
        raise ValueError(f"answer_within_seconds must be finite and >= 0, got {queue.within!r}")
    if queue.patience is not None and queue.rate.size:
        if queue.basis not in get_args(ServiceLevelBasis):
            raise ValueError(f"unknown service_level_basis {queue.basis!r}")
        if queue.basis == "exclude_short" and queue.short_abandon > queue.within:
            raise ValueError("short_abandon_seconds must not exceed answer_within_seconds")


def _search(queue: _Queue, targets: Targets, agents: np.ndarray) -> np.ndarray:
    """Try a window of consecutive agent counts for every unmet row at once (6,
    then 12, ... up to 64 counts); a row's answer is the first count in its
    window that meets the targets, as in the scalar search one step at a time."""
    answer = np.zeros(agents.size, dtype=np.int64)
    rows = np.arange(agents.size)
    load = queue.rate * queue.aht
    blocking = _erlang_b(agents, load)  # B at each row's first count
    width = _FIRST_WINDOW
    while rows.size:
        if agents.min() > MAX_AGENTS:
            raise ValueError(f"no staffing up to {MAX_AGENTS} agents meets the target")
        counts = agents[:, None] + np.arange(width)
        b = _window_blocking(blocking, load[rows], counts)
        ok = _decide(queue, targets, np.repeat(rows, width), counts.ravel(), b.ravel())
        ok = ok.reshape(counts.shape) & (counts <= MAX_AGENTS)
        found = ok.any(axis=1)
        answer[rows[found]] = counts[found, ok[found].argmax(axis=1)]
        rest = ~found
        last, after = b[rest, -1], counts[rest, -1] + 1
        rows, agents = rows[rest], after
        blocking = load[rows] * last / (after + load[rows] * last)
        width = min(2 * width, _MOST_WINDOW)
    return answer


def _window_blocking(first: np.ndarray, load: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """B(count, load) along each row's window, by the Erlang B recurrence."""
    b = np.empty(counts.shape)
    b[:, 0] = first
    for w in range(1, counts.shape[1]):
        b[:, w] = load * b[:, w - 1] / (counts[:, w] + load * b[:, w - 1])
    return b


def _erlang_b(agents: np.ndarray, load: np.ndarray) -> np.ndarray:
    """B(agents, load) per row, by the recurrence of ``erlang.erlang_b``."""
    b = np.ones(agents.size)
    for k in range(1, int(agents.max(initial=0)) + 1):
        b = np.where(k <= agents, load * b / (k + load * b), b)
    return b


def _decide(queue: _Queue, targets: Targets, rows: np.ndarray, agents: np.ndarray,
            blocking: np.ndarray) -> np.ndarray:
    """Whether each row meets the targets with ``agents``; near-ties asked of the
    scalar code, counts that provably fall short (``_falls_short``) not evaluated."""
    ok = np.zeros(rows.size, dtype=bool)
    unsure = np.zeros(rows.size, dtype=bool)
    with np.errstate(all="ignore"):
        if queue.patience is None:
            ok, unsure = _compare(_erlang_c(queue, rows, agents, blocking), targets)
        else:
            todo = np.flatnonzero(~_falls_short(queue, targets, rows, agents, blocking))
            ok[todo], unsure[todo] = _compare(
                _erlang_a(queue, rows[todo], agents[todo], blocking[todo]), targets)
    unsure |= queue.rate[rows] < _SMALLEST_RATE
    for i in np.flatnonzero(unsure):
        r = rows[i]
        result = evaluate(float(queue.rate[r]), float(queue.aht[r]), int(agents[i]),
                          queue.within,
                          None if queue.patience is None else float(queue.patience[r]),
                          queue.basis)
        ok[i] = meets(result, targets.service_level, targets.max_abandonment,
                      targets.max_asa_seconds, targets.max_occupancy)
    return ok


def _falls_short(queue: _Queue, targets: Targets, rows: np.ndarray, agents: np.ndarray,
                 blocking: np.ndarray) -> np.ndarray:
    """Erlang A counts that miss a target by more than ``MARGIN`` on bounds from Erlang B.

    An arrival waits with probability ``P_w >= B(c, a)`` (the states below c
    weigh ``1/B - 1`` against at least 1 from the queue). A waiting caller is
    answered within t with probability at most that with nobody ahead,
    ``h = beta / (beta + 1) (1 - exp(-(c mu + theta) t))``, and abandons with
    probability at least ``1 / (beta + 1)``. So the service level (offered
    basis) is at most ``1 - B (1 - h)`` and abandonment at least ``B / (beta + 1)``.
    """
    theta = 1.0 / queue.patience[rows]
    beta = agents / queue.aht[rows] / theta
    short = np.zeros(rows.size, dtype=bool)
    if targets.service_level is not None and queue.basis == "offered":
        reach = beta / (beta + 1.0) * -np.expm1(-theta * (beta + 1.0) * queue.within)
        short |= 1.0 - blocking * (1.0 - reach) < targets.service_level - MARGIN
    if targets.max_abandonment is not None:
        short |= blocking / (beta + 1.0) > targets.max_abandonment + MARGIN
    return short


def _compare(m: _Measures, targets: Targets) -> tuple[np.ndarray, np.ndarray]:
    """(meets, too close to call) per row."""
    ok = np.ones(m.service_level.size, dtype=bool)
    unsure = np.zeros_like(ok)
    checks = ((m.service_level, targets.service_level),  # at least the target
              (-m.probability_abandon, _neg(targets.max_abandonment)),  # at most: negate
              (-m.asa_seconds, _neg(targets.max_asa_seconds)),
              (-m.occupancy, _neg(targets.max_occupancy)))
    for value, bound in checks:
        if bound is None:
            continue
        margin = MARGIN * max(1.0, abs(bound))
        ok &= value >= bound
        unsure |= ~(np.abs(value - bound) > margin)  # also catches nan
    return ok, unsure


def _neg(value: float | None) -> float | None:
    return None if value is None else -value


def _erlang_c(queue: _Queue, rows: np.ndarray, agents: np.ndarray,
              blocking: np.ndarray) -> _Measures:
    """``erlang.erlang_c`` per row."""
    aht = queue.aht[rows]
    a, c = queue.rate[rows] * aht, agents.astype(float)
    stable = a < c
    pw = np.where(stable, blocking / (1.0 - (a / c) * (1.0 - blocking)), 1.0)
    sl = np.where(stable, 1.0 - pw * np.exp(-(c - a) * queue.within / aht), 0.0)
    asa = np.where(stable, pw * aht / (c - a), np.inf)
    return _Measures(sl, np.zeros_like(sl), asa, np.where(stable, a / c, 1.0))


def _erlang_a(queue: _Queue, rows: np.ndarray, agents: np.ndarray,
              blocking: np.ndarray) -> _Measures:
    """``erlang.erlang_a`` per row (service level, abandonment, ASA, occupancy).

    Rows whose queue tail is not negligible at K states are done again with 2K."""
    out = _Measures(*(np.full(rows.size, np.nan) for _ in range(4)))
    pending = np.arange(rows.size)
    size = _FIRST_QUEUE_STATES
    while pending.size:
        part, well = _erlang_a_at(queue, rows[pending], agents[pending], blocking[pending], size)
        last = size >= _MOST_QUEUE_STATES  # longer queues stay nan: the scalar code decides
        done = well | last
        for mine, theirs in zip(vars(out).values(), vars(part).values(), strict=True):
            mine[pending[well]] = theirs[well]
        pending = pending[~done]
        size *= 2
    return out


def _erlang_a_at(queue: _Queue, rows: np.ndarray, agents: np.ndarray, blocking: np.ndarray,
                 size: int) -> tuple[_Measures, np.ndarray]:
    """``_erlang_a`` on queue states ``0 .. size``, and whether that truncation is fine."""
    lam, aht, c = queue.rate[rows], queue.aht[rows], agents.astype(float)
    unique, inverse = _distinct(c, aht, queue.patience[rows])
    servers = _Servers.of(unique, queue, size)
    chain = _Chain.of(lam, servers, inverse, blocking)
    q = chain.q
    p_abandon = (q * (1.0 - servers.p_answer[inverse])).sum(axis=1)
    asa = (q @ np.arange(size + 1, dtype=float)) / lam
    ans_t = (q * servers.answered_t[inverse]).sum(axis=1) + chain.below
    ab_t = ((q * servers.abandoned_t[inverse]).sum(axis=1)
            if queue.basis == "abandon_met" else 0.0)  # only that basis counts them
    ab_s = ((q * servers.abandoned_s[inverse]).sum(axis=1)
            if queue.basis == "exclude_short" else 0.0)
    p_answer = 1.0 - p_abandon
    sl = _service_level(queue.basis, ans_t, ab_t, ab_s, p_answer)
    occupancy = lam * aht * p_answer / c
    return (_Measures(_unit(sl), _unit(p_abandon), asa, _unit(occupancy)),
            chain.truncated_well)


def _distinct(c: np.ndarray, aht: np.ndarray, patience: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (agents, AHT, patience) rows and each row's index among them."""
    if aht.min() == aht.max() and patience.min() == patience.max():  # one channel: by agents
        low = c.min()
        counts = np.arange(low, c.max() + 1.0)  # a few unused counts cost less than sorting
        return (np.column_stack([counts, np.full_like(counts, aht[0]),
                                 np.full_like(counts, patience[0])]),
                (c - low).astype(np.int64))
    unique, inverse = np.unique(np.column_stack([c, aht, patience]), axis=0, return_inverse=True)
    return unique, inverse.reshape(-1)


@dataclass(frozen=True)
class _Servers:
    """What the arrival rate does not change, once per distinct (agents, AHT,
    patience), for queue states ``k = 0 .. K``."""

    beta: np.ndarray           # c mu / theta
    theta: np.ndarray
    cum_log_beta: np.ndarray   # sum_{j=1..k} log(beta + j), k = 1 .. K
    p_answer: np.ndarray       # beta / (beta + k + 1): answered with k waiting ahead
    answered_t: np.ndarray     # P(answered within t | k ahead), as erlang._within
    abandoned_t: np.ndarray    # P(abandoned within t | k ahead)
    abandoned_s: np.ndarray    # the same within short_abandon (exclude_short basis)

    @classmethod
    def of(cls, unique: np.ndarray, queue: _Queue, size: int) -> _Servers:
        c, aht, patience = unique.T
        theta = 1.0 / patience
        beta = c / aht / theta
        j = np.arange(size + 1, dtype=float)
        log_beta_j = np.log(beta[:, None] + j)
        p_answer = beta[:, None] / (beta[:, None] + j + 1.0)
        answered_t, abandoned_t = _within(beta, log_beta_j, p_answer, theta * queue.within)
        abandoned_s = (_within(beta, log_beta_j, p_answer, theta * queue.short_abandon)[1]
                       if queue.basis == "exclude_short" else abandoned_t)
        return cls(beta, theta, np.cumsum(log_beta_j[:, 1:], axis=1), p_answer,
                   answered_t, abandoned_t, abandoned_s)


@dataclass(frozen=True)
class _Chain:
    """The Erlang A chain per row, relative to ``p_c`` and normalised."""

    q: np.ndarray               # q[i, k]: an arrival finds k waiting
    below: np.ndarray           # P(fewer than c in system)
    truncated_well: np.ndarray  # the tail left off is negligible (or the row is nan)

    @classmethod
    def of(cls, lam: np.ndarray, servers: _Servers, inverse: np.ndarray,
           blocking: np.ndarray) -> _Chain:
        theta, beta = servers.theta[inverse], servers.beta[inverse]
        size = servers.cum_log_beta.shape[1]
        j = np.arange(1, size + 1, dtype=float)
        log_r = np.zeros((lam.size, size + 1))  # log(p_{c+k} / p_c)
        log_r[:, 1:] = j * np.log(lam / theta)[:, None] - servers.cum_log_beta[inverse]
        log_front = np.log1p(-blocking) - np.log(blocking)  # log(1/B - 1)
        top = np.maximum(log_r.max(axis=1), log_front)
        r = _exp(log_r - top[:, None])
        front = _exp(log_front - top)
        total = front + r.sum(axis=1)
        last_ratio = lam / (theta * (beta + size))
        tail = log_r[:, -1] - top - np.log(total) - np.log1p(-np.minimum(last_ratio, 1.0))
        well = ~((last_ratio >= 1.0) | (tail >= _LOG_TAIL))  # nan rows go to the scalar code
        return cls(r / total[:, None], front / total, well)


def _within(beta: np.ndarray, log_beta_j: np.ndarray, p_answer: np.ndarray,
            theta_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P(answered within t), P(abandoned within t)) given k waiting ahead, as
    ``erlang._within``: ``I_x(s, k + 1)`` as negative binomial CDFs."""
    size = log_beta_j.shape[1] - 1
    log_j = np.log(np.arange(1, size + 1, dtype=float))
    log_step = np.log(-np.expm1(-theta_t))[:, None]
    # size beta + 1: log((beta + j) / j); size beta: log((beta + j - 1) / j)
    cdf_plus = _cdf(beta + 1.0, theta_t, log_beta_j[:, 1:] - log_j + log_step)
    cdf = _cdf(beta, theta_t, log_beta_j[:, :-1] - log_j + log_step)
    answered = p_answer * (1.0 - cdf_plus)
    waiting = np.exp(-theta_t)[:, None] * cdf
    abandoned = np.clip(1.0 - answered - waiting, 0.0, 1.0)
    live = (theta_t > 0.0)[:, None]
    return np.where(live, answered, 0.0), np.where(live, abandoned, 0.0)


def _cdf(size: np.ndarray, theta_t: np.ndarray, steps: np.ndarray) -> np.ndarray:
    log_pmf = np.empty((steps.shape[0], steps.shape[1] + 1))
    log_pmf[:, 0] = -size * theta_t
    log_pmf[:, 1:] = log_pmf[:, :1] + np.cumsum(steps, axis=1)
    return np.minimum(np.cumsum(_exp(log_pmf), axis=1), 1.0)


def _exp(x: np.ndarray) -> np.ndarray:
    """``exp`` with arguments below -500 raised to -500: each such term moves a
    sum of probabilities by under 1e-217, and subnormal results slow numpy's
    ``exp`` several times over."""
    return np.exp(np.maximum(x, _LOWEST_LOG))


def _service_level(basis: str, ans_t: np.ndarray, ab_t: np.ndarray | float,
                   ab_s: np.ndarray | float, p_answer: np.ndarray) -> np.ndarray:
    """``erlang._service_level`` per row."""
    if basis == "offered":
        return ans_t
    if basis == "answered":
        return np.where(p_answer > 0.0, ans_t / p_answer, 0.0)
    if basis == "abandon_met":
        return ans_t + ab_t
    return np.where(ab_s < 1.0, ans_t / (1.0 - ab_s), 0.0)


def _unit(value: np.ndarray) -> np.ndarray:
    return np.clip(value, 0.0, 1.0)
