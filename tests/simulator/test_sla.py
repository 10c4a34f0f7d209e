"""Hand-computed examples for simulator/sla.py."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.calendar import build_calendar
from simulator.datasets import requester_wait_seconds
from simulator.loading import load_scenario
from simulator.recorder import Event
from simulator.sla import band, elapsed, policy_targets

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600.0
DAY = 86400.0

# --------------------------------------------------------------------------- band


def test_band_at_and_between_the_thresholds():
    # Target 100 s: ratio = elapsed / 100.
    elapsed_seconds = np.array([0.0, 49.9, 50.0, 79.9, 80.0, 89.9, 90.0, 99.9, 100.0,
                                199.9, 200.0, 1000.0])
    expected = [0.0, 0.0, 0.5, 0.5, 0.8, 0.8, 0.9, 0.9, 1.0, 1.0, 2.0, 2.0]
    assert band(elapsed_seconds, np.full(elapsed_seconds.size, 100.0)).tolist() == expected


def test_band_exact_boundaries_with_a_real_target():
    # Target 15 min = 900 s: 450 s is 50%, 720 s 80%, 810 s 90%, 900 s 100%, 1800 s 200%.
    elapsed_seconds = np.array([449.0, 450.0, 720.0, 810.0, 900.0, 1800.0])
    assert band(elapsed_seconds, np.full(6, 900.0)).tolist() == [0.0, 0.5, 0.8, 0.9, 1.0, 2.0]


def test_band_is_zero_without_a_target_or_elapsed_time():
    # NaN target (no policy), zero target, and NaN elapsed all give band 0.
    elapsed_seconds = np.array([5000.0, 5000.0, math.nan, 5000.0])
    target = np.array([math.nan, 0.0, 100.0, math.inf])
    assert band(elapsed_seconds, target).tolist() == [0.0, 0.0, 0.0, 0.0]


# --------------------------------------------------------------------------- elapsed


@pytest.fixture(scope="module")
def calendar():
    # Monday 2026-01-05, UTC, two weeks, default hours Mon-Fri 09:00-17:00.
    return build_calendar(dt.date(2026, 1, 5), "UTC", days=14, warmup_days=0)


def _at(day: int, hour: float) -> float:
    """Sim seconds of ``hour`` o'clock on day ``day`` (0 = Monday 2026-01-05)."""
    return day * DAY + hour * HOUR


def test_elapsed_calendar_vs_business_hours(calendar):
    # Fri 16:00 -> Mon 10:00: calendar 8 h (Fri) + 48 h + 10 h = 66 h;
    # business: Fri 16-17 (1 h) + Mon 09-10 (1 h) = 2 h.
    start = np.array([_at(4, 16), _at(4, 16)])
    end = np.array([_at(7, 10), _at(7, 10)])
    result = elapsed(calendar, start, end, np.array([False, True]))
    assert result.tolist() == pytest.approx([66 * HOUR, 2 * HOUR])


def test_elapsed_business_hours_cases(calendar):
    start = np.array([
        _at(0, 9.5),    # Mon 09:30 -> Mon 11:00: inside hours, 1.5 h either way
        _at(0, 8.0),    # Mon 08:00 -> Mon 09:30: opens at 09:00, 0.5 h business
        _at(0, 17.0),   # Mon 17:00 -> Tue 09:00: closed all night, 0 h business
        _at(1, 12.0),   # Tue 12:00 -> Thu 12:00: 5 + 8 + 3 = 16 h business
        _at(5, 10.0),   # Sat 10:00 -> Sun 15:00: weekend, 0 h business
    ])
    end = np.array([_at(0, 11.0), _at(0, 9.5), _at(1, 9.0), _at(3, 12.0), _at(6, 15.0)])
    business = elapsed(calendar, start, end, np.ones(5, dtype=bool))
    assert business.tolist() == pytest.approx([1.5 * HOUR, 0.5 * HOUR, 0.0, 16 * HOUR, 0.0])
    in_calendar = elapsed(calendar, start, end, np.zeros(5, dtype=bool))
    assert in_calendar.tolist() == pytest.approx(
        [1.5 * HOUR, 1.5 * HOUR, 16 * HOUR, 48 * HOUR, 29 * HOUR])


def test_elapsed_nan_when_not_stopped(calendar):
    start = np.array([_at(0, 10), _at(0, 10), math.nan])
    end = np.array([math.nan, math.nan, _at(0, 12)])
    for business in (np.zeros(3, dtype=bool), np.array([False, True, True])):
        assert np.isnan(elapsed(calendar, start, end, business)).all()


# --------------------------------------------------------------------------- policy_targets

GOLD, STD = 0, 1          # order of customers.tiers below
P1, P3 = 0, 2             # positions in PRIORITIES


