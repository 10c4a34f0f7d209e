"""The trainer year (``scenarios/trainer_year.yaml``) holds the patterns a course looks for.

One 28-day run (Mon 2026-01-05 to Sun 2026-02-01, after a 7-day warm-up) crosses the end of
January, so it shows the weekday surges, the month-end spike, the social channel's breaches
and CSAT falling past 24 hours. The year's size is checked on the demand model alone,
without simulating a year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.calendar import calendar_for
from simulator.datasets import build_datasets
from simulator.demand import build_demand
from simulator.engine import simulate
from simulator.export import with_timestamps
from simulator.kpis import compute_kpis
from simulator.loading import load_scenario
from simulator.messiness import surge_weekdays, true_parameters

TRAINER = Path(__file__).resolve().parents[2] / "scenarios" / "trainer_year.yaml"
SHORT = ("calendar.days=28", "calendar.warmup_days=7")


@pytest.fixture(scope="module")
def year():
    return load_scenario(TRAINER)


@pytest.fixture(scope="module")
def run():
    config = load_scenario(TRAINER, SHORT)
    result = simulate(config, 1)
    datasets = build_datasets(config, result)
    tickets = with_timestamps(datasets.tickets, result.calendar)
    local = tickets["created"].dt.tz_convert(config.calendar.timezone)
    tickets = tickets.assign(date=local.dt.date, weekday=local.dt.day_of_week)
    return config, result, datasets, tickets


def test_scenario_validates_and_spans_a_year(year):
    assert year.name == "trainer_year"
    assert year.calendar.days == 365
    assert "social" not in next(g for g in year.agents if g.name == "L1_async").skills


def test_expected_year_is_about_50000_tickets(year):
    """Expected arrivals minus self-service deflection over 365 days, from the demand model."""
    calendar = calendar_for(year)
    demand = build_demand(year, calendar)
    reporting = calendar.interval_start >= 0.0
    arrivals = sum(float((demand.base[c][reporting] + demand.surge[c][reporting]).sum())
                   for c in year.channels)
    deflected = sum(c.share * c.deflection_share for c in year.categories.values())
    assert 45_000 <= arrivals * (1.0 - deflected) <= 55_000


def test_answer_key_names_the_surge_days():
    assert surge_weekdays(load_scenario(TRAINER)) == ["mon", "fri"]
    assert surge_weekdays(load_scenario(TRAINER.with_name("baseline.yaml"))) == ["mon"]


def _plain_days(config, tickets: pd.DataFrame) -> pd.DataFrame:
    """Tickets per reported day, without holidays and month-end days."""
    per_day = tickets.groupby(["date", "weekday"]).size().rename("tickets").reset_index()
    month_end = config.seasonality.month_end_days
    next_month = per_day["date"].map(lambda d: (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    per_day["month_end"] = [(n - d).days <= month_end for n, d in zip(next_month, per_day["date"])]
    per_day["holiday"] = per_day["date"].isin(set(config.calendar.holidays))
    return per_day


def test_monday_and_friday_surge(run):
    config, _, _, tickets = run
    days = _plain_days(config, tickets)
    plain = days[~days["month_end"] & ~days["holiday"]]
    mean = plain.groupby("weekday")["tickets"].mean()
    mid_week = mean[[1, 2, 3]].mean()
    assert mean[0] > 1.1 * mid_week   # Monday
    assert mean[4] > 1.1 * mid_week   # Friday


def test_month_end_days_above_the_same_weekdays_of_the_month(run):
    config, _, _, tickets = run
    days = _plain_days(config, tickets)
    january = days[(days["date"].map(lambda d: d.month) == 1) & ~days["holiday"] & (days["weekday"] < 5)]
    end = january[january["month_end"]]
    assert len(end) == 2  # Thu 29 and Fri 30 January
    other = january[~january["month_end"] & january["weekday"].isin(end["weekday"])]
    assert end["tickets"].mean() > 1.15 * other["tickets"].mean()


def test_social_breaches_more_than_the_other_async_channels(run):
    config, result, datasets, tickets = run
    channels = compute_kpis(config, datasets, result.roster)["channels"]
    social = channels["social"]["sla_first_response_compliance"]
    assert social < channels["email"]["sla_first_response_compliance"] - 0.1
    assert social < channels["web"]["sla_first_response_compliance"] - 0.1
    # and the answer key names it
    assert true_parameters(config, tickets, "none")["underperforming_channel"] == "social"


def test_csat_falls_past_24_hours(run):
    _, _, _, tickets = run
    rated = tickets.dropna(subset=["csat_score", "resolution_calendar_minutes"])
    late = rated["resolution_calendar_minutes"] > 24 * 60
    assert late.sum() > 50 and (~late).sum() > 50
    within, past = rated.loc[~late, "csat_score"].mean(), rated.loc[late, "csat_score"].mean()
    assert past < within - 0.5
    assert np.isfinite(past)
