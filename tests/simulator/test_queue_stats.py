"""Hand-computed examples for simulator/queue_stats.py."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from simulator.queue_stats import (
    LiveOutcomes,
    live_outcomes,
    service_level,
    service_level_counts,
    step_integral,
)
from simulator.recorder import COLUMNS, Event

# 10 offered: 7 answered, 3 abandoned; threshold 20 s.
ANSWERED = [0, 5, 12, 25, 40, 3, 19]   # <= 20: 0, 5, 12, 3, 19 -> 5 met
ABANDONED = [2, 8, 30]                 # <= 20: 2, 8 -> 2; <= 5: 2 -> 1; <= 10: 2, 8 -> 2
OFFERED = 10
BASES = ("offered", "answered", "abandon_met", "exclude_short")


# --------------------------------------------------------------------------- service_level


@pytest.mark.parametrize(("basis", "short", "expected"), [
    ("offered", 5.0, 5 / 10),          # met / offered
    ("answered", 5.0, 5 / 7),          # met / answered
    ("abandon_met", 5.0, 7 / 10),      # (5 met + 2 abandoned within 20 s) / offered
    ("exclude_short", 5.0, 5 / 9),     # 5 / (10 - 1 abandoned within 5 s)
    ("exclude_short", 10.0, 5 / 8),    # 5 / (10 - 2 abandoned within 10 s)
    ("exclude_short", 0.0, 5 / 10),    # no abandon within 0 s: same as 'offered'
])
def test_service_level_each_basis(basis, short, expected):
    value = service_level(ANSWERED, ABANDONED, OFFERED, 20.0, basis, short_abandon_seconds=short)
    assert value == pytest.approx(expected)


def test_service_level_threshold_is_inclusive():
    # 20 is within 20 s, 20.5 is not; 2 offered -> 1/2.
    assert service_level([20.0, 20.5], [], 2, 20.0, "offered") == pytest.approx(0.5)
    # An abandon at exactly 20 s counts as met on 'abandon_met': (0 + 1) / 1.
    assert service_level([], [20.0], 1, 20.0, "abandon_met") == pytest.approx(1.0)


@pytest.mark.parametrize("basis", BASES)
def test_service_level_nan_when_nothing_offered(basis):
    assert math.isnan(service_level([], [], 0, 20.0, basis))


def test_service_level_nan_when_basis_denominator_is_zero():
    # 3 offered, none answered yet (one abandoned, two still waiting): 'answered' is 0/0.
    assert math.isnan(service_level([], [30.0], 3, 20.0, "answered"))
    # ... while 'offered' is a genuine 0 / 3.
    assert service_level([], [30.0], 3, 20.0, "offered") == 0.0
    # 2 offered, both abandoned within 5 s: 'exclude_short' is 0 / (2 - 2).
    assert math.isnan(service_level([], [1.0, 4.0], 2, 20.0, "exclude_short"))


def test_service_level_unknown_basis_raises():
    with pytest.raises(ValueError, match="unknown basis 'bogus'"):
        service_level(ANSWERED, ABANDONED, OFFERED, 20.0, "bogus")
    with pytest.raises(ValueError, match="unknown basis"):
        service_level_counts(np.zeros(1, dtype=np.int64), np.array([1.0]),
                             np.zeros(0, dtype=np.int64), np.zeros(0), np.array([1]),
                             20.0, "Offered")


# --------------------------------------------------------------------------- service_level_counts

# Group 1: answered [10, 30], abandoned [4], offered 4 (one still waiting).
#   met (<= 20) = 1; abandoned <= 20 = 1; abandoned <= 5 = 1.
GROUP1_ANSWERED = [10.0, 30.0]
GROUP1_ABANDONED = [4.0]
GROUP1_OFFERED = 4
GROUP1_EXPECTED = {"offered": (1, 4), "answered": (1, 2), "abandon_met": (2, 4),
                   "exclude_short": (1, 3)}
GROUP0_EXPECTED = {"offered": (5, 10), "answered": (5, 7), "abandon_met": (7, 10),
                   "exclude_short": (5, 9)}


@pytest.mark.parametrize("basis", BASES)
def test_service_level_counts_two_groups_match_per_group(basis):
    # Interleave the two groups so that grouping, not order, decides.
    answered_wait = np.array([10.0, *ANSWERED[:4], 30.0, *ANSWERED[4:]])
    group_answered = np.array([1, 0, 0, 0, 0, 1, 0, 0, 0])
    abandoned_wait = np.array([2.0, 4.0, 8.0, 30.0])
    group_abandoned = np.array([0, 1, 0, 0])
    offered = np.array([OFFERED, GROUP1_OFFERED])

    numerator, denominator = service_level_counts(
        group_answered, answered_wait, group_abandoned, abandoned_wait, offered, 20.0, basis)

    assert (numerator[0], denominator[0]) == GROUP0_EXPECTED[basis]
    assert (numerator[1], denominator[1]) == GROUP1_EXPECTED[basis]
    per_group = [service_level(ANSWERED, ABANDONED, OFFERED, 20.0, basis),
                 service_level(GROUP1_ANSWERED, GROUP1_ABANDONED, GROUP1_OFFERED, 20.0, basis)]
    assert numerator / denominator == pytest.approx(per_group)


def test_service_level_counts_group_without_contacts():
    # Group 1 offered nothing: 0 / 0 there; group 0 is 1 / 1.
    numerator, denominator = service_level_counts(
        np.array([0]), np.array([3.0]), np.zeros(0, dtype=np.int64), np.zeros(0),
        np.array([1, 0]), 20.0, "offered")
    assert numerator.tolist() == [1.0, 0.0]
    assert denominator.tolist() == [1.0, 0.0]


# --------------------------------------------------------------------------- step_integral


def test_step_integral_overlapping_spans():
    # [0,10) and [5,15): one span on [0,5), two on [5,10), one on [10,15), none on [15,20).
    area = step_integral(np.array([0.0, 5.0]), np.array([10.0, 15.0]),
                         np.array([0.0, 5.0, 10.0, 15.0, 20.0]))
    assert area.tolist() == pytest.approx([5.0, 10.0, 5.0, 0.0])


def test_step_integral_with_weights():
    # Weights 2 and 3: [0,5) 2*5 = 10; [5,10) (2+3)*5 = 25; [10,15) 3*5 = 15; [15,20) 0.
    area = step_integral(np.array([0.0, 5.0]), np.array([10.0, 15.0]),
                         np.array([0.0, 5.0, 10.0, 15.0, 20.0]), weights=np.array([2.0, 3.0]))
    assert area.tolist() == pytest.approx([10.0, 25.0, 15.0, 0.0])


def test_step_integral_clips_spans_to_the_boundaries_and_ignores_order():
    # Span [-5, 3) only covers [0, 3) of [0, 5): 3. Span [12, 30) covers [12, 20): 3 in
    # [10,15) and 5 in [15,20). Span [6, 7) covers 1 of [5,10). Given out of order.
    area = step_integral(np.array([12.0, -5.0, 6.0]), np.array([30.0, 3.0, 7.0]),
                         np.array([0.0, 5.0, 10.0, 15.0, 20.0]))
    assert area.tolist() == pytest.approx([3.0, 1.0, 3.0, 5.0])


def test_step_integral_without_spans_is_zero():
    area = step_integral(np.zeros(0), np.zeros(0), np.array([0.0, 900.0, 1800.0]))
    assert area.tolist() == [0.0, 0.0]


# --------------------------------------------------------------------------- LiveOutcomes


def test_live_outcomes_properties():
    # 5 offered: answered waits 0, 10, 30; abandoned after 5; one still waiting.
    live = LiveOutcomes(5, np.array([0.0, 10.0, 30.0]), np.array([5.0]))
    # waited: answered with wait > 0 (10, 30) + 1 abandoned = 3 of 5.
    assert live.probability_wait == pytest.approx(3 / 5)
    assert live.probability_abandon == pytest.approx(1 / 5)
    # (0 + 10 + 30 + 5) / 4 answered-or-abandoned = 11.25.
    assert live.mean_wait_all == pytest.approx(11.25)
    # Within 20 s: 0 and 10 -> 2 of 5 offered; on 'answered': 2 of 3.
    assert live.service_level(20.0) == pytest.approx(2 / 5)
    assert live.service_level(20.0, "answered") == pytest.approx(2 / 3)


def test_live_outcomes_properties_nan_when_empty():
    live = LiveOutcomes(0, np.zeros(0), np.zeros(0))
    assert math.isnan(live.probability_wait)
    assert math.isnan(live.probability_abandon)
    assert math.isnan(live.mean_wait_all)
    assert math.isnan(live.service_level(20.0))


# --------------------------------------------------------------------------- live_outcomes

PHONE, CHAT = 0, 1


def _row(time, event, ticket, item=-1, channel=PHONE, value=math.nan):
    return {"time": time, "event": int(event), "ticket": ticket, "item": item, "agent": -1,
            "tier": 0, "channel": channel, "code": -1, "value": value}


def _table(rows: list[dict]) -> pa.Table:
    rows = sorted(rows, key=lambda r: r["time"])
    return pa.table({name: pa.array([r[name] for r in rows], type=kind) for name, kind in COLUMNS})


def _events() -> pa.Table:
    return _table([
        # 1: arrives at the window start (included), answered after 5 s; its follow-up
        #    work item 2 is assigned later with a 300 s wait, which must be ignored.
        _row(0.0, Event.ARRIVE, 1, value=0.0),
        _row(5.0, Event.ASSIGN, 1, item=1, value=5.0),
        _row(500.0, Event.ASSIGN, 1, item=2, value=300.0),
        # 2: abandons after 30 s.
        _row(20.0, Event.ARRIVE, 2, value=0.0),
        _row(50.0, Event.ABANDON, 2, value=30.0),
        # 3: deflected by self-service: not offered.
        _row(30.0, Event.ARRIVE, 3, value=0.0),
        _row(30.0, Event.DEFLECT, 3),
        # 4: a chat contact: other channel.
        _row(40.0, Event.ARRIVE, 4, channel=CHAT, value=0.0),
        _row(47.0, Event.ASSIGN, 4, item=1, channel=CHAT, value=7.0),
        # 5: still waiting at the end: offered, neither answered nor abandoned.
        _row(60.0, Event.ARRIVE, 5, value=0.0),
        # 6: answered at once.
        _row(70.0, Event.ARRIVE, 6, value=0.0),
        _row(70.0, Event.ASSIGN, 6, item=1, value=0.0),
        # 7: arrived before the window, answered inside it: not in the window.
        _row(-10.0, Event.ARRIVE, 7, value=0.0),
        _row(5.0, Event.ASSIGN, 7, item=1, value=15.0),
        # 8: arrives exactly at the window end (half-open window): not in it.
        _row(100.0, Event.ARRIVE, 8, value=0.0),
        _row(110.0, Event.ASSIGN, 8, item=1, value=10.0),
        # 9: arrives after the window and abandons: not in it.
        _row(150.0, Event.ARRIVE, 9, value=0.0),
        _row(190.0, Event.ABANDON, 9, value=40.0),
    ])


def test_live_outcomes_from_event_log():
    live = live_outcomes(_events(), PHONE, 0.0, 100.0)
    # Offered: 1, 2, 5, 6 (3 deflected, 4 chat, 7/8/9 outside [0, 100)).
    assert live.offered == 4
    assert sorted(live.answered_wait.tolist()) == [0.0, 5.0]   # 1 and 6; item 2 ignored
    assert live.abandoned_wait.tolist() == [30.0]               # 2
    # waited: 1 (5 s) + 1 abandoned = 2 of 4; abandoned 1 of 4; mean (5 + 0 + 30) / 3.
    assert live.probability_wait == pytest.approx(0.5)
    assert live.probability_abandon == pytest.approx(0.25)
    assert live.mean_wait_all == pytest.approx(35 / 3)
    # Within 20 s: 0 and 5 -> 2 of 4 offered.
    assert live.service_level(20.0) == pytest.approx(0.5)


def test_live_outcomes_other_channel_and_empty_window():
    chat = live_outcomes(_events(), CHAT, 0.0, 100.0)
    assert chat.offered == 1
    assert chat.answered_wait.tolist() == [7.0]
    assert chat.abandoned_wait.size == 0
    empty = live_outcomes(_events(), PHONE, 200.0, 300.0)
    assert empty.offered == 0
    assert math.isnan(empty.probability_wait)
