"""Local calendar periods of the reporting days: day, ISO week, month.

Times are float seconds from the scenario start; a day runs from local midnight
to local midnight (23 or 25 hours on a daylight-saving change). Spells that
cross midnight are split so each part counts on its own day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from simulator.calendar import Calendar
from simulator.labels import text_column


def day_index(calendar: Calendar, seconds: np.ndarray) -> np.ndarray:
    """Index into ``calendar.day_dates`` of each time (warm-up days included)."""
    index = np.searchsorted(calendar.day_start, np.asarray(seconds, dtype=float), side="right") - 1
    return np.clip(index, 0, calendar.n_days - 1)


def period_labels(calendar: Calendar, seconds: np.ndarray) -> dict[str, np.ndarray]:
    """Day (YYYY-MM-DD), week (its Monday) and month (YYYY-MM) of each time; '' for NaN."""
    seconds = np.asarray(seconds, dtype=float)
    days = np.array([d.isoformat() for d in calendar.day_dates] + [""])
    weeks = np.array([(d - dt.timedelta(days=d.weekday())).isoformat() for d in calendar.day_dates] + [""])
    index = np.where(np.isnan(seconds), calendar.n_days, day_index(calendar, np.nan_to_num(seconds)))
    return {"day": days[index], "week": weeks[index], "month": np.array([d[:7] for d in days])[index]}


def day_text(calendar: Calendar, seconds: np.ndarray):
    """``period_labels(...)["day"]`` as a text column (built by a gather, not a conversion)."""
    seconds = np.asarray(seconds, dtype=float)
    index = np.where(np.isnan(seconds), calendar.n_days, day_index(calendar, np.nan_to_num(seconds)))
    return text_column([d.isoformat() for d in calendar.day_dates] + [""], index)


def split_by_day(spells: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """Spells (``start``, ``end``, ...) cut at local midnights, with a ``date`` column.

    ``duration_seconds`` is recomputed for the parts; other columns are repeated.
    """
    starts = spells["start"].to_numpy(dtype=float)
    ends = spells["end"].to_numpy(dtype=float)
    first = day_index(calendar, starts)
    last = np.maximum(first, day_index(calendar, np.nextafter(ends, -np.inf)))
    repeats = last - first + 1
    parts = spells.loc[spells.index.repeat(repeats)].reset_index(drop=True)
    offset = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    day = np.repeat(first, repeats) + offset
    bounds = calendar.day_start
    part_start = np.maximum(np.repeat(starts, repeats), bounds[day])
    part_end = np.minimum(np.repeat(ends, repeats), bounds[np.minimum(day + 1, bounds.size - 1)])
    parts["start"], parts["end"] = part_start, part_end
    parts["duration_seconds"] = part_end - part_start
    parts["date"] = text_column([d.isoformat() for d in calendar.day_dates], day)
    return parts[parts["duration_seconds"] > 0].reset_index(drop=True)
