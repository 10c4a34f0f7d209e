"""Tests for planner.erlang against published values, limits and simulation."""

from __future__ import annotations

import heapq
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.erlang import ErlangAResult, ErlangCResult, erlang_a, erlang_b, erlang_c

PER_30_MIN = 1.0 / 1800.0


def _log_space_erlang_b(c: int, a: float) -> float:
    """Erlang B from its definition, in log space (independent of the recurrence)."""
    logs = np.array([k * math.log(a) - math.lgamma(k + 1) for k in range(c + 1)])
    return math.exp(logs[-1] - (logs.max() + math.log(np.exp(logs - logs.max()).sum())))


# --- Erlang B -------------------------------------------------------------------------


def test_erlang_b_known_value() -> None:
    assert erlang_b(10, 5.0) == pytest.approx(0.01838, abs=5e-6)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (10, 5.0), (50, 45.0), (500, 480.0)])
def test_erlang_b_recurrence_matches_log_space(c: int, a: float) -> None:
    assert erlang_b(c, a) == pytest.approx(_log_space_erlang_b(c, a), rel=1e-9)


def test_erlang_b_edge_cases() -> None:
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(5, 0.0) == 0.0


# --- Erlang C -------------------------------------------------------------------------


def test_erlang_c_published_example() -> None:
    r = erlang_c(100 * PER_30_MIN, 180.0, 14, 20.0)
    assert isinstance(r, ErlangCResult)
    assert r.offered_load == pytest.approx(10.0)
    assert r.probability_wait == pytest.approx(0.1741, abs=5e-4)
    assert r.service_level == pytest.approx(0.8884, abs=5e-4)
    assert r.asa_seconds == pytest.approx(7.84, abs=0.01)
    assert r.occupancy == pytest.approx(10 / 14)


def test_erlang_c_second_published_example() -> None:
    r = erlang_c(1000 / 3600, 120.0, 40, 20.0)
    assert r.service_level == pytest.approx(0.9372, abs=5e-4)


def test_erlang_c_overloaded() -> None:
    r = erlang_c(0.1, 200.0, 20)
    assert (r.probability_wait, r.service_level, r.occupancy) == (1.0, 0.0, 1.0)
    assert math.isinf(r.asa_seconds)


def test_results_are_frozen() -> None:
    r = erlang_c(0.05, 180.0, 12)
    with pytest.raises(AttributeError):
        r.agents = 3  # type: ignore[misc]


# --- Erlang A -------------------------------------------------------------------------


def test_erlang_a_published_example() -> None:
    r = erlang_a(100 * PER_30_MIN, 180.0, 14, patience_seconds=300.0)
    assert isinstance(r, ErlangAResult)
    assert r.probability_wait == pytest.approx(0.1453, abs=5e-4)
    assert r.probability_abandon == pytest.approx(0.0140, abs=5e-4)


@pytest.mark.parametrize(
    ("basis", "short", "expected"),
    [
        ("offered", 5.0, 0.797),
        ("answered", 5.0, 0.839),
        ("abandon_met", 5.0, 0.825),
        ("exclude_short", 5.0, 0.804),
        ("exclude_short", 20.0, 0.820),
    ],
)
def test_erlang_a_service_level_bases(basis: str, short: float, expected: float) -> None:
    r = erlang_a(0.1, 180.0, 20, 180.0, 20.0, basis, short)  # type: ignore[arg-type]
    assert r.service_level == pytest.approx(expected, abs=1e-3)
    assert r.service_level_basis == basis
    assert r.short_abandon_seconds == short


def test_erlang_a_internal_identities() -> None:
    lam, aht, theta = 100 * PER_30_MIN, 180.0, 1 / 300.0
    r = erlang_a(lam, aht, 14, 300.0)
    # Abandonment flux: lambda * P(ab) = theta * E[Lq] = theta * lambda * ASA.
    assert r.probability_abandon == pytest.approx(theta * r.asa_seconds, rel=1e-9)
    assert r.occupancy == pytest.approx(r.offered_load * (1 - r.probability_abandon) / 14)
    # ASA (all arrivals) splits into answered and abandoned parts.
    assert r.mean_wait_answered_seconds * (1 - r.probability_abandon) < r.asa_seconds


def test_erlang_a_tends_to_erlang_c() -> None:
    for lam, aht, c in [(100 * PER_30_MIN, 180.0, 14), (1000 / 3600, 120.0, 40)]:
        ra, rc = erlang_a(lam, aht, c, patience_seconds=1e7), erlang_c(lam, aht, c)
        assert ra.probability_wait == pytest.approx(rc.probability_wait, abs=1e-4)
        assert ra.service_level == pytest.approx(rc.service_level, abs=1e-4)
        assert ra.asa_seconds == pytest.approx(rc.asa_seconds, rel=1e-3)
        assert ra.probability_abandon < 1e-5


