"""Tests for simulator.calendar: local-clock grid, DST, warm-up and business-time arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.calendar import Calendar, build_calendar, parse_time_range

T = dt.time
HOUR = 3600.0
NINE_TO_FIVE = {d: [(T(9), T(17))] for d in range(5)}
SPLIT = {d: [(T(9), T(12)), (T(13), T(17))] for d in range(5)}
ALL_DAY = {d: [(T(0), T(0))] for d in range(7)}


def at(cal: Calendar, *args: int) -> float:
    """Sim seconds of a local wall time given as (year, month, day, hour, minute)."""
    return cal.to_seconds(dt.datetime(*args))


def per_day_counts(cal: Calendar) -> np.ndarray:
    return np.bincount(cal.interval_day, minlength=cal.n_days)


# --- interval grid and DST -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        ("America/New_York", dt.date(2026, 3, 8), 92),
        ("America/New_York", dt.date(2026, 11, 1), 100),
        ("America/New_York", dt.date(2026, 6, 1), 96),
        ("Europe/Berlin", dt.date(2026, 3, 29), 92),
        ("Europe/Berlin", dt.date(2026, 10, 25), 100),
    ],
)
def test_dst_days_have_92_or_100_quarter_hours(tz: str, day: dt.date, expected: int) -> None:
    cal = build_calendar(day - dt.timedelta(days=2), tz, days=5, warmup_days=1)
    assert per_day_counts(cal)[cal.day_index(day)] == expected
    day_len = cal.day_start[cal.day_index(day) + 1] - cal.day_start[cal.day_index(day)]
    assert day_len == expected * 900


@pytest.mark.parametrize("start", [dt.date(2026, 3, 5), dt.date(2026, 10, 29)])
def test_grid_is_local_clock_and_intervals_last_real_minutes(start: dt.date) -> None:
    cal = build_calendar(start, "America/New_York", days=7, warmup_days=2)
    local = cal.to_datetimes(cal.interval_start)
    np.testing.assert_array_equal(local.hour * 60 + local.minute, cal.interval_minute_of_day)
    np.testing.assert_array_equal(cal.interval_end - cal.interval_start, 900.0)
    assert np.all(np.diff(cal.interval_start) > 0)
    assert cal.interval_end[-1] == cal.sim_end
    np.testing.assert_array_equal(local.day_of_week, cal.interval_weekday)
    dates = np.array(cal.day_dates)[cal.interval_day]
    np.testing.assert_array_equal(local.date, dates)


def test_minute_540_is_nine_local_on_both_sides_of_dst() -> None:
    cal = build_calendar(dt.date(2026, 3, 6), "America/New_York", days=5, warmup_days=0)
    nine = cal.interval_start[cal.interval_minute_of_day == 540]
    stamps = [cal.to_datetime(s) for s in nine]
    assert [s.date() for s in stamps] == list(cal.day_dates)
    assert all((s.hour, s.minute) == (9, 0) for s in stamps)
    offsets = {s.utcoffset() for s in stamps}
    assert offsets == {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}
    # fall back: 01:00 occurs twice, 02:00 once; spring forward: 02:xx never
    fall = build_calendar(dt.date(2026, 11, 1), "America/New_York", days=1, warmup_days=0)
    assert np.count_nonzero(fall.interval_minute_of_day == 60) == 2
    assert np.count_nonzero(fall.interval_minute_of_day == 120) == 1
    assert not np.any((cal.interval_minute_of_day // 60 == 2) & (cal.interval_day == 2))


def test_warmup_days_are_negative_times() -> None:
    cal = build_calendar(dt.date(2026, 6, 1), "Europe/Berlin", days=3, warmup_days=7)
    assert cal.n_days == 10 and cal.day_dates[0] == dt.date(2026, 5, 25)
    assert cal.sim_start == -7 * 86400.0 == cal.day_start[0]
    assert cal.report_start == 0.0 and cal.day_start[cal.day_index(cal.start_date)] == 0.0
    assert cal.sim_end == 3 * 86400.0
    warm = cal.interval_day < 7
    assert np.all(cal.interval_start[warm] < 0) and np.all(cal.interval_start[~warm] >= 0)
    assert cal.to_datetime(0.0) == dt.datetime(2026, 6, 1, tzinfo=cal.to_datetime(0.0).tzinfo)
    # a DST change inside the warm-up shortens it by an hour
    ny = build_calendar(dt.date(2026, 3, 10), "America/New_York", days=1, warmup_days=7)
    assert ny.sim_start == -(7 * 86400.0 - HOUR)


def test_to_datetimes_vectorised_with_nat() -> None:
    cal = build_calendar(dt.date(2026, 3, 8), "America/New_York", days=1, warmup_days=0)
    idx = cal.to_datetimes(np.array([0.0, np.nan, 3 * HOUR]))
    assert isinstance(idx, pd.DatetimeIndex) and str(idx.tz) == "America/New_York"
    assert pd.isna(idx[1])
    assert idx[2] == pd.Timestamp("2026-03-08 04:00", tz="America/New_York")


def test_invalid_arguments() -> None:
    for bad in (7, 0, 25):
        with pytest.raises(ValueError, match="interval_minutes"):
            build_calendar(dt.date(2026, 1, 1), "UTC", days=1, interval_minutes=bad)
    with pytest.raises(ValueError, match="timezone"):
        build_calendar(dt.date(2026, 1, 1), "Mars/Olympus", days=1)
    with pytest.raises(ValueError, match="weekday"):
        build_calendar(dt.date(2026, 1, 1), "UTC", days=1, business_hours={7: [(T(9), T(10))]})
    with pytest.raises(ValueError, match="days"):
        build_calendar(dt.date(2026, 1, 1), "UTC", days=0)
    cal = build_calendar(dt.date(2026, 1, 1), "UTC", days=1, interval_minutes=60)
    assert len(cal.interval_start) == 8 * 24
    with pytest.raises(ValueError):
        cal.day_index(dt.date(2027, 1, 1))


# --- business time ----------------------------------------------------------------------------

# Mon 2026-03-02 .. ; NY spring forward Sun 2026-03-08; holiday Mon 2026-03-16
CAL = build_calendar(
    dt.date(2026, 3, 2), "America/New_York", days=21, warmup_days=3,
    business_hours=SPLIT, holidays=[dt.date(2026, 3, 16)],
)
NINE5 = build_calendar(dt.date(2026, 3, 2), "America/New_York", days=21, warmup_days=0,
                       holidays=[dt.date(2026, 3, 16)])


def test_business_seconds_overnight_weekend_holiday() -> None:
    cases = [
        ((2026, 3, 2, 16, 0), (2026, 3, 3, 10, 0), 2 * HOUR),  # Mon -> Tue overnight
        ((2026, 3, 6, 16, 0), (2026, 3, 9, 10, 0), 2 * HOUR),  # Fri -> Mon across DST weekend
        ((2026, 3, 13, 16, 0), (2026, 3, 17, 10, 0), 2 * HOUR),  # Fri -> Tue, Mon holiday
        ((2026, 3, 2, 18, 0), (2026, 3, 3, 8, 0), 0.0),  # closed all night
        ((2026, 3, 2, 10, 0), (2026, 3, 2, 10, 30), 1800.0),
    ]
    start = np.array([at(NINE5, *s) for s, _, _ in cases])
    end = np.array([at(NINE5, *e) for _, e, _ in cases])
    np.testing.assert_allclose(NINE5.business_seconds_between(start, end), [c[2] for c in cases])
    assert NINE5.business_seconds_between(at(NINE5, 2026, 3, 2, 0, 0), NINE5.sim_end) == (
        14 * 8 * HOUR
    )


def test_business_seconds_split_hours_nan_and_reversed() -> None:
    mon = (2026, 3, 2)
    got = CAL.business_seconds_between(
        np.array([at(CAL, *mon, 11, 0), at(CAL, *mon, 0, 0), np.nan, at(CAL, *mon, 15, 0)]),
        np.array([at(CAL, *mon, 14, 0), at(CAL, 2026, 3, 3, 0, 0), 0.0, at(CAL, *mon, 10, 0)]),
    )
    np.testing.assert_allclose(got, [2 * HOUR, 7 * HOUR, np.nan, 0.0])
    assert CAL.business_seconds_between(at(CAL, *mon, 12, 0), at(CAL, *mon, 13, 0)) == 0.0


def test_business_seconds_24x7_across_dst() -> None:
    cal = build_calendar(dt.date(2026, 3, 7), "America/New_York", days=60, business_hours=ALL_DAY)
    sat, mon = at(cal, 2026, 3, 7, 12, 0), at(cal, 2026, 3, 9, 12, 0)
    assert cal.business_seconds_between(sat, mon) == 47 * HOUR
    sun, nov = at(cal, 2026, 3, 8, 0, 0), at(cal, 2026, 3, 9, 0, 0)
    assert cal.business_seconds_between(sun, nov) == 23 * HOUR
    assert cal.business_open.all()


def test_add_business_seconds_examples_and_past_horizon() -> None:
    fri = at(NINE5, 2026, 3, 6, 16, 0)
    got = NINE5.add_business_seconds(np.array([fri, fri, fri, np.nan]), [2 * HOUR, HOUR, 0, 60])
    np.testing.assert_allclose(got[:3], [at(NINE5, 2026, 3, 9, 10, 0), at(NINE5, 2026, 3, 6, 17, 0),
                                         fri])
    assert np.isnan(got[3])
    # Fri 13th 16:00 + 2h skips the weekend and Monday's holiday
    assert NINE5.add_business_seconds(at(NINE5, 2026, 3, 13, 16, 0), 2 * HOUR) == at(
        NINE5, 2026, 3, 17, 10, 0)
    # far past the horizon: 400 business days of 8 h
    far = NINE5.add_business_seconds(0.0, 400 * 8 * HOUR)
    assert far > NINE5.sim_end
    assert NINE5.business_seconds_between(0.0, far) == pytest.approx(400 * 8 * HOUR, abs=1e-6)
    assert NINE5.to_datetime(far).hour == 17


def test_add_business_seconds_never_open() -> None:
    cal = build_calendar(dt.date(2026, 1, 1), "UTC", days=2, business_hours={})
    np.testing.assert_array_equal(cal.add_business_seconds([5.0, 5.0], [0.0, 1.0]), [5.0, np.inf])
    assert not cal.business_open.any()


@settings(max_examples=300, deadline=None)
@given(
    starts=st.lists(st.floats(CAL.sim_start, CAL.sim_end + 5 * 86400), min_size=1, max_size=20),
    durations=st.lists(st.floats(0, 400 * HOUR), min_size=1, max_size=20),
)
def test_add_business_seconds_inverts_business_seconds_between(starts, durations) -> None:
    n = min(len(starts), len(durations))
    s, x = np.array(starts[:n]), np.array(durations[:n])
    end = CAL.add_business_seconds(s, x)
    assert np.all(end >= s)
    np.testing.assert_allclose(CAL.business_seconds_between(s, end), x, rtol=0, atol=1e-6)
    # earliest such time: a millisecond earlier not enough business time has passed yet
    big = x > 1e-2
    before = CAL.business_seconds_between(s[big], end[big] - 1e-3)
    assert np.all(before < x[big])


# --- open masks -------------------------------------------------------------------------------


def test_open_mask_weekday_channel_and_holidays() -> None:
    channel = {d: [(T(8), T(20))] for d in range(5)}
    mask = CAL.open_mask(channel)
    counts = np.bincount(CAL.interval_day[mask], minlength=CAL.n_days)
    for i, day in enumerate(CAL.day_dates):
        expected = 48 if day.weekday() < 5 and day != dt.date(2026, 3, 16) else 0
        assert counts[i] == expected, day
    minutes = CAL.interval_minute_of_day[mask]
    assert minutes.min() == 480 and minutes.max() == 19 * 60 + 45
    no_hol = CAL.open_mask(channel, respect_holidays=False)
    assert no_hol[CAL.interval_day == CAL.day_index(dt.date(2026, 3, 16))].sum() == 48
    everything = CAL.open_mask(None, respect_holidays=False)
    assert everything.all()
    assert (~CAL.open_mask(None)).sum() == 96


def test_business_open_matches_split_hours() -> None:
    per_day = np.bincount(CAL.interval_day[CAL.business_open], minlength=CAL.n_days)
    weekday = np.array([d.weekday() < 5 and d != dt.date(2026, 3, 16) for d in CAL.day_dates])
    np.testing.assert_array_equal(per_day, np.where(weekday, 28, 0))
    assert not CAL.business_open[CAL.interval_minute_of_day == 12 * 60].any()
    np.testing.assert_array_equal(NINE5.business_open, NINE5.open_mask(NINE_TO_FIVE))


# --- parse_time_range -------------------------------------------------------------------------


def test_parse_time_range_valid() -> None:
    assert parse_time_range("09:00-17:30") == (T(9), T(17, 30))
    assert parse_time_range("00:00-24:00") == (T(0), T(0))
    assert parse_time_range(" 13:00 - 17:00 ") == (T(13), T(17))


@pytest.mark.parametrize(
    "text", ["17:00-09:00", "09:00-09:00", "9-5", "", "09:60-10:00", "24:00-24:00",
             "09:00-24:30", "09:00 to 17:00", "25:00-26:00"],
)
def test_parse_time_range_errors(text: str) -> None:
    with pytest.raises(ValueError, match="must look like HH:MM-HH:MM with start < end, got '"):
        parse_time_range(text)


def test_business_hours_accept_strings_and_are_frozen() -> None:
    cal = build_calendar(dt.date(2026, 1, 5), "UTC", days=7, business_hours={0: ["09:00-17:00"]})
    assert cal.business_hours == ((0, ((T(9), T(17)),)),)
    with pytest.raises(ValueError):
        cal.interval_start[0] = 1.0