@pytest.fixture(scope="module")
def config():
    return load_scenario(ROOT / "scenarios/theory/mmc.yaml", (
        "customers.tiers={gold: 0.5, std: 0.5}",
        "priorities={P1: 0.5, P3: 0.5}",
        "sla.gold.P1={first_response_minutes: 15, resolution_minutes: 240}",
        "sla.gold.P1.next_reply_minutes=30",
        "sla.gold.P3={first_response_minutes: 120, resolution_minutes: 1440}",
        "sla.gold.P3.business_hours=true",
        "sla.std.P3={first_response_minutes: 240, resolution_minutes: 2880}",
    ))


def test_policy_targets_in_seconds(config):
    tier = np.array([GOLD, GOLD, STD, STD, GOLD])
    priority = np.array([P1, P3, P1, P3, P1])
    targets = policy_targets(config, tier, priority)
    nan = math.nan
    # gold P1: 15 min = 900 s, reply 30 min = 1800 s, 240 min = 14400 s, calendar time.
    # gold P3: 120 min = 7200 s, no reply target, 1440 min = 86400 s, business hours.
    # std P1: no policy at all -> NaN everywhere, calendar time.
    # std P3: 240 min = 14400 s, no reply target, 2880 min = 172800 s, calendar time.
    np.testing.assert_array_equal(targets.first_response, [900.0, 7200.0, nan, 14400.0, 900.0])
    np.testing.assert_array_equal(targets.next_reply, [1800.0, nan, nan, nan, 1800.0])
    np.testing.assert_array_equal(targets.resolution,
                                  [14400.0, 86400.0, nan, 172800.0, 14400.0])
    assert targets.business_hours.tolist() == [False, True, False, False, False]


def test_policy_targets_without_any_sla():
    bare = load_scenario(ROOT / "scenarios/theory/mmc.yaml")
    targets = policy_targets(bare, np.array([0, 0]), np.array([P1, P3]))
    assert np.isnan(targets.first_response).all()
    assert np.isnan(targets.next_reply).all()
    assert np.isnan(targets.resolution).all()
    assert not targets.business_hours.any()


def test_policy_targets_feed_band(config, calendar):
    # A gold P1 ticket created Mon 10:00 answered 12 min later: 720 / 900 = 80%.
    # A gold P3 ticket (business hours) created Fri 16:00, answered Mon 10:00: 2 h of a
    # 2 h target = 100% (66 calendar hours would have been 3300%, band 2.0).
    targets = policy_targets(config, np.array([GOLD, GOLD]), np.array([P1, P3]))
    start = np.array([_at(0, 10), _at(4, 16)])
    end = np.array([_at(0, 10) + 720.0, _at(7, 10)])
    seconds = elapsed(calendar, start, end, targets.business_hours)
    assert seconds.tolist() == pytest.approx([720.0, 2 * HOUR])
    assert band(seconds, targets.first_response).tolist() == [0.8, 1.0]


# --------------------------------------------------------------------------- resolution clock


def test_requester_wait_pauses_while_pending_and_solved_before_a_reopen(calendar):
    # Ticket 0 (calendar time): created Mon 10:00, pending 10:30 until the customer
    # replies at 11:00, solved 12:00, reopened 15:00, solved 16:00: 2 h - 0.5 h + 1 h.
    # Ticket 1 (business hours): created Fri 16:00, solved 16:30, reopened Mon 08:00
    # (before opening), solved Mon 10:00: 0.5 h + Mon 09-10 = 1.5 h (calendar: 2.5 h).
    # Ticket 2 (calendar time): created Mon 10:00, solved 11:00, reopened 13:00 and not
    # solved again: 1 h + 13:00 to the horizon (Tue of week 2, 00:00) = 1 h + 179 h.
    # Ticket 3 (calendar time): never solved, no pause: created Mon 10:00 to the horizon.
    rows = [(0, _at(0, 10), Event.ARRIVE), (0, _at(0, 10.5), Event.PENDING),
            (0, _at(0, 11), Event.CUSTOMER_REPLY), (0, _at(0, 12), Event.SOLVE),
            (0, _at(0, 15), Event.REOPEN), (0, _at(0, 16), Event.SOLVE),
            (0, _at(0, 16), Event.CLOSE),
            (1, _at(4, 16), Event.ARRIVE), (1, _at(4, 16.5), Event.SOLVE),
            (1, _at(7, 8), Event.REOPEN), (1, _at(7, 10), Event.SOLVE),
            (2, _at(0, 10), Event.ARRIVE), (2, _at(0, 11), Event.SOLVE),
            (2, _at(0, 13), Event.REOPEN),
            (3, _at(0, 10), Event.ARRIVE)]
    events = pd.DataFrame(rows, columns=["ticket", "time", "event"]).astype({"event": int})
    events = events.sort_values("time", kind="stable")
    created = np.array([_at(0, 10), _at(4, 16), _at(0, 10), _at(0, 10)])
    business = np.array([False, True, False, False])
    horizon = _at(8, 0)
    waited = requester_wait_seconds(calendar, events, pd.Index([0, 1, 2, 3]), created, business,
                                    horizon)
    np.testing.assert_allclose(waited, [2.5 * HOUR, 1.5 * HOUR, 180 * HOUR, horizon - _at(0, 10)])
