"""Hand-computed examples for simulator/kpis.py, plus one end-to-end consistency check."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from simulator.breakdowns import kpi_breakdowns
from simulator.config import CHANNELS, ConfigError, KpiBand
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.kpis import (
    DEFINITIONS,
    band_for,
    compute_kpis,
    contact_kpis,
    scorecard_measures,
    staffing_kpis,
    status,
    targets_met,
    ticket_kpis,
    tickets_per_agent_day,
)
from simulator.loading import load_scenario
from simulator.queue_stats import live_outcomes, service_level

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "scenarios/theory/mmc.yaml"
NAN = math.nan

# --------------------------------------------------------------------------- ticket_kpis

# Six tickets (times in seconds, durations in minutes):
#   A solved fast, one touch, rated 5, in SLA.
#   B solved late, escalated and reopened, rated 2: breaches FRT (30 >= 15) and resolution
#     (600 >= 240; 600 / 240 = 2.5 -> severe).
#   C solved, no SLA policy (NaN targets), not rated.
#   D answered but open at the horizon, unbreached: left out of resolution compliance.
#   E never answered, open, escalated, already breached both clocks: counts as decided.
#   F solved after three reopens, each within 24 h of a solve (severe), rated 4, in SLA.
# B and F are asynchronous (email) with a next-reply target of 60 min; B left a customer
# message unanswered too long. The horizon is 43,200 s (12 h); D and E are open.
HORIZON = 43200.0
TICKETS = pd.DataFrame({
    "created": [0.0, 0.0, 0.0, 0.0, 7200.0, 0.0],
    "live": [True, False, False, True, False, False],
    "ticket_id": [1, 2, 3, 4, 5, 6],
    "first_response_at": [600.0, 1800.0, 300.0, 1200.0, NAN, 900.0],
    "solved_at": [7200.0, 36000.0, 3600.0, NAN, NAN, 10800.0],
    "frt_calendar_minutes": [10.0, 30.0, 5.0, 20.0, NAN, 15.0],
    "frt_business_minutes": [10.0, 20.0, 5.0, 0.0, NAN, 15.0],
    "resolution_calendar_minutes": [120.0, 600.0, 60.0, NAN, NAN, 180.0],
    "resolution_business_minutes": [60.0, 300.0, 60.0, NAN, NAN, 120.0],
    "fcr": [True, False, True, False, False, False],
    "csat_score": [5.0, 2.0, NAN, NAN, NAN, 4.0],
    "sla_first_response_target_minutes": [15.0, 15.0, NAN, 60.0, 15.0, 60.0],
    "sla_first_response_breached": [False, True, False, False, True, False],
    "sla_resolution_target_minutes": [240.0, 240.0, NAN, 240.0, 240.0, 240.0],
    "sla_resolution_breached": [False, True, False, False, True, False],
    "sla_next_reply_target_minutes": [60.0, 60.0, NAN, 60.0, NAN, 60.0],
    "sla_next_reply_breached": [False, True, False, False, False, False],
    "customer_messages": [0, 2, 1, 0, 0, 3],
    "sla_first_response_elapsed_minutes": [10.0, 30.0, 5.0, 20.0, 50.0, 15.0],
    "sla_severe_breach": [False, True, False, False, False, False],
    "escalations": [0, 1, 0, 0, 1, 0],
    "reopens": [0, 1, 0, 0, 0, 3],
    "reopens_within_24h": [0, 1, 0, 0, 0, 3],
    "open_at_horizon": [False, False, False, True, True, False],
})


def test_ticket_kpis_hand_computed():
    kpis = ticket_kpis(TICKETS, HORIZON)
    expected = {
        "tickets": 6,
        # FRT of the 5 answered: 10, 30, 5, 20, 15 -> mean 80 / 5 = 16; sorted median 15;
        # p90 (linear) of 5, 10, 15, 20, 30: position 0.9 x 4 = 3.6 -> 20 + 0.6 x 10 = 26.
        "frt_mean_minutes": 16.0,
        "frt_median_minutes": 15.0,
        "frt_p90_minutes": 26.0,
        # Business FRT 10, 20, 5, 0, 15: mean 10, median 10, p90 15 + 0.6 x 5 = 18.
        "frt_business_mean_minutes": 10.0,
        "frt_business_median_minutes": 10.0,
        "frt_business_p90_minutes": 18.0,
        # Asynchronous tickets B, C, E, F; answered B, C, F: (30 + 5 + 15) / 3.
        "frt_async_mean_minutes": 50 / 3,
        # TTR of the 4 solved: 2, 10, 1, 3 h -> mean 16 / 4 = 4; median (2 + 3) / 2 = 2.5;
        # p90 of 1, 2, 3, 10: position 2.7 -> 3 + 0.7 x 7 = 7.9.
        "ttr_mean_hours": 4.0,
        "ttr_median_hours": 2.5,
        "ttr_p90_hours": 7.9,
        # Business TTR 1, 5, 1, 2 h: mean 2.25, median 1.5, p90 2 + 0.7 x 3 = 4.1.
        "ttr_business_mean_hours": 2.25,
        "ttr_business_median_hours": 1.5,
        "ttr_business_p90_hours": 4.1,
        # FCR: A and C of the 4 solved (A, B, C, F).
        "fcr_rate": 2 / 4,
        # CSAT responses 5, 2, 4: mean 11 / 3; 4-5 are 2 of 3.
        "csat_mean": 11 / 3,
        "csat_satisfied_rate": 2 / 3,
        "csat_responses": 3,
        # FRT decided = (answered or breached) with a target: A, B, D, E, F (C has no
        # target); breached B, E -> 1 - 2/5.
        "sla_first_response_compliance": 1 - 2 / 5,
        # Resolution decided = (solved or breached) with a target: A, B, E, F (C has no
        # target, D is open and unbreached); breached B, E -> 1 - 2/4.
        "sla_resolution_compliance": 1 - 2 / 4,
        # Next reply decided = target and a customer message (or breached): B, F (A and D
        # had no message, C and E no target); breached B -> 1 - 1/2.
        "sla_next_reply_compliance": 0.5,
        # FRT elapsed / target of the responded with a target: A 10/15, B 30/15, D 20/60,
        # F 15/60 -> (2/3 + 2 + 1/3 + 1/4) / 4 = 0.8125.
        "frt_sla_share_mean": 0.8125,
        # Any clock breached: B, E; at 200%: B.
        "sla_breaches": 2,
        "sla_severe_breaches": 1,
        # Escalated B, E of 6 tickets; reopened B, F of 4 solved.
        "escalation_rate": 2 / 6,
        "reopen_rate": 2 / 4,
        "open_at_horizon": 2,
        # Backlog D (created 0) and E (created 2 h) at 12 h: ages 12 and 10 h.
        "backlog_age_mean_hours": 11.0,
        # Reopened within 24 h: B, F of 4 solved; F three times (severe).
        "reopened_24h_rate": 2 / 4,
        "severe_reopens": 1,
        # Rated 1-2: B of 3 responses.
        "low_rating_rate": 1 / 3,
        # Points: B 1 (reopen) + 1 (escalated) + 1 (rated 2); E 1 (escalated); F 3
        # (severe reopen) -> 7 / 6 tickets.
        "frustration_index": 7 / 6,
    }
    assert kpis.keys() == expected.keys()
    for name, value in expected.items():
        assert kpis[name] == pytest.approx(value), name


def test_ticket_kpis_nan_without_solves_or_responses():
    # Only ticket E: nothing solved, answered or rated.
    kpis = ticket_kpis(TICKETS.iloc[[4]])
    for name in ("frt_mean_minutes", "frt_median_minutes", "ttr_mean_hours",
                 "ttr_median_hours", "fcr_rate", "csat_mean", "csat_satisfied_rate",
                 "reopen_rate"):
        assert math.isnan(kpis[name]), name
    assert kpis["csat_responses"] == 0
    # E breached both clocks while open: both compliances are 1 - 1/1 = 0.
    assert kpis["sla_first_response_compliance"] == 0.0
    assert kpis["sla_resolution_compliance"] == 0.0
    assert kpis["escalation_rate"] == 1.0


def test_ticket_kpis_compliance_nan_when_nothing_decided():
    # Only C (no target) and D (open, unbreached): resolution has nothing decided,
    # and only D's first response (target 60, in time) is decided -> 1 - 0/1.
    kpis = ticket_kpis(TICKETS.iloc[[2, 3]])
    assert math.isnan(kpis["sla_resolution_compliance"])
    assert kpis["sla_first_response_compliance"] == 1.0


# --------------------------------------------------------------------------- contact_kpis

# 8 contacts: 2 deflected, so 6 offered. Answered waits 0, 10, 25; abandoned after 8 and
# 40 s; one still waiting at the horizon. Threshold 20 s: answered within it: 0, 10 -> 2.
CONTACTS = pd.DataFrame({
    "outcome": ["ticket", "ticket", "ticket", "abandoned", "abandoned", "deflected",
                "waiting_at_horizon", "deflected"],
    "wait_seconds": [0.0, 10.0, 25.0, 8.0, 40.0, NAN, NAN, NAN],
    "answered_at": [100.0, 110.0, 125.0, NAN, NAN, NAN, NAN, NAN],
})


def _config(*overrides: str):
    return load_scenario(MMC, overrides)


@pytest.mark.parametrize(("overrides", "expected"), [
    ((), 2 / 6),                                                     # offered: 2 / 6
    (("service_level_basis=answered",), 2 / 3),                      # 2 / 3 answered
    (("service_level_basis=abandon_met",), 3 / 6),                   # (2 + abandon at 8) / 6
    (("service_level_basis=exclude_short",), 2 / 6),                 # no abandon <= 5 s
    (("service_level_basis=exclude_short", "short_abandon_seconds=10"), 2 / 5),  # 8 <= 10
])
def test_contact_kpis_live(overrides, expected):
    kpis = contact_kpis(_config(*overrides), CONTACTS, True, 20.0)
    assert kpis["contacts"] == 8
    assert kpis["deflection_rate"] == pytest.approx(2 / 8)
    assert kpis["service_level"] == pytest.approx(expected)
    assert kpis["asa_seconds"] == pytest.approx((0 + 10 + 25) / 3)
    assert kpis["abandonment_rate"] == pytest.approx(2 / 6)


def test_contact_kpis_async_has_no_queue_kpis():
    kpis = contact_kpis(_config(), CONTACTS, False, 0.0)
    assert kpis == {"contacts": 8, "deflection_rate": pytest.approx(0.25)}


def test_contact_kpis_nothing_offered():
    # Only deflected contacts: deflection 2/2, service level, ASA and abandonment NaN.
    kpis = contact_kpis(_config(), CONTACTS.iloc[[5, 7]], True, 20.0)
    assert kpis["deflection_rate"] == 1.0
    assert math.isnan(kpis["service_level"])
    assert math.isnan(kpis["asa_seconds"])
    assert math.isnan(kpis["abandonment_rate"])


# --------------------------------------------------------------------------- staffing_kpis


def test_staffing_kpis_occupancy_and_utilisation():
    # busy 3600 + 1800 = 5400; available 1200 + 600 = 1800; break 900; lunch 1800;
    # training 900; absent 3600 (agent 2). Paid 14,400 s = 4 h.
    # Occupancy 5400 / (5400 + 1800) = 0.75; utilisation 5400 / 14400 = 0.375;
    # in-shift shrinkage (900 + 1800 + 900) / 14400 = 0.25; out-of-shift 3600 / 14400.
    # Cost: agents 0 and 1 are L1 at 30/h (3 h), agent 2 is L2 at 50/h (1 h) -> 140.
    states = pd.DataFrame({
        "agent_id": [0, 0, 0, 0, 1, 1, 1, 2],
        "tier": ["L1"] * 7 + ["L2"],
        "state": ["available", "busy", "break", "lunch", "busy", "available", "training", "absent"],
        "duration_seconds": [1200.0, 3600.0, 900.0, 1800.0, 1800.0, 600.0, 900.0, 3600.0],
    })
    config = _config("tiers.L1.hourly_cost=30", "tiers.L2={hourly_cost: 50}")
    assert staffing_kpis(states, config) == {
        "occupancy": pytest.approx(0.75), "utilisation": pytest.approx(0.375),
        "shrinkage_in_shift": pytest.approx(0.25), "shrinkage_out_of_shift": pytest.approx(0.25),
        "shrinkage": pytest.approx(0.5), "paid_hours": pytest.approx(4.0),
        "agent_cost": pytest.approx(140.0)}
    # Without the config there is no hourly cost.
    assert math.isnan(staffing_kpis(states)["agent_cost"])


def test_staffing_kpis_without_busy_or_available_time():
    # Only a break: occupancy 0 / 0 is NaN, utilisation 0 / 900 = 0, all in-shift shrinkage.
    kpis = staffing_kpis(pd.DataFrame({"state": ["break"], "duration_seconds": [900.0]}))
    assert math.isnan(kpis["occupancy"])
    assert kpis["utilisation"] == 0.0
    assert kpis["shrinkage_in_shift"] == 1.0
    # Available but never busy: occupancy 0 / 600 = 0.
    idle = staffing_kpis(pd.DataFrame({"state": ["available"], "duration_seconds": [600.0]}))
    assert (idle["occupancy"], idle["utilisation"], idle["shrinkage"]) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------------------- targets_met


def test_targets_met():
    # Defaults: phone and chat service level 0.8, abandonment <= 0.05, FRT compliance
    # 0.95, resolution compliance 0.90, no severe breach. Chat is not a channel here.
    config = _config()
    channels = {"phone": {"service_level": 0.8, "abandonment_rate": 0.06}}
    overall = {"sla_first_response_compliance": NAN, "sla_resolution_compliance": 0.85,
               "sla_severe_breaches": 0}
    checks = targets_met(config, channels, overall)
    assert set(checks) == {"phone_service_level", "phone_abandonment",
                           "sla_first_response_compliance", "sla_resolution_compliance",
                           "sla_severe_breaches"}
    assert checks["phone_service_level"] == {"target": 0.8, "value": 0.8, "met": True}  # >=
    assert checks["phone_abandonment"] == {"target": 0.05, "value": 0.06, "met": False}
    assert checks["sla_first_response_compliance"]["met"] is True   # NaN: nothing decided
    assert checks["sla_resolution_compliance"] == {"target": 0.9, "value": 0.85, "met": False}
    assert checks["sla_severe_breaches"] == {"target": 0, "value": 0, "met": True}


def test_targets_met_severe_breach_and_compliance_at_target():
    config = _config()
    channels = {"phone": {"service_level": 0.79, "abandonment_rate": 0.05}}
    overall = {"sla_first_response_compliance": 0.95, "sla_resolution_compliance": 0.9,
               "sla_severe_breaches": 1}
    checks = targets_met(config, channels, overall)
    assert checks["phone_service_level"]["met"] is False
    assert checks["phone_abandonment"]["met"] is True        # 0.05 <= 0.05
    assert checks["sla_first_response_compliance"]["met"] is True
    assert checks["sla_resolution_compliance"]["met"] is True
    assert checks["sla_severe_breaches"]["met"] is False     # 1 > 0


# --------------------------------------------------------------------------- status


def test_status_against_bands():
    occupancy = KpiBand(target_min=0.7, target_max=0.8, warning_min=0.6, warning_max=0.9)
    assert [status(v, occupancy) for v in (0.7, 0.75, 0.8, 0.65, 0.85, 0.6, 0.55, 0.95)] == [
        "met", "met", "met", "warning", "warning", "warning", "missed", "missed"]
    csat = KpiBand(target_min=0.9, warning_min=0.85)
    assert [status(v, csat) for v in (0.95, 0.87, 0.8)] == ["met", "warning", "missed"]
    # No warning bound: leaving the target is missed at once.
    assert status(1, KpiBand(target_max=0)) == "missed"
    assert status(NAN, csat) == "n/a" and status(0.5, None) == "n/a"


def test_playbook_bands_and_legacy_targets():
    config = _config()
    assert band_for(config, "csat_satisfied_rate") == KpiBand(target_min=0.9, warning_min=0.85)
    assert band_for(config, "ttr_mean_hours") == KpiBand(target_max=24.0, warning_max=72.0)
    assert band_for(config, "frt_async_mean_minutes") == KpiBand(target_max=60.0, warning_max=240.0)
    assert band_for(config, "fcr_rate") == KpiBand(target_min=0.7, warning_min=0.5)
    assert band_for(config, "reopen_rate") == KpiBand(target_max=0.05, warning_max=0.10)
    # Service level and abandonment take their target from the existing fields, per channel.
    assert band_for(config, "service_level", "phone") == KpiBand(target_min=0.8, warning_min=0.7)
    assert band_for(config, "service_level", "email") is None
    assert band_for(config, "abandonment_rate", "phone") == KpiBand(target_max=0.05, warning_max=0.1)
    assert band_for(config, "utilisation") is None          # no band: it includes shrinkage
    overridden = _config("targets.service_level.phone=0.9",
                         "targets.kpis={service_level: {warning_min: 0.85}, "
                         "csat_satisfied_rate: {target_min: 0.8, warning_min: 0.7}}")
    assert band_for(overridden, "service_level", "phone") == KpiBand(target_min=0.9, warning_min=0.85)
    assert band_for(overridden, "csat_satisfied_rate") == KpiBand(target_min=0.8, warning_min=0.7)
    assert band_for(overridden, "fcr_rate") == KpiBand(target_min=0.7, warning_min=0.5)


@pytest.mark.parametrize(("override", "message"), [
    ("targets.kpis={speed: {target_max: 1}}", "targets.kpis: unknown KPI 'speed'"),
    ("targets.kpis={service_level: {target_min: 0.9}}", "set its target with targets.service_level"),
    ("targets.kpis={fcr_rate: {target_min: 0.7, warning_min: 0.8}}", "warning_min must be <= target_min"),
])
def test_kpi_targets_are_validated(override, message):
    with pytest.raises(ConfigError, match=message):
        _config(override)


def test_tickets_per_agent_day_hand_computed():
    # Day 1: agent a completed work on tickets 1, 2, 2 (ticket 2 twice: counts once), agent b
    # on ticket 3; agent c only had a break (not logged in for contacts). Day 2: a logged in,
    # no work. Handled (ticket, agent, day) 3 / agent-days logged in 3 (a d1, b d1, a d2) = 1.
    work = pd.DataFrame({"ticket_id": [1, 2, 2, 3], "agent": ["a", "a", "a", "b"],
                         "tier": ["L1", "L1", "L1", "L2"], "date": ["d1"] * 4})
    spells = pd.DataFrame({"agent": ["a", "b", "c", "a"], "tier": ["L1", "L2", "L1", "L1"],
                           "date": ["d1", "d1", "d1", "d2"],
                           "state": ["available", "busy", "break", "available"]})
    assert tickets_per_agent_day(work, spells).iloc[0] == pytest.approx(1.0)
    by_tier = tickets_per_agent_day(work, spells, work["tier"].to_numpy(), spells["tier"].to_numpy())
    assert by_tier.to_dict() == {"L1": pytest.approx(2 / 2), "L2": pytest.approx(1 / 1)}


def test_scorecard_measures_hand_computed():
    # Agent a: adherence 0.9 of 3600 s and 0.5 of 7200 s scheduled; b: nothing scheduled
    # (vacation, adherence NaN). Adhered 3240 + 3600 = 6840 of 10,800 s. QA: a 80 and 90.
    cards = pd.DataFrame({"agent": ["a", "a", "b"], "scheduled_seconds": [3600.0, 7200.0, 0.0],
                          "adherence": [0.9, 0.5, NAN]})
    reviews = pd.DataFrame({"agent": ["a", "a"], "qa_score": [80.0, 90.0]})
    overall = scorecard_measures(cards, reviews).iloc[0]
    assert overall["adherence"] == pytest.approx(6840 / 10800)
    assert overall["qa_score_mean"] == pytest.approx(85.0)
    by_agent = scorecard_measures(cards, reviews, cards["agent"].to_numpy(), reviews["agent"].to_numpy())
    assert by_agent.loc["a", "adherence"] == pytest.approx(6840 / 10800)
    assert math.isnan(by_agent.loc["b", "adherence"]) and math.isnan(by_agent.loc["b", "qa_score_mean"])


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def run():
    config = load_scenario(ROOT / "scenarios/theory/mmc_abandon.yaml",
                           ("calendar.days=1", "calendar.warmup_days=0"))
    result = simulate(config, 11)
    datasets = build_datasets(config, result)
    return config, result, datasets, compute_kpis(config, datasets, result.roster)


def test_phone_kpis_match_direct_service_level(run):
    config, result, datasets, kpis = run
    contacts = datasets.contacts
    phone = contacts[contacts["channel"] == CHANNELS.index("phone")]
    offered = phone[phone["outcome"] != "deflected"]
    answered = offered[offered["answered_at"].notna()]
    abandoned = offered[offered["outcome"] == "abandoned"]
    assert len(answered) > 0 and len(abandoned) > 0
    threshold = config.channels["phone"].answer_within_seconds
    expected = service_level(answered["wait_seconds"], abandoned["wait_seconds"], len(offered),
                             threshold, config.service_level_basis, config.short_abandon_seconds)
    values = kpis["channels"]["phone"]
    assert values["service_level"] == pytest.approx(expected)
    assert values["abandonment_rate"] == pytest.approx(len(abandoned) / len(offered))
    assert values["asa_seconds"] == pytest.approx(answered["wait_seconds"].mean())
    # The same contacts read straight from the event log give the same service level.
    live = live_outcomes(result.events, CHANNELS.index("phone"), 0.0, result.calendar.sim_end)
    assert live.offered == len(offered)
    assert live.service_level(threshold, config.service_level_basis) == pytest.approx(expected)


def test_interval_table_sums_to_contact_counts(run):
    config, _result, datasets, kpis = run
    contacts = datasets.contacts
    phone = contacts[contacts["channel"] == CHANNELS.index("phone")]
    intervals = datasets.intervals[datasets.intervals["channel"] == "phone"]
    assert len(intervals) == 96                       # one day of 15-minute intervals
    assert intervals["offered"].sum() == (phone["outcome"] != "deflected").sum()
    assert intervals["answered"].sum() == phone["answered_at"].notna().sum()
    assert intervals["abandoned"].sum() == (phone["outcome"] == "abandoned").sum()
    # Offered = answered + abandoned + still waiting at the horizon.
    waiting = (phone["outcome"] == "waiting_at_horizon").sum()
    assert intervals["offered"].sum() == (intervals["answered"].sum()
                                          + intervals["abandoned"].sum() + waiting)
    # On the 'offered' basis, answered within threshold summed over the intervals, over
    # offered summed, is the phone KPI.
    assert config.service_level_basis == "offered"
    within = intervals["answered_within_threshold"].sum()
    assert within / intervals["offered"].sum() == pytest.approx(
        kpis["channels"]["phone"]["service_level"])


def test_status_and_definitions_in_kpis(run):
    config, _result, _datasets, kpis = run
    overall = kpis["status"]["overall"]
    assert set(overall) <= set(DEFINITIONS)
    for name in ("csat_satisfied_rate", "fcr_rate", "occupancy", "frustration_index",
                 "cost_per_ticket", "shrinkage_in_shift", "sla_next_reply_compliance"):
        assert name in overall, name
    assert {e["status"] for e in overall.values()} <= {"met", "warning", "missed", "n/a"}
    phone = kpis["status"]["channels"]["phone"]["service_level"]
    assert phone["target_min"] == config.targets.service_level["phone"]
    values = kpis["overall"]
    assert values["cost_per_ticket"] == pytest.approx(values["agent_cost"] / values["tickets"])
    assert kpis["definitions"]["csat_satisfied_rate"]["formula"] == "scores 4-5 / survey responses"


def test_kpi_breakdowns_agree_with_kpis(run):
    config, _result, datasets, kpis = run
    table = kpi_breakdowns(config, datasets)
    assert list(table.columns) == ["dimension", "key", "kpi", "value", "status"]
    assert set(table["dimension"]) >= {"overall", "channel", "tier", "category", "priority",
                                       "customer_tier", "agent", "day", "week", "month"}
    assert not table.duplicated(["dimension", "key", "kpi"]).any()
    value = table.set_index(["dimension", "key", "kpi"])["value"]
    for name in ("tickets", "csat_satisfied_rate", "fcr_rate", "occupancy", "utilisation",
                 "ttr_mean_hours", "sla_breaches", "cost_per_ticket", "adherence",
                 "qa_score_mean", "tickets_per_agent_day", "shrinkage"):
        assert value[("overall", "all", name)] == pytest.approx(kpis["overall"][name], nan_ok=True), name
    assert value[("channel", "phone", "service_level")] == pytest.approx(
        kpis["channels"]["phone"]["service_level"])
    day_tickets = table[(table["dimension"] == "day") & (table["kpi"] == "tickets")]["value"]
    assert day_tickets.sum() == len(datasets.tickets)
    assert set(table["status"]) <= {"met", "warning", "missed", "n/a"}
