"""Time frame of the simulation: a local-clock interval grid and business-time arithmetic.

Design
------
* Simulator time is float seconds from local midnight of ``start_date`` in ``timezone`` (0.0).
  Warm-up days come first, at negative times. Every wall-clock -> instant conversion goes through
  ``zoneinfo`` POSIX timestamps; a day is never assumed to be 86400 s long.
* The interval grid is built in *local clock* time: each simulated day gets the wall times
  00:00, 00:15, ... that exist on it, once per occurrence. A repeated fall-back hour appears twice
  and a skipped spring-forward hour not at all (92 / 100 quarter-hours), so minute-of-day 540
  is always 09:00 local. An interval ends where the next one starts, so each lasts
  ``interval_minutes`` of real time.
* Opening hours (weekday -> ``[start, end)`` ranges, split hours allowed, ``end == 00:00``
  meaning 24:00) minus holidays become sorted, merged *open spans* in sim seconds plus a
  cumulative-open-seconds array. ``F(t)`` (open seconds before ``t``) and its inverse are then
  ``np.searchsorted`` look-ups: O(log n) per element and fully vectorised. Business spans
  start at the first simulated day (earlier time counts as closed) and are extended past the
  horizon on demand, doubling the covered days, so results may lie beyond ``sim_end``.
* An interval is open when its start instant lies inside an open span. Wall times that do not
  exist (DST gap) resolve as ``zoneinfo`` does with ``fold=0``; ambiguous ones use the first
  occurrence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

TimeRange = tuple[dt.time, dt.time]
WeeklyHours = Mapping[int, Sequence[TimeRange]]
FrozenHours = tuple[tuple[int, tuple[TimeRange, ...]], ...]

MIDNIGHT = dt.time(0, 0)
DEFAULT_BUSINESS_HOURS: WeeklyHours = {d: ((dt.time(9), dt.time(17)),) for d in range(5)}
ALWAYS_OPEN: WeeklyHours = {d: ((MIDNIGHT, MIDNIGHT),) for d in range(7)}
_EXTRA_DAYS = 28  # business spans initially cover this many days past the horizon
_MAX_DAYS = 366 * 200  # hard limit when extending business spans
_RANGE_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


def parse_time_range(text: str) -> TimeRange:
    """Parse ``"09:00-17:30"`` into ``(time(9), time(17, 30))``; ``"24:00"`` becomes ``00:00``."""
    match = _RANGE_RE.fullmatch(text) if isinstance(text, str) else None
    if match is not None:
        h1, m1, h2, m2 = map(int, match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 < 24 and m1 < 60 and m2 < 60 and start < end <= 1440:
            return dt.time(h1, m1), MIDNIGHT if end == 1440 else dt.time(h2, m2)
    raise ValueError(f"must look like HH:MM-HH:MM with start < end, got '{text}'")


def _check_range(r: TimeRange | str) -> TimeRange:
    if isinstance(r, str):
        return parse_time_range(r)
    start, end = r
    ok = isinstance(start, dt.time) and isinstance(end, dt.time)
    if not (ok and (end == MIDNIGHT or start < end)):
        raise ValueError(f"business_hours ranges must be (start, end) with start < end, got {r!r}")
    return start, end


def _freeze_hours(hours: WeeklyHours | FrozenHours) -> FrozenHours:
    items = hours.items() if isinstance(hours, Mapping) else hours
    out = []
    for day, ranges in sorted(items):
        if day not in range(7):
            raise ValueError(f"business_hours weekday must be 0 (Mon)..6 (Sun), got {day!r}")
        checked = tuple(sorted(_check_range(r) for r in ranges))
        if checked:
            out.append((int(day), checked))
    return tuple(out)


def _as_date(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)  # drops any datetime part


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"timezone must be an IANA time zone name, got {name!r}") from exc


def _wall_ts(day: dt.date, t: dt.time, tz: ZoneInfo) -> float:
    """POSIX timestamp of local wall time ``t`` on ``day`` (fold=0)."""
    return dt.datetime.combine(day, t, tzinfo=tz).timestamp()


def _instants(day: dt.date, minute: int, tz: ZoneInfo) -> list[float]:
    """Timestamps at which the local clock shows ``minute`` on ``day``: 0, 1 or 2 of them."""
    naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    out: list[float] = []
    for fold in (0, 1):
        ts = naive.replace(tzinfo=tz, fold=fold).timestamp()
        if dt.datetime.fromtimestamp(ts, tz).replace(tzinfo=None) == naive and ts not in out:
            out.append(ts)
    return out


def _day_grid(day: dt.date, step: int, tz: ZoneInfo, origin: float) -> tuple[np.ndarray, ...]:
    """Interval starts (sim seconds, sorted) and their local minute of day for one day."""
    minutes = np.arange(0, 1440, step)
    t0 = _wall_ts(day, MIDNIGHT, tz)
    if _wall_ts(day + dt.timedelta(days=1), MIDNIGHT, tz) - t0 == 86400.0:  # no DST change
        return t0 - origin + minutes * 60.0, minutes
    pairs = sorted((ts - origin, int(m)) for m in minutes for ts in _instants(day, int(m), tz))
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def _spans(
    first: dt.date, n_days: int, hours: FrozenHours, holidays: frozenset[dt.date],
    tz: ZoneInfo, origin: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, merged open spans ``[start, end)`` in sim seconds for ``n_days`` from ``first``."""
    table = dict(hours)
    pairs = []
    for k in range(n_days):
        day = first + dt.timedelta(days=k)
        if day in holidays:
            continue
        for start, end in table.get(day.weekday(), ()):
            end_day = day + dt.timedelta(days=1) if end == MIDNIGHT else day
            pairs.append((_wall_ts(day, start, tz), _wall_ts(end_day, end, tz)))
    starts: list[float] = []
    ends: list[float] = []
    for s, e in sorted(pairs):
        if e <= s:
            continue
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return np.array(starts, dtype=float) - origin, np.array(ends, dtype=float) - origin