def test_erlang_a_zero_threshold_and_zero_traffic() -> None:
    r = erlang_a(0.1, 180.0, 20, 180.0, answer_within_seconds=0.0)
    assert r.service_level == pytest.approx(1 - r.probability_wait)
    idle = erlang_a(0.0, 180.0, 3, 60.0)
    assert (idle.probability_wait, idle.service_level, idle.occupancy) == (0.0, 1.0, 0.0)


def test_erlang_a_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        erlang_a(0.1, 180.0, 20, 0.0)
    with pytest.raises(ValueError):
        erlang_a(0.1, 180.0, 20, 180.0, 20.0, "nonsense")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        erlang_a(0.1, 180.0, 20, 180.0, 20.0, "exclude_short", 30.0)
    with pytest.raises(ValueError):
        erlang_c(0.1, 180.0, 0)


def _simulate_mmc_m(lam, aht, c, patience, t, short, n, seed):
    """FCFS M/M/c+M by the multi-server Lindley recursion (exact sample path)."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    services, patiences = rng.exponential(aht, n), rng.exponential(patience, n)
    free = [0.0] * c
    waited = answered_in = abandoned = abandoned_in = abandoned_short = 0
    total_wait = answered_wait = 0.0
    for arr, srv, pat in zip(arrivals, services, patiences, strict=True):
        offered_wait = max(0.0, free[0] - arr)
        waited += offered_wait > 0.0
        if offered_wait <= pat:
            heapq.heapreplace(free, arr + offered_wait + srv)
            answered_in += offered_wait <= t
            total_wait += offered_wait
            answered_wait += offered_wait
        else:
            abandoned += 1
            abandoned_in += pat <= t
            abandoned_short += pat <= short
            total_wait += pat
    return {
        "p_wait": waited / n, "p_abandon": abandoned / n, "asa": total_wait / n,
        "wait_answered": answered_wait / (n - abandoned),
        "offered": answered_in / n, "answered": answered_in / (n - abandoned),
        "abandon_met": (answered_in + abandoned_in) / n,
        "exclude_short": answered_in / (n - abandoned_short),
    }


def test_erlang_a_matches_simulation() -> None:
    """Checks the waiting-time derivation (positions ahead, own patience) end to end."""
    lam, aht, c, patience, t, short = 0.1, 45.0, 5, 60.0, 10.0, 3.0
    sim = _simulate_mmc_m(lam, aht, c, patience, t, short, n=400_000, seed=12345)
    for basis in ("offered", "answered", "abandon_met", "exclude_short"):
        r = erlang_a(lam, aht, c, patience, t, basis, short)  # type: ignore[arg-type]
        assert r.service_level == pytest.approx(sim[basis], abs=6e-3), basis
    assert r.probability_wait == pytest.approx(sim["p_wait"], abs=6e-3)
    assert r.probability_abandon == pytest.approx(sim["p_abandon"], abs=4e-3)
    assert r.asa_seconds == pytest.approx(sim["asa"], rel=0.03)
    assert r.mean_wait_answered_seconds == pytest.approx(sim["wait_answered"], rel=0.03)


# --- Numerical stability --------------------------------------------------------------


def test_stable_for_ten_thousand_agents() -> None:
    lam, aht = 9900 / 180.0, 180.0
    # Any warning or overflow / invalid / divide-by-zero fails; silent underflow of
    # negligible tail probabilities to 0.0 is numpy's (correct) default and is allowed.
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        assert erlang_b(10_000, 9900.0) > 0.0
        rc = erlang_c(lam, aht, 10_000)
        ra = erlang_a(lam, aht, 10_000, 300.0, 20.0, "exclude_short")
        over = erlang_a(1.05 * lam, aht, 10_000, 300.0)
    for r in (rc, ra, over):
        for value in (r.probability_wait, r.service_level, r.occupancy):
            assert math.isfinite(value) and 0.0 <= value <= 1.0
        assert math.isfinite(r.asa_seconds)
    assert rc.probability_wait == pytest.approx(ra.probability_wait, abs=0.1)
    assert 0.0 < over.probability_abandon < 1.0


# --- Properties -----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.1, 60.0),
    aht=st.floats(30.0, 600.0),
    agents=st.integers(1, 80),
    within=st.floats(0.0, 120.0),
)
def test_erlang_c_monotone_in_agents(load: float, aht: float, agents: int, within: float):
    lo, hi = (erlang_c(load / aht, aht, n, within) for n in (agents, agents + 1))
    assert hi.service_level >= lo.service_level - 1e-12
    assert hi.probability_wait <= lo.probability_wait + 1e-12


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(0.1, 60.0),
    aht=st.floats(30.0, 600.0),
    agents=st.integers(1, 80),
    patience=st.floats(10.0, 2000.0),
    within=st.floats(0.0, 120.0),
)
def test_erlang_a_monotone_in_agents(load, aht, agents, patience, within) -> None:
    lo, hi = (erlang_a(load / aht, aht, n, patience, within) for n in (agents, agents + 1))
    assert hi.service_level >= lo.service_level - 1e-9
    assert hi.probability_wait <= lo.probability_wait + 1e-9
    assert hi.probability_abandon <= lo.probability_abandon + 1e-9
