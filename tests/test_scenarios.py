"""The bundled scenarios: each loads, and the what-if ones change demand only where they say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from simulator.calendar import calendar_for
from simulator.demand import build_demand
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_scenario_loads(path):
    config = load_scenario(path, ())
    assert config.name == path.stem


def _local_window(calendar, start: dt.datetime, hours: float) -> np.ndarray:
    origin = calendar.to_datetime(0.0)
    begin = start.replace(tzinfo=origin.tzinfo).timestamp() - origin.timestamp()
    return (calendar.interval_start >= begin) & (calendar.interval_end <= begin + hours * 3600)


@pytest.mark.parametrize("name, start, hours, factor, channels", [
    ("outage_300", dt.datetime(2026, 1, 6, 10), 6, 3.0, None),
    ("major_release", dt.datetime(2026, 1, 7, 8), 48, 0.5, {"chat", "email", "web"}),
])
def test_what_if_volume_lands_in_its_window_on_top_of_the_baseline(name, start, hours, factor,
                                                                    channels):
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml", ())
    config = load_scenario(ROOT / "scenarios" / f"{name}.yaml", ())
    calendar = calendar_for(config)
    plain, what_if = build_demand(baseline, calendar_for(baseline)), build_demand(config, calendar)
    window = _local_window(calendar, start, hours)
    for channel, base in what_if.base.items():
        np.testing.assert_array_equal(base, plain.base[channel])  # the baseline is untouched
        extra = what_if.surge[channel]
        assert not extra[~window].any()  # nothing outside the event's window
        if channels is None or channel in channels:
            np.testing.assert_allclose(extra[window], factor * base[window])
            assert extra[window].sum() > 0
        else:
            assert not extra.any()  # a channel the event leaves alone


def test_holiday_season_closes_live_channels_and_halves_async_on_holidays():
    config = load_scenario(ROOT / "scenarios" / "holiday_season.yaml", ())
    calendar = calendar_for(config)
    demand = build_demand(config, calendar)
    day = calendar.interval_day
    christmas = (dt.date(2026, 12, 25) - config.calendar.start_date).days + config.calendar.warmup_days
    tuesday = christmas - 3  # Tuesday Dec 22, an ordinary working day
    assert demand.base["phone"][day == christmas].sum() == 0
    email = demand.base["email"]
    ratio = email[day == christmas].sum() / email[day == tuesday].sum()
    assert 0.2 < ratio < 0.6  # half the volume, and a Friday against a Tuesday
