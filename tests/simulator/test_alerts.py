"""The alert view on hand-made series: volume surges and tickets at SLA risk."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from test_scorecards import ticket_rows

from simulator.alerts import build_alerts, sla_risk_alerts, volume_alerts
from simulator.calendar import calendar_for
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "scenarios/theory/mmc.yaml"
NAN = math.nan
DAY = 86400.0
DATES = [f"2026-01-{d:02d}" for d in range(5, 14)]


def daily_series() -> pd.DataFrame:
    # Phone 100 a day for 7 days, then 125 and 119; email a steady 50.
    phone = pd.DataFrame({"date": DATES, "channel": "phone", "contacts": [100] * 7 + [125, 119]})
    email = pd.DataFrame({"date": DATES, "channel": "email", "contacts": [50] * 9})
    return pd.concat([phone, email], ignore_index=True)


def test_volume_surge_hand_computed():
    alerts = volume_alerts(daily_series(), trailing_days=7, buffer=0.2)
    # Day 8: trailing mean of days 1-7 = 100, threshold 120 < 125 -> alert.
    # Day 9: trailing mean of days 2-8 = (600 + 125) / 7 = 103.57, threshold 124.29 > 119.
    # All channels on day 8: 175 against 1.2 x 150 = 180 -> no alert.
    # Days 1-7 have no full trailing window.
    assert alerts[["date", "channel", "value"]].values.tolist() == [["2026-01-12", "phone", 125.0]]
    assert alerts["threshold"].iloc[0] == pytest.approx(120.0)
    # A 30% buffer lets day 8 pass (threshold 130).
    assert volume_alerts(daily_series(), 7, 0.3).empty
    # A 3-day window: day 9's trailing mean (100 + 100 + 125) / 3 = 108.33 -> 130 > 119.
    three = volume_alerts(daily_series(), 3, 0.2)
    assert three["date"].tolist() == ["2026-01-12"]


def test_sla_risk_at_day_end_hand_computed():
    config = load_scenario(MMC, ("calendar.days=2", "calendar.warmup_days=0"))
    calendar = calendar_for(config)
    # Day 1 ends at 86,400 s = 1,440 min.
    #   1: created 0, FRT target 1,500 min, no response: 1440 / 1500 = 0.96 -> at risk.
    #   2: created 0, FRT target 1,000 min: 1.44 -> breached, not at risk.
    #   3: responded at 3,600 s: its FRT clock stopped.
    #   4: created 80,000 s, resolution target 120 min, unsolved: 106.7 / 120 = 0.889.
    #   5: created 80,000 s, resolution target 240 min: 0.44 -> not yet.
    # Day 2: 1 and 2 breached; 4 breached; 5 used (172,800 - 80,000) / 60 / 240 = 6.4.
    tickets = ticket_rows(
        created=[0.0, 0.0, 0.0, 80000.0, 80000.0],
        first_response_at=[NAN, NAN, 3600.0, 80100.0, 80100.0],
        first_solved_at=[NAN] * 5,
        sla_first_response_target_minutes=[1500.0, 1000.0, 1500.0, NAN, NAN],
        sla_resolution_target_minutes=[NAN, NAN, NAN, 120.0, 240.0])
    alerts = sla_risk_alerts(calendar, tickets, 0.8)
    assert alerts[["date", "ticket_id", "clock"]].values.tolist() == [
        ["2026-01-05", 1, "first_response"], ["2026-01-05", 4, "resolution"]]
    assert alerts["value"].tolist() == pytest.approx([1440 / 1500, (86400 - 80000) / 60 / 120])
    # With a 0.9 risk share only ticket 1 remains.
    assert sla_risk_alerts(calendar, tickets, 0.9)["ticket_id"].tolist() == [1]


def test_build_alerts_combines_and_sorts():
    config = load_scenario(MMC, ("calendar.days=2", "calendar.warmup_days=0",
                                 "alerts.volume_buffer=0.1", "alerts.baseline=trailing_7_day",
                                 "alerts.noise_sigmas=0"))
    calendar = calendar_for(config)
    tickets = ticket_rows(created=[0.0], first_response_at=[NAN],
                          sla_first_response_target_minutes=[1500.0])
    alerts = build_alerts(config, calendar, daily_series(), tickets)
    # A 10% buffer: phone surges on day 8 (125 > 110) and day 9 (119 > 113.9); all channels
    # too: day 8 175 > 165, day 9 169 > 1.1 x (6 x 150 + 175) / 7 = 168.93.
    assert alerts[["date", "alert", "channel"]].values.tolist() == [
        ["2026-01-05", "sla_risk", "phone"],
        ["2026-01-12", "volume_surge", "all"], ["2026-01-12", "volume_surge", "phone"],
        ["2026-01-13", "volume_surge", "all"], ["2026-01-13", "volume_surge", "phone"]]
    empty = build_alerts(config, calendar, daily_series().assign(contacts=10),
                         ticket_rows(created=[0.0], sla_first_response_target_minutes=[NAN]))
    assert empty.empty and list(empty.columns)[:2] == ["date", "alert"]


def weekly_series(surge_on: str | None = None, holiday: str | None = None) -> pd.DataFrame:
    """Five weeks from Monday 2026-01-05: Monday 125, Tuesday to Friday 100, weekend 20,
    one channel; optionally one day at 150 (a surge) or at 60 (a holiday)."""
    dates = pd.date_range("2026-01-05", periods=35, freq="D")
    contacts = [125 if d.weekday() == 0 else 100 if d.weekday() < 5 else 20 for d in dates]
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "channel": "email",
                          "contacts": contacts})
    for day, value in ((surge_on, 150), (holiday, 60)):
        if day is not None:
            frame.loc[frame["date"] == day, "contacts"] = value
    return frame


def test_trailing_7_day_flags_ordinary_weekdays():
    # The week's mean is (125 + 4 x 100 + 2 x 20) / 7 = 80.71, threshold 96.86: from the
    # second week every weekday (100 or 125) is flagged, for channel and total alike.
    alerts = volume_alerts(weekly_series(), 7, 0.2, "trailing_7_day")
    flagged = sorted(set(alerts["date"]))
    assert len(flagged) == 4 * 5 and alerts["threshold"].iloc[0] == pytest.approx(1.2 * 565 / 7)


def test_same_weekday_flags_only_unusual_days():
    holidays = frozenset({"2026-01-19"})
    assert volume_alerts(weekly_series(), 7, 0.2, "same_weekday", 4).empty
    # A Wednesday at 150 in week 4 against 100 for Wednesdays: flagged (threshold 120);
    # days before a second earlier Wednesday (weeks 1 and 2) raise nothing.
    surge = volume_alerts(weekly_series("2026-01-28"), 7, 0.2, "same_weekday", 4)
    assert surge[["date", "channel", "value", "threshold"]].values.tolist() == [
        ["2026-01-28", "email", 150.0, 120.0], ["2026-01-28", "all", 150.0, 120.0]]
    assert volume_alerts(weekly_series("2026-01-14"), 7, 0.2, "same_weekday", 4).empty
    # A holiday Monday (60) is left out of later Mondays' baseline: Monday week 4 is
    # compared with 125, not (125 + 125 + 60) / 3 = 103.3 (threshold 124 < 125).
    holiday = weekly_series(holiday="2026-01-19")
    assert volume_alerts(holiday, 7, 0.2, "same_weekday", 4, holidays).empty
    unaware = volume_alerts(holiday, 7, 0.2, "same_weekday", 4)
    assert set(unaware["date"]) == {"2026-01-26"}


def test_noise_guard_raises_the_threshold_for_small_counts():
    # Wednesdays at 100: 20% gives 120, three Poisson sigmas 100 + 3 x 10 = 130.
    surge = weekly_series("2026-01-28")
    surge.loc[surge["date"] == "2026-01-28", "contacts"] = 125
    assert len(volume_alerts(surge, 7, 0.2, "same_weekday", 4)) == 2
    assert volume_alerts(surge, 7, 0.2, "same_weekday", 4, noise_sigmas=3.0).empty
    surge.loc[surge["date"] == "2026-01-28", "contacts"] = 131
    guarded = volume_alerts(surge, 7, 0.2, "same_weekday", 4, noise_sigmas=3.0)
    assert guarded["threshold"].tolist() == [130.0, 130.0]


@pytest.fixture(scope="module")
def baseline_month():
    def alerts_for(*sets):
        config = load_scenario(ROOT / "scenarios/baseline.yaml", sets)
        result = simulate(config, 1)
        datasets = build_datasets(config, result)
        return build_alerts(config, result.calendar, datasets.daily, datasets.tickets)
    return alerts_for


def test_baseline_default_flags_the_month_end_and_a_demand_event_not_ordinary_weeks(baseline_month):
    surges = baseline_month()
    surges = surges[surges["alert"] == "volume_surge"]
    total = surges[surges["channel"] == "all"]
    # The baseline's January: at most its month-end spike (last three days, +15%) shows
    # in the total, ordinary weeks never.
    assert set(total["date"]) <= {"2026-01-29", "2026-01-30", "2026-01-31"}
    old = baseline_month("alerts.baseline=trailing_7_day", "alerts.noise_sigmas=0")
    old_total = old[(old["alert"] == "volume_surge") & (old["channel"] == "all")]
    assert len(old_total) >= 8  # the trailing 7-day mean flags ordinary weekdays
    event = ("demand_events=[{name: launch, start: 2026-01-21T08:00:00, duration_hours: 10, "
             "extra_volume_factor: 1.0}]")
    flagged = baseline_month(event)
    assert "2026-01-21" in set(flagged.loc[(flagged["alert"] == "volume_surge")
                                           & (flagged["channel"] == "all"), "date"])
