"""The alert view: volume surges and tickets at SLA risk at each day's end.

- ``volume_surge``: a day whose contacts (per channel, and all channels as
  ``all``) exceed a baseline by more than ``alerts.volume_buffer`` (20%:
  contacts > 1.2 x the baseline). ``alerts.baseline`` chooses it:

  - ``same_weekday``: the mean of the same weekday in the
    ``alerts.trailing_weeks`` (4) weeks before, holidays left out (a holiday is
    no ordinary Monday), from the second week with at least
    ``MIN_SAME_WEEKDAYS`` (2) of them. Weekly seasonality is the largest swing
    in support volume (Mondays 25% above midweek, weekends a fifth of it in the
    baseline), so only a day unusual for its weekday is flagged: in the
    baseline's ordinary weeks nothing is, while a month-end or demand-event
    surge is.
  - ``trailing_7_day`` (default): the mean of the ``alerts.trailing_days`` (7)
    days before, the day itself excluded; the alert view's definition in
    issue 4. Weekends pull that mean down, so with weekday-heavy channels it
    flags most weekdays (Mondays above all), which is what a course on
    weekly patterns looks for; planners use ``same_weekday`` (baseline.yaml).

  Days without a full trailing window (at least ``MIN_SAME_WEEKDAYS`` same
  weekdays) raise no alert. A surge must also clear count noise: contacts >
  mean + ``alerts.noise_sigmas`` x sqrt(mean) (0 by default; 3 in
  baseline.yaml), the upper control limit of
  a c chart for Poisson counts (Montgomery, Introduction to Statistical
  Quality Control, 7th ed., sec. 7.3.1), so a small channel (25 social
  contacts a day) is not flagged for a swing that is chance alone. With
  ``baseline: trailing_7_day`` and ``noise_sigmas: 0`` the view is issue 4's
  definition exactly.
- ``sla_risk``: at each reporting day's end (local midnight), a ticket whose
  first response or resolution clock is still running and has used at least
  ``alerts.sla_risk_share`` (80%) of its target but not yet 100%. The clock is
  counted as the SLA policy counts it (business or calendar time); pending time
  is not deducted, so a ticket waiting on the customer may be flagged early.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import sla
from simulator.calendar import Calendar
from simulator.config import ScenarioConfig

COLUMNS = ["date", "alert", "channel", "ticket_id", "clock", "value", "threshold"]


MIN_SAME_WEEKDAYS = 2  # same-weekday baseline: fewer earlier ordinary days, no alert


def volume_alerts(daily: pd.DataFrame, trailing_days: int = 7, buffer: float = 0.2,
                  baseline: str = "trailing_7_day", trailing_weeks: int = 4,
                  holidays: frozenset[str] = frozenset(), noise_sigmas: float = 0.0) -> pd.DataFrame:
    """Surge days from a ``daily``-shaped table (date, channel, contacts), one row per
    date and channel.

    ``value`` is the day's contacts, ``threshold`` the larger of (1 + buffer) x the
    baseline mean and mean + noise_sigmas x sqrt(mean) (module docstring);
    ``holidays`` (ISO dates) are left out of a same-weekday baseline.
    """
    totals = daily.groupby("date", sort=True)["contacts"].sum().reset_index().assign(channel="all")
    frames = []
    for channel, rows in pd.concat([daily[["date", "channel", "contacts"]], totals]).groupby(
            "channel", sort=False):
        rows = rows.sort_values("date")
        if baseline == "same_weekday":
            mean = _same_weekday_mean(rows, trailing_weeks, holidays)
        else:
            mean = rows["contacts"].rolling(trailing_days, min_periods=trailing_days).mean().shift(1)
        threshold = np.maximum((1.0 + buffer) * mean, mean + noise_sigmas * np.sqrt(mean))
        surge = rows["contacts"] > threshold
        frames.append(pd.DataFrame({"date": rows["date"][surge], "alert": "volume_surge",
                                    "channel": channel, "ticket_id": -1, "clock": "",
                                    "value": rows["contacts"][surge].astype(float),
                                    "threshold": threshold[surge]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def _same_weekday_mean(rows: pd.DataFrame, weeks: int, holidays: frozenset[str]) -> pd.Series:
    """Mean contacts of the same weekday over the ``weeks`` weeks before each date,
    holidays left out; NaN with fewer than ``MIN_SAME_WEEKDAYS`` such days."""
    dates = pd.to_datetime(rows["date"].astype(str))
    ordinary = rows["contacts"].astype(float).where(~rows["date"].astype(str).isin(holidays))
    by_weekday = ordinary.groupby(dates.dt.day_of_week.to_numpy(), sort=False)
    return by_weekday.transform(lambda s: s.rolling(weeks, min_periods=MIN_SAME_WEEKDAYS)
                                .mean().shift(1))


def _reached(calendar: Calendar, start: np.ndarray, seconds: np.ndarray,
             business: np.ndarray) -> np.ndarray:
    """Earliest time the SLA clock started at ``start`` has run ``seconds``."""
    at = start + seconds
    if business.any():
        at = np.where(business, calendar.add_business_seconds(start, seconds), at)
    return at


def sla_risk_alerts(calendar: Calendar, tickets: pd.DataFrame, risk_share: float = 0.8) -> pd.DataFrame:
    """Tickets between ``risk_share`` and 100% of an SLA target at each day's end.

    The clock used grows with time, so a ticket is at risk exactly at the day ends in
    [time ``risk_share`` of the target is reached, time the target is reached), before
    its clock stops: each ticket's window is found once, then checked at its day ends.
    """
    day_ends = calendar.day_start[calendar.warmup_days + 1:]
    dates = np.array([d.isoformat() for d in calendar.day_dates[calendar.warmup_days:]])
    created = tickets["created"].to_numpy(dtype=float)
    business = tickets["sla_business_hours"].to_numpy(dtype=bool)
    clocks = (("first_response", tickets["first_response_at"].to_numpy(dtype=float),
               tickets["sla_first_response_target_minutes"].to_numpy(dtype=float) * 60.0),
              ("resolution", tickets["first_solved_at"].to_numpy(dtype=float),
               tickets["sla_resolution_target_minutes"].to_numpy(dtype=float) * 60.0))
    frames = []
    for clock, stopped_at, target in clocks:
        rows = np.flatnonzero(~np.isnan(target))
        if not rows.size or not day_ends.size:
            continue
        # One second of slack each side; the exact check below decides.
        start = _reached(calendar, created[rows], risk_share * target[rows], business[rows]) - 1.0
        stop = np.fmin(_reached(calendar, created[rows], target[rows], business[rows]) + 1.0,
                       np.where(np.isnan(stopped_at[rows]), np.inf, stopped_at[rows]))
        first = np.searchsorted(day_ends, start, side="left")
        last = np.searchsorted(day_ends, stop, side="left")
        count = np.maximum(last - first, 0)
        ticket = np.repeat(rows, count)
        day = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
        end = day_ends[day]
        used = sla.elapsed(calendar, created[ticket], end, business[ticket]) / target[ticket]
        running = ~(stopped_at[ticket] <= end) & (created[ticket] < end)
        risk = running & (used >= risk_share) & (used < 1.0)
        frames.append(pd.DataFrame({
            "date": dates[day[risk]], "alert": "sla_risk",
            "channel": tickets["channel"].to_numpy()[ticket[risk]],
            "ticket_id": tickets["ticket_id"].to_numpy()[ticket[risk]], "clock": clock,
            "value": used[risk], "threshold": risk_share}))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(["date", "ticket_id"], kind="stable") \
        .reset_index(drop=True)


def build_alerts(config: ScenarioConfig, calendar: Calendar, daily: pd.DataFrame,
                 tickets: pd.DataFrame) -> pd.DataFrame:
    """Both alert kinds, by date; ``value``/``threshold``: contacts for a surge, share
    of the target used for an SLA risk."""
    alerts = config.alerts
    holidays = frozenset(d.isoformat() for d in calendar.holidays)
    parts = [volume_alerts(daily, alerts.trailing_days, alerts.volume_buffer, alerts.baseline,
                           alerts.trailing_weeks, holidays, alerts.noise_sigmas),
             sla_risk_alerts(calendar, tickets, alerts.sla_risk_share)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("date", "alert", "channel", "clock")
                                          else float) for c in COLUMNS})
    table = pd.concat(parts, ignore_index=True)[COLUMNS]
    table["ticket_id"] = table["ticket_id"].astype(np.int64)
    return table.sort_values(["date", "alert", "channel", "ticket_id"], kind="stable").reset_index(drop=True)
