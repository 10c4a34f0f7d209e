"""The engine against Erlang C (M/M/c) and Erlang A (M/M/c+M).

Method: independent replications, one value per replication and metric,
after a warm-up from empty; a 99.9% t-interval around the mean must contain
the formula's value, and must be tight (half-width <= 0.01 absolute for
probabilities of waiting and service levels, <= 10% relative for the
probability of abandoning and ASA), so a loose interval cannot pass by being
vague. Cases were sized with pilot runs so that the expected half-width sits
20-30% inside its bound (the estimate of a standard deviation from 30-40
replications moves by about 12%); the suite simulates about 21 million
customers on two worker processes.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from theory_cases import METRICS, THRESHOLD_SECONDS, TheoryCase, run_cases

from planner.erlang import erlang_a, erlang_c

pytestmark = pytest.mark.theory

ERLANG_C = [
    TheoryCase("c1_load0.7", agents=1, load=0.7, days=45, replications=30),
    TheoryCase("c5_load0.8", agents=5, load=0.8, days=35, replications=40),
    TheoryCase("c20_load0.9", agents=20, load=0.9, days=15, replications=44),
    TheoryCase("c100_load0.85", agents=100, load=0.85, days=3, replications=30),
    TheoryCase("c200_load0.9", agents=200, load=0.9, days=2, replications=30),
]
ERLANG_A = [
    TheoryCase("c20_load0.9_patience180", agents=20, load=0.9, days=6, replications=36,
               patience_seconds=180.0),
    TheoryCase("c5_load1.2_patience120", agents=5, load=1.2, days=8, replications=20,
               patience_seconds=120.0),
]
CHAT = [TheoryCase("chat_5x3_load0.7", agents=5, load=0.7, days=6, replications=40,
                   chat_concurrency=3)]
ABSOLUTE, RELATIVE = 0.01, 0.10


@pytest.fixture(scope="module")
def simulated() -> dict[str, np.ndarray]:
    return run_cases(ERLANG_C + ERLANG_A + CHAT)


def interval(values: np.ndarray) -> tuple[float, float]:
    """Mean and 99.9% t-interval half-width of one value per replication."""
    n = values.size
    half = stats.t.ppf(0.9995, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return float(values.mean()), float(half)


def check(simulated, case: TheoryCase, metric: str, expected: float, relative: bool = False):
    mean, half = interval(simulated[case.name][:, METRICS.index(metric)])
    bound = RELATIVE * expected if relative else ABSOLUTE
    assert half <= bound, f"{case.name} {metric}: interval too loose (+-{half:.4f} > {bound:.4f})"
    assert abs(mean - expected) <= half, (
        f"{case.name} {metric}: simulated {mean:.4f} +- {half:.4f}, theory {expected:.4f}")


@pytest.mark.parametrize("case", ERLANG_C, ids=lambda c: c.name)
def test_mmc_matches_erlang_c(simulated, case):
    theory = erlang_c(case.arrival_rate, case.aht_seconds, case.servers, THRESHOLD_SECONDS)
    check(simulated, case, "probability_wait", theory.probability_wait)
    check(simulated, case, "sl_offered", theory.service_level)
    if case.agents <= 50:
        check(simulated, case, "mean_wait", theory.asa_seconds, relative=True)


@pytest.mark.parametrize("case", ERLANG_A, ids=lambda c: c.name)
def test_mmc_abandon_matches_erlang_a(simulated, case):
    def theory(basis: str):
        return erlang_a(case.arrival_rate, case.aht_seconds, case.servers, case.patience_seconds,
                        THRESHOLD_SECONDS, basis, short_abandon_seconds=5.0)

    offered = theory("offered")
    check(simulated, case, "probability_wait", offered.probability_wait)
    check(simulated, case, "probability_abandon", offered.probability_abandon, relative=True)
    check(simulated, case, "mean_wait", offered.asa_seconds, relative=True)
    for basis in ("offered", "answered", "abandon_met", "exclude_short"):
        check(simulated, case, f"sl_{basis}", theory(basis).service_level)


@pytest.mark.parametrize("case", CHAT, ids=lambda c: c.name)
def test_chat_with_k_slots_and_no_slowdown_is_erlang_c_with_k_servers_per_agent(simulated, case):
    theory = erlang_c(case.arrival_rate, case.aht_seconds, case.servers, THRESHOLD_SECONDS)
    check(simulated, case, "probability_wait", theory.probability_wait)
    check(simulated, case, "sl_offered", theory.service_level)
    check(simulated, case, "mean_wait", theory.asa_seconds, relative=True)
