"""CSAT and FCR from a ticket's history: hand-computed examples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.datasets import _add_outcomes
from simulator.loading import load_scenario

HOUR = 3600.0


def _tickets():
    # 0: phone, waited 3 min, solved in 1 h, one touch            -> 4.5 - 0.06         = 4.44 -> 4
    # 1: email, first reply after 5 h, solved in 30 h, escalated  -> 4.5 - 0.6 - 0.6 - 0.3 = 3.0 -> 3
    # 2: email, first reply after 20 h (penalty capped at 1.2), reopened once
    #                                                             -> 4.5 - 1.2 - 0.6 - 0.7 = 2.0 -> 2
    # 3: chat, solved, surveyed but did not respond               -> no score
    frame = pd.DataFrame({
        "live": [True, False, False, True],
        "channel": [0, 2, 2, 1],
        "frt_calendar_minutes": [3.0, 300.0, 1200.0, 0.5],
        "resolution_calendar_minutes": [60.0, 1800.0, 1800.0, 30.0],
        "solved_at": [HOUR, 30 * HOUR, 30 * HOUR, 0.5 * HOUR],
        "escalations": [0, 1, 0, 0],
        "reopens": [0, 0, 1, 0],
        "touches": [1, 2, 2, 1],
    }, index=pd.Index([10, 11, 12, 13]))
    base = pd.DataFrame({
        "wait_seconds": [180.0, np.nan, np.nan, 30.0],
        "csat_noise": [0.0, 0.0, 0.0, 0.0],
        "csat_surveyed": [True, True, True, True],
        "csat_responded": [True, True, True, False],
        "truly_resolved": [True, True, True, False],
    }, index=frame.index)
    return frame, base


def test_csat_score_follows_the_configured_penalties():
    config = load_scenario("scenarios/theory/mmc.yaml", ("csat.noise_sd=0",))
    frame, base = _tickets()
    contacts = pd.DataFrame({"generation": [0], "parent_id": [-1], "arrival_time": [0.0]})
    _add_outcomes(config, contacts, frame, base)
    np.testing.assert_array_equal(frame["csat_score"].to_numpy(), [4.0, 3.0, 2.0, np.nan])
    assert frame["csat_surveyed"].tolist() == [True, True, True, True]


def test_fcr_needs_one_touch_no_escalation_no_reopen_and_no_repeat_within_the_window():
    config = load_scenario("scenarios/theory/mmc.yaml")
    frame, base = _tickets()
    # Ticket 13's customer comes back 2 days after its solve: inside the 7-day window.
    contacts = pd.DataFrame({"generation": [1], "parent_id": [13], "arrival_time": [48 * HOUR]})
    _add_outcomes(config, contacts, frame, base)
    assert frame["fcr"].tolist() == [True, False, False, False]
    assert frame["repeat_contact"].tolist() == [False, False, False, True]