def _inside(starts: np.ndarray, ends: np.ndarray, t: np.ndarray) -> np.ndarray:
    if not len(starts):
        return np.zeros(t.shape, dtype=bool)
    i = np.searchsorted(starts, t, side="right") - 1
    return (i >= 0) & (t < ends[np.maximum(i, 0)])


def _finite_max(*arrays: np.ndarray) -> float:
    finite = [a[np.isfinite(a)] for a in arrays]
    return max((float(a.max()) for a in finite if a.size), default=-np.inf)


class _SpanTable:
    """Business open spans from the first simulated day with cumulative open seconds."""

    def __init__(self, first: dt.date, hours: FrozenHours, holidays: frozenset[dt.date],
                 tz: ZoneInfo, origin: float, n_days: int) -> None:
        self.first, self.hours, self.holidays, self.tz, self.origin = (
            first, hours, holidays, tz, origin)
        self._build(n_days)

    def _build(self, n_days: int) -> None:
        self.n_days = n_days
        args = (self.hours, self.holidays, self.tz, self.origin)
        self.starts, self.ends = _spans(self.first, n_days, *args)
        self.cum = np.concatenate(([0.0], np.cumsum(self.ends - self.starts)))
        end_day = self.first + dt.timedelta(days=n_days)
        self.horizon = _wall_ts(end_day, MIDNIGHT, self.tz) - self.origin

    def cover(self, t_max: float = -np.inf, open_needed: float = 0.0) -> None:
        """Extend until the spans reach ``t_max`` and hold ``open_needed`` open seconds."""
        while self.horizon < t_max or self.cum[-1] < open_needed:
            if self.n_days >= _MAX_DAYS:
                raise ValueError("business time request reaches past the 200-year calendar limit")
            self._build(min(2 * self.n_days, _MAX_DAYS))

    def open_before(self, t: np.ndarray) -> np.ndarray:
        """F(t): open seconds in [first day, t). NaN -> NaN, +inf -> inf."""
        if not len(self.starts):
            return np.where(np.isnan(t), np.nan, 0.0)
        i = np.searchsorted(self.starts, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.clip(t - self.starts[j], 0.0, self.ends[j] - self.starts[j])
        out = np.where(i >= 0, self.cum[j] + inside, 0.0)
        return np.where(np.isposinf(t), np.inf, out)

    def time_at(self, target: np.ndarray) -> np.ndarray:
        """Earliest t with F(t) == target, for 0 < target <= cum[-1]."""
        j = np.minimum(np.searchsorted(self.cum[1:], target, side="left"), len(self.starts) - 1)
        return self.starts[j] + (target - self.cum[j])


@dataclass(frozen=True, eq=False, repr=False)
class Calendar:
    """Simulated days, the local-clock interval grid and business-time helpers."""

    timezone: str
    start_date: dt.date
    days: int
    warmup_days: int
    interval_minutes: int
    business_hours: FrozenHours
    holidays: frozenset[dt.date]
    day_dates: tuple[dt.date, ...]
    day_start: np.ndarray
    interval_start: np.ndarray
    interval_end: np.ndarray
    interval_day: np.ndarray
    interval_minute_of_day: np.ndarray
    interval_weekday: np.ndarray
    business_open: np.ndarray
    _business: _SpanTable = field(repr=False)

    def __repr__(self) -> str:
        return (f"Calendar({self.timezone!r}, {self.start_date}, days={self.days}, "
                f"warmup_days={self.warmup_days}, interval_minutes={self.interval_minutes})")

    @property
    def sim_start(self) -> float:
        return float(self.day_start[0])

    @property
    def sim_end(self) -> float:
        return float(self.day_start[-1])

    @property
    def report_start(self) -> float:
        return 0.0

    @property
    def n_days(self) -> int:
        """Number of simulated days, warm-up included."""
        return len(self.day_dates)

    def day_index(self, d: dt.date) -> int:
        i = (_as_date(d) - self.day_dates[0]).days
        if not 0 <= i < self.n_days:
            raise ValueError(f"{d} is outside the simulated days {self.day_dates[0]}..")
        return i

    def to_datetime(self, seconds: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._business.origin + float(seconds), self._business.tz)

    def to_seconds(self, when: dt.datetime) -> float:
        """Sim seconds of ``when``; a naive datetime is read as local time (fold respected)."""
        aware = when if when.tzinfo is not None else when.replace(tzinfo=self._business.tz)
        return aware.timestamp() - self._business.origin

    def to_datetimes(self, seconds: np.ndarray) -> pd.DatetimeIndex:
        origin = pd.Timestamp(self._business.origin, unit="s", tz="UTC")
        delta = pd.to_timedelta(np.asarray(seconds, dtype=float).ravel(), unit="s")
        return pd.DatetimeIndex(origin + delta).tz_convert(self.timezone)

    def open_mask(self, hours: WeeklyHours | None, respect_holidays: bool = True) -> np.ndarray:
        """Bool per interval: its start is inside ``hours`` (None = open 24x7)."""
        frozen = _freeze_hours(ALWAYS_OPEN if hours is None else hours)
        holidays = self.holidays if respect_holidays else frozenset()
        tab = self._business
        spans = _spans(self.day_dates[0], self.n_days, frozen, holidays, tab.tz, tab.origin)
        return _inside(*spans, self.interval_start)

    def business_seconds_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Open business seconds in ``[start, end)``; NaN propagates, ``end < start`` gives 0."""
        s, e = np.broadcast_arrays(np.asarray(start, dtype=float), np.asarray(end, dtype=float))
        self._business.cover(_finite_max(s, e))
        return np.maximum(self._business.open_before(e) - self._business.open_before(s), 0.0)

    def add_business_seconds(self, start: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Earliest time when ``seconds`` business seconds have passed since ``start``.

        Negative durations count as 0; the result may lie past ``sim_end``; inf if never open.
        """
        s, x = np.broadcast_arrays(np.asarray(start, dtype=float), np.asarray(seconds, dtype=float))
        x = np.maximum(x, 0.0)
        tab = self._business
        if not tab.hours:
            return np.where(x == 0, s, np.where(np.isnan(x), np.nan, np.inf) + s)
        tab.cover(_finite_max(s))
        target = tab.open_before(s) + x
        tab.cover(open_needed=_finite_max(target))
        return np.where(x == 0, s, np.maximum(tab.time_at(target), s))


def build_calendar(
    start_date: dt.date,
    timezone: str,
    days: int,
    warmup_days: int = 7,
    interval_minutes: int = 15,
    business_hours: WeeklyHours | None = None,
    holidays: Iterable[dt.date] = (),
) -> Calendar:
    """Build the calendar for ``warmup_days + days`` local days starting ``warmup_days`` early."""
    tz = _zone(timezone)
    for name, value, low in (("days", days, 1), ("warmup_days", warmup_days, 0)):
        if not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if not isinstance(interval_minutes, int) or interval_minutes <= 0 or 1440 % interval_minutes:
        raise ValueError(f"interval_minutes must divide 60*24=1440, got {interval_minutes!r}")
    hours = _freeze_hours(DEFAULT_BUSINESS_HOURS if business_hours is None else business_hours)
    start_date, hol = _as_date(start_date), frozenset(_as_date(h) for h in holidays)
    n = warmup_days + days
    first = start_date - dt.timedelta(days=warmup_days)
    day_dates = tuple(first + dt.timedelta(days=k) for k in range(n))
    origin = _wall_ts(start_date, MIDNIGHT, tz)
    day_start = np.array([_wall_ts(first + dt.timedelta(days=k), MIDNIGHT, tz) - origin
                          for k in range(n + 1)])
    grids = [_day_grid(d, interval_minutes, tz, origin) for d in day_dates]
    starts = np.concatenate([g[0] for g in grids]).astype(np.float64)
    day_idx = np.repeat(np.arange(n, dtype=np.int32), [len(g[0]) for g in grids])
    table = _SpanTable(first, hours, hol, tz, origin, n + _EXTRA_DAYS)
    arrays = {
        "day_start": day_start,
        "interval_start": starts,
        "interval_end": np.append(starts[1:], day_start[-1]),
        "interval_day": day_idx,
        "interval_minute_of_day": np.concatenate([g[1] for g in grids]).astype(np.int32),
        "interval_weekday": np.array([d.weekday() for d in day_dates], dtype=np.int8)[day_idx],
        "business_open": _inside(table.starts, table.ends, starts),
    }
    for arr in arrays.values():
        arr.setflags(write=False)
    return Calendar(
        timezone=timezone, start_date=start_date, days=days, warmup_days=warmup_days,
        interval_minutes=interval_minutes, business_hours=hours, holidays=hol,
        day_dates=day_dates, _business=table, **arrays,
    )


def parse_weekly_hours(text_hours: Mapping[str, Sequence[str]]) -> WeeklyHours:
    """Scenario hours (``{"mon": ["09:00-17:00"]}``) as weekday index -> time ranges."""
    from simulator.config import WEEKDAYS  # config does not import calendar

    return {WEEKDAYS.index(day): [parse_time_range(r) for r in ranges]
            for day, ranges in text_hours.items()}


def calendar_for(config) -> Calendar:
    """The calendar of a validated ``ScenarioConfig``."""
    settings = config.calendar
    return build_calendar(settings.start_date, settings.timezone, settings.days,
                          settings.warmup_days, settings.interval_minutes,
                          parse_weekly_hours(settings.business_hours), settings.holidays)
