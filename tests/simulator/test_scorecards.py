"""The daily table and the agent scorecards: hand-computed examples and invariants."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import small_scenarios

from simulator.agents import Block, RosterAgent, Spell
from simulator.calendar import calendar_for
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.loading import load_scenario, validate_scenario
from simulator.recorder import AgentState
from simulator.scorecards import adherence_seconds, build_daily, scheduled_segments

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "scenarios/theory/mmc.yaml"
NAN = math.nan
DAY = 86400.0


def ticket_rows(**columns) -> pd.DataFrame:
    """Tickets with every column the KPI functions read; ``columns`` override the defaults."""
    n = len(next(iter(columns.values())))
    defaults = {
        "channel": "phone", "created": 0.0, "live": True, "first_response_at": 60.0,
        "solved_at": 3600.0, "first_solved_at": 3600.0, "frt_calendar_minutes": 1.0,
        "frt_business_minutes": 1.0, "resolution_calendar_minutes": 60.0,
        "resolution_business_minutes": 60.0, "fcr": False, "csat_score": NAN,
        "sla_first_response_target_minutes": NAN, "sla_first_response_breached": False,
        "sla_resolution_target_minutes": NAN, "sla_resolution_breached": False,
        "sla_next_reply_target_minutes": NAN, "sla_next_reply_breached": False,
        "customer_messages": 0, "sla_first_response_elapsed_minutes": 1.0,
        "sla_severe_breach": False, "escalations": 0, "reopens": 0, "reopens_within_24h": 0,
        "open_at_horizon": False, "sla_business_hours": False, "ticket_id": np.arange(1, n + 1),
    }
    frame = pd.DataFrame({k: v for k, v in defaults.items() if k not in columns}, index=range(n))
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_daily_hand_computed():
    # Two days (UTC, no warm-up), phone only, 20 s threshold on the 'offered' basis.
    config = load_scenario(MMC, ("calendar.days=2", "calendar.warmup_days=0"))
    calendar = calendar_for(config)
    # Day 1: answered after 5 s and 30 s, abandoned after 10 s, one deflected.
    # Day 2: answered at once, abandoned after 50 s.
    contacts = pd.DataFrame({
        "channel": 0,
        "arrival_time": [100.0, 200.0, 300.0, 400.0, DAY + 100, DAY + 200],
        "outcome": ["ticket", "ticket", "abandoned", "deflected", "ticket", "abandoned"],
        "wait_seconds": [5.0, 30.0, 10.0, NAN, 0.0, 50.0],
        "answered_at": [105.0, 230.0, NAN, NAN, DAY + 100, NAN],
    })
    # Interval rows: day 1 handled 2 at 300 s and 1 at 600 s; day 2 nothing handled.
    intervals = pd.DataFrame({
        "interval_start": [0.0, 900.0, DAY], "channel": "phone",
        "offered": [3, 0, 2], "deflected": [1, 0, 0], "answered": [2, 0, 1], "abandoned": [1, 0, 1],
        "answered_within_threshold": [1, 0, 1], "handled": [2, 1, 0],
        "aht_seconds": [300.0, 600.0, NAN], "open_tickets_at_end": [1, 2, 3],
    })
    # Day 1: rated 5 and 3, FRT 1 and 3 min, TTR 2 and 6 h, one FCR, one resolution breach.
    # Day 2: one open ticket, never answered.
    tickets = ticket_rows(
        created=[100.0, 200.0, DAY + 100], csat_score=[5.0, 3.0, NAN],
        first_response_at=[105.0, 230.0, NAN], frt_calendar_minutes=[1.0, 3.0, NAN],
        solved_at=[7300.0, 21800.0, NAN], resolution_calendar_minutes=[120.0, 360.0, NAN],
        fcr=[True, False, False], sla_resolution_target_minutes=[240.0, 240.0, 240.0],
        sla_resolution_breached=[False, True, False], open_at_horizon=[False, False, True])
    daily = build_daily(config, calendar, contacts, tickets, intervals, 2 * DAY)
    assert list(daily["date"]) == ["2026-01-05", "2026-01-06"]
    first, second = daily.iloc[0], daily.iloc[1]
    assert (first["contacts"], first["offered"], first["deflected"], first["tickets"]) == (4, 3, 1, 2)
    assert first["deflection_rate"] == pytest.approx(1 / 4)
    assert first["service_level"] == pytest.approx(1 / 3)        # 5 s of 3 offered
    assert first["asa_seconds"] == pytest.approx((5 + 30) / 2)
    assert first["abandonment_rate"] == pytest.approx(1 / 3)
    assert first["aht_seconds"] == pytest.approx((2 * 300 + 600) / 3)
    assert first["csat_satisfied_rate"] == pytest.approx(1 / 2)
    assert first["frt_mean_minutes"] == pytest.approx(2.0)
    assert first["ttr_mean_hours"] == pytest.approx(4.0)
    assert first["fcr_rate"] == pytest.approx(1 / 2)
    assert first["sla_breaches"] == 1
    assert first["sla_resolution_compliance"] == pytest.approx(1 / 2)
    assert (first["open_tickets_at_end"], second["open_tickets_at_end"]) == (2, 3)  # last interval
    assert (second["contacts"], second["tickets"], second["handled"]) == (2, 1, 0)
    assert second["service_level"] == pytest.approx(1 / 2)
    assert second["asa_seconds"] == 0.0
    assert math.isnan(second["aht_seconds"]) and math.isnan(second["fcr_rate"])
    assert second["csat_responses"] == 0


def test_adherence_hand_computed():
    # Scheduled: available 0-3600, break 3600-4500, available 4500-7200.
    # Actual: busy until 3900 (the break starts 300 s late), break 3900-4800, then
    # available until 7500 (300 s after the shift: neither adds nor subtracts).
    # Adhered: 0-3600 (busy counts as available), 3900-4500 break, 4800-7200 -> 6600 s.
    roster = [RosterAgent(0, "a-001", "a", "L1", ("phone",), 30.0, (
        Spell(0.0, 7200.0, AgentState.AVAILABLE, (Block(3600.0, 4500.0, AgentState.BREAK),)),
        Spell(DAY, DAY + 3600.0, AgentState.VACATION),       # planned leave: not scheduled
        Spell(2 * DAY, 2 * DAY + 3600.0, AgentState.ABSENT),  # scheduled, not adhered
    ))]
    scheduled = scheduled_segments(roster, 3 * DAY)
    assert scheduled[["start", "end", "state"]].values.tolist() == [
        [0.0, 3600.0, "available"], [3600.0, 4500.0, "break"], [4500.0, 7200.0, "available"],
        [2 * DAY, 2 * DAY + 3600.0, "available"]]
    actual = pd.DataFrame({
        "agent_id": 0, "start": [0.0, 600.0, 3900.0, 4800.0, DAY, 2 * DAY],
        "end": [600.0, 3900.0, 4800.0, 7500.0, DAY + 3600.0, 2 * DAY + 3600.0],
        "state": ["available", "busy", "break", "available", "vacation", "absent"]})
    sums = adherence_seconds(scheduled, actual, np.array([0.0, DAY, 2 * DAY, 3 * DAY]))
    sums = sums.set_index("day")
    assert sums.loc[0, "scheduled"] == 7200.0
    assert sums.loc[0, "adhered"] == 6600.0
    assert sums.loc[2, "scheduled"] == 3600.0 and sums.loc[2, "adhered"] == 0.0
    assert sums.reindex([1])["scheduled"].fillna(0.0).iloc[0] == 0.0   # vacation: nothing scheduled


@pytest.fixture(scope="module")
def baseline_week():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=7",))
    result = simulate(config, 5)
    return config, result, build_datasets(config, result)


def test_daily_rolls_up_intervals_and_tickets(baseline_week):
    config, _result, datasets = baseline_week
    daily, intervals = datasets.daily, datasets.intervals
    assert len(daily) == 7 * len(config.channels)
    for column in ("offered", "deflected", "answered", "abandoned", "handled"):
        assert daily[column].sum() == intervals[column].sum(), column
    assert daily["tickets"].sum() == len(datasets.tickets)
    assert daily["contacts"].sum() == len(datasets.contacts)
    assert (daily.loc[daily["channel"] == "email", "service_level_basis"] == "first_response_sla").all()


def test_agent_daily_scorecards(baseline_week):
    _config, result, datasets = baseline_week
    cards, states = datasets.agent_daily, datasets.agent_states
    assert not cards.duplicated(["agent_id", "date"]).any()
    # Time is conserved by the midnight split.
    busy = states.loc[states["state"] == "busy", "duration_seconds"].sum()
    assert cards["busy_seconds"].sum() == pytest.approx(busy)
    assert cards["adherence"].dropna().between(0.0, 1.0).all()
    assert cards["adherence"].mean() > 0.8
    # QA reviews land on the reviewed agent's scorecard.
    assert cards["qa_reviews"].sum() == len(datasets.qa_reviews)
    # Each work item completed in the period counts once, on its agent's card (work on
    # warm-up tickets included, so at least the audit trail's completes).
    events = result.events.to_pandas()
    done = events[(events["event"] == 6) & (events["time"] >= 0)]
    assert cards["items_handled"].sum() == len(done)
    assert cards["items_handled"].sum() >= (datasets.events["event"] == "complete").sum()
    assert cards["tickets_handled"].sum() >= done["ticket"].nunique()


@settings(max_examples=8)
@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_agent_daily_busy_fits_inside_logged_in_time(data, seed):
    config = validate_scenario(data)
    result = simulate(config, seed)
    cards = build_datasets(config, result).agent_daily
    tolerance = 1e-6
    assert (cards["busy_seconds"] <= cards["logged_in_seconds"] + tolerance).all()
    assert (cards["busy_seconds"] + cards["available_seconds"]
            <= cards["logged_in_seconds"] + tolerance).all()
    assert (cards["logged_in_seconds"] <= cards["paid_seconds"] + tolerance).all()
    assert cards["occupancy"].dropna().between(0.0, 1.0).all()
    assert cards["adherence"].dropna().between(0.0, 1.0).all()
    # A day is at most 25 hours (daylight-saving change).
    assert (cards["paid_seconds"] <= 25 * 3600 + tolerance).all()
