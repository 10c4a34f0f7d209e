"""The shipped scenarios validate, and the baseline looks like the organisation it claims to be.

The baseline (``scenarios/baseline.yaml``) is the example users copy: a mid-size B2B SaaS
support organisation sized from the support-operations playbook. These tests pin the figures
the scenario promises (customer and category mix, tier ratio, weekday volume, escalation
rates) so that an edit that drifts away from them is noticed. Nothing here measures wall-clock
time; the one simulation runs two reported days.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.config import WEEKDAYS, ScenarioConfig
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.recorder import Event

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
SCENARIO_FILES = sorted(SCENARIOS.rglob("*.yaml"))


@pytest.fixture(scope="module")
def baseline() -> ScenarioConfig:
    return load_scenario(BASELINE)


def handled_share(config: ScenarioConfig) -> float:
    """Share of contacts that self-service does not deflect, i.e. that become L1 tickets."""
    return sum(c.share * (1.0 - c.deflection_share) for c in config.categories.values())


def expected_l1_escalation(config: ScenarioConfig) -> float:
    """Expected share of L1-handled tickets that escalate to L2, from the category mix."""
    escalated = sum(c.share * (1.0 - c.deflection_share) * c.escalate_to_l2
                    for c in config.categories.values())
    return escalated / handled_share(config)


def expected_l2_to_l3(config: ScenarioConfig) -> float:
    """Expected share of L2 tickets that go on to L3, from the category mix."""
    weights = [(c.share * (1.0 - c.deflection_share) * c.escalate_to_l2, c.escalate_to_l3)
               for c in config.categories.values()]
    return sum(w * p for w, p in weights) / sum(w for w, _ in weights)


def weekday_contacts(config: ScenarioConfig) -> float:
    """Expected contacts on an average Mon-Fri (before seasonality and holidays)."""
    total = 0.0
    for channel in config.channels.values():
        factors = [channel.day_of_week_factors.get(day, 1.0) for day in WEEKDAYS[:5]]
        total += channel.volume_per_day * float(np.mean(factors))
    return total


# ----------------------------------------------------------------------------- every scenario


def test_the_scenario_folder_holds_the_baseline():
    assert BASELINE in SCENARIO_FILES


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_shipped_scenario_validates(path: Path):
    config = load_scenario(path)
    assert config.name


# ----------------------------------------------------------------------------- baseline figures


def test_customer_tiers_follow_the_playbook(baseline):
    assert baseline.customers.tiers == pytest.approx(
        {"enterprise": 0.15, "mid_market": 0.45, "smb": 0.40})
    assert set(baseline.sla) == set(baseline.customers.tiers)
    assert 1000 <= baseline.customers.pool_size <= 10000


def test_category_mix_is_led_by_login_api_and_billing(baseline):
    shares = {name: c.share for name, c in baseline.categories.items()}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["login_access"] == pytest.approx(0.22)
    assert shares["api_errors"] == pytest.approx(0.18)
    assert shares["billing_account"] == pytest.approx(0.15)
    top_three = sorted(shares, key=shares.get, reverse=True)[:3]
    assert top_three == ["login_access", "api_errors", "billing_account"]
    assert len(shares) >= 8


def test_deflection_and_escalation_follow_the_routing_matrix(baseline):
    cats = baseline.categories
    # self-service answers account and how-to questions, not technical faults
    for easy in ("login_access", "billing_account", "how_to_feature"):
        assert 0.2 <= cats[easy].deflection_share <= 0.35
    for technical in ("api_errors", "performance", "data_issues", "enterprise_sso", "security"):
        assert cats[technical].deflection_share <= 0.1
        assert cats[technical].escalate_to_l2 > max(cats["login_access"].escalate_to_l2,
                                                   cats["billing_account"].escalate_to_l2)


def test_expected_escalation_rates_are_in_the_playbook_ranges(baseline):
    assert 0.15 <= expected_l1_escalation(baseline) <= 0.25
    assert 0.05 <= expected_l2_to_l3(baseline) <= 0.10
    # also when measured against all contacts rather than handled tickets
    raw = sum(c.share * c.escalate_to_l2 for c in baseline.categories.values())
    assert 0.15 <= raw <= 0.25


def test_priority_mix(baseline):
    assert sum(baseline.priorities.values()) == pytest.approx(1.0)
    assert list(baseline.priorities) == ["P1", "P2", "P3", "P4", "P5"]
    assert baseline.priorities["P1"] < baseline.priorities["P2"] < baseline.priorities["P3"]
    assert max(baseline.priorities, key=baseline.priorities.get) == "P3"


def test_tier_ratio_is_near_8_3_1(baseline):
    heads = {tier: sum(g.count for g in baseline.agents if g.tier == tier)
             for tier in ("L1", "L2", "L3")}
    assert heads["L3"] >= 1
    assert heads["L1"] / heads["L3"] == pytest.approx(8.0, rel=0.15)
    assert heads["L2"] / heads["L3"] == pytest.approx(3.0, rel=0.15)


def test_weekday_volume_is_in_the_hundreds(baseline):
    contacts = weekday_contacts(baseline)
    assert 200 <= contacts <= 1000
    tickets = contacts * handled_share(baseline)
    assert 200 <= tickets <= 1000


def test_weekends_are_quieter_and_monday_surges(baseline):
    for name in ("email", "web", "social"):
        factors = baseline.channels[name].day_of_week_factors
        assert factors["sat"] < 0.5 and factors["sun"] < 0.5
    for channel in baseline.channels.values():
        assert channel.day_of_week_factors["mon"] == max(
            channel.day_of_week_factors.get(d, 1.0) for d in WEEKDAYS)


def test_sla_matrix_matches_the_worked_example(baseline):
    sla = baseline.sla
    worked = {("enterprise", "P1"): (15, 240), ("enterprise", "P2"): (60, 480),
              ("mid_market", "P1"): (30, 480), ("mid_market", "P2"): (120, 1440),
              ("smb", "P1"): (60, 1440), ("smb", "P2"): (240, 2880)}
    for (tier, priority), (first, resolution) in worked.items():
        assert sla[tier][priority].first_response_minutes == first
        assert sla[tier][priority].resolution_minutes == resolution
    for tier in sla:
        assert not sla[tier]["P1"].business_hours
        assert all(sla[tier][p].business_hours for p in ("P3", "P4", "P5"))
        first = [sla[tier][p].first_response_minutes for p in ("P1", "P2", "P3", "P4", "P5")]
        assert first == sorted(first)


def test_new_hires_and_weekend_cover_are_staffed(baseline):
    assert any(g.tenure_weeks is not None and g.tenure_weeks < 7 for g in baseline.agents)
    weekend = [g for g in baseline.agents
               if g.tier == "L1" and any("sat" in week or "sun" in week for week in g.shifts)]
    assert weekend
    assert {"email", "web", "social"} <= {skill for g in weekend for skill in g.skills}
    for channel in baseline.channels:
        assert any(channel in g.skills for g in baseline.agents if g.tier == "L1"), channel


# ----------------------------------------------------------------------------- a short run


def test_a_short_baseline_run_serves_its_customers():
    config = load_scenario(BASELINE, ("calendar.days=2", "calendar.warmup_days=1"))
    events = simulate(config, 1).events.to_pandas()
    reported = events[events["time"] >= 0.0]
    arrivals = reported[reported["event"] == int(Event.ARRIVE)]
    # Mon 5 + Tue 6 January 2026: a few hundred contacts a day
    assert 2 * 200 <= len(arrivals) <= 2 * 1000
    assigned = reported[reported["event"] == int(Event.ASSIGN)]
    assert len(assigned) > len(arrivals) / 2
    abandoned = reported[reported["event"] == int(Event.ABANDON)]
    live = arrivals[arrivals["channel"].isin([0, 1])]
    assert len(abandoned) < len(live) / 2
    assert (reported["event"] == int(Event.ESCALATE)).any()
