"""Demand: arrival intensity per interval and channel, arrivals, and customers.

Intensity per interval = volume_per_day x day-of-week factor x intraday
profile x seasonality x growth; the intraday profile is normalised over the
intervals in which the channel is open, so a channel's day volume does not
depend on its opening hours or on DST. Arrivals are a non-homogeneous Poisson
process, piecewise constant per interval, with a day-level gamma multiplier
(mean 1, cv ``overdispersion_cv``) for Poisson-gamma overdispersion.

Common random numbers: each (source, channel, day) draws its arrivals from its
own stream, and the customers of that day from a block whose row i belongs to
the i-th arrival of the day (rows fill in order, so a larger day keeps its
earlier rows). Demand events add a second source, superposed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from simulator.calendar import Calendar, parse_weekly_hours
from simulator.config import CHANNELS, PRIORITIES, WEEKDAYS, ScenarioConfig
from simulator.distributions import categorical, sample_duration
from simulator.streams import StreamRegistry

BASE, SURGE = 0, 1
SOURCES = ("base", "surge", "redial", "repeat")

# Columns of the attribute block: one uniform per column.
UNIFORM_COLUMNS = (
    "customer", "category", "priority", "deflect", "escalate_l2", "escalate_l3", "pending",
    "hold", "resolved", "reopens", "redial", "csat_surveyed", "csat_responded", "follow_up_offset",
)
DURATION_COLUMNS = (
    "work", "hold_time", "wrap", "l2_work", "l3_work", "patience", "pending_delay",
    "hold_delay", "repeat_delay", "reopen_delay", "redial_delay", "csat_noise",
)


def channel_id(name: str) -> int:
    return CHANNELS.index(name)


@dataclass(frozen=True)
class DemandPlan:
    """Expected arrivals per interval, per channel, for each source."""

    base: dict[str, np.ndarray]
    surge: dict[str, np.ndarray]


@dataclass(frozen=True)
class CustomerPool:
    """Customers with unequal contact propensity; the same ones come back."""

    cumulative_weight: np.ndarray
    tier: np.ndarray  # index into config.customers.tiers


def build_customer_pool(config: ScenarioConfig, registry: StreamRegistry) -> CustomerPool:
    rng = registry.generator("customer_pool")
    size, cv = config.customers.pool_size, config.customers.propensity_cv
    if cv > 0:
        sigma2 = np.log1p(cv**2)
        weight = np.exp(np.sqrt(sigma2) * rng.standard_normal(size))
    else:
        weight = np.ones(size)
    tier = categorical(rng.random(size), list(config.customers.tiers.values()))
    cumulative = np.cumsum(weight)
    return CustomerPool(cumulative_weight=cumulative / cumulative[-1], tier=tier)


def build_demand(config: ScenarioConfig, calendar: Calendar) -> DemandPlan:
    base, surge = {}, {}
    for name in config.channels:
        base[name] = _base_intensity(config, calendar, name)
        surge[name] = _surge_intensity(config, calendar, name, base[name])
    return DemandPlan(base=base, surge=surge)


def channel_open_mask(config: ScenarioConfig, calendar: Calendar, name: str) -> np.ndarray:
    """Whether the channel takes contacts in each interval."""
    hours = config.channels[name].open_hours
    if hours == "always":
        return np.ones(len(calendar.interval_start), dtype=bool)
    if hours == "business":
        return calendar.business_open.copy()
    return calendar.open_mask(parse_weekly_hours(hours))


def _day_factors(config: ScenarioConfig, calendar: Calendar, name: str) -> np.ndarray:
    channel, season = config.channels[name], config.seasonality
    factors = np.empty(calendar.n_days)
    for index, day in enumerate(calendar.day_dates):
        factor = channel.day_of_week_factors.get(WEEKDAYS[day.weekday()], 1.0)
        factor *= season.monthly_factors.get(day.month, 1.0)
        next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if (next_month - day).days <= season.month_end_days:
            factor *= season.month_end_factor
        if day in calendar.holidays:
            factor *= season.holiday_factor
        years = (day - calendar.start_date).days / 365.25
        factors[index] = factor * (1.0 + channel.growth_per_year) ** years
    return factors


def _base_intensity(config: ScenarioConfig, calendar: Calendar, name: str) -> np.ndarray:
    channel = config.channels[name]
    length_hours = (calendar.interval_end - calendar.interval_start) / 3600.0
    hour = calendar.interval_minute_of_day // 60
    weight = np.asarray(channel.intraday_hourly_weights)[hour] * length_hours
    weight = weight * channel_open_mask(config, calendar, name)
    per_day = np.bincount(calendar.interval_day, weights=weight, minlength=calendar.n_days)
    share = np.divide(weight, per_day[calendar.interval_day], out=np.zeros_like(weight),
                      where=per_day[calendar.interval_day] > 0)
    day_volume = channel.volume_per_day * _day_factors(config, calendar, name)
    return share * day_volume[calendar.interval_day]


def _surge_intensity(config: ScenarioConfig, calendar: Calendar, name: str,
                     base: np.ndarray) -> np.ndarray:
    extra = np.zeros_like(base)
    for event in config.demand_events:
        if name not in event.channels:
            continue
        local = event.start.replace(tzinfo=calendar.to_datetime(0.0).tzinfo)
        start = local.timestamp() - calendar.to_datetime(0.0).timestamp()
        end = start + event.duration_hours * 3600.0
        overlap = np.clip(np.minimum(calendar.interval_end, end)
                          - np.maximum(calendar.interval_start, start), 0.0, None)
        fraction = overlap / (calendar.interval_end - calendar.interval_start)
        extra += base * event.extra_volume_factor * fraction
    return extra


def day_arrivals(plan: DemandPlan, calendar: Calendar, registry: StreamRegistry,
                 overdispersion_cv: float, source: int, channel: str, day: int) -> np.ndarray:
    """Sorted arrival times (sim seconds) of one source, channel and day."""
    intensity = (plan.base if source == BASE else plan.surge)[channel]
    lo, hi = np.searchsorted(calendar.interval_day, [day, day + 1])
    lam = intensity[lo:hi]
    if not lam.any():
        return np.empty(0)
    cid = channel_id(channel)
    if overdispersion_cv > 0 and source == BASE:
        level_rng = registry.generator("arrival_day_level", source, cid, day)
        shape = 1.0 / overdispersion_cv**2
        lam = lam * level_rng.gamma(shape, 1.0 / shape)
    rng = registry.generator("arrivals", source, cid, day)
    counts = rng.poisson(lam)
    starts = np.repeat(calendar.interval_start[lo:hi], counts)
    widths = np.repeat(calendar.interval_end[lo:hi] - calendar.interval_start[lo:hi], counts)
    return np.sort(starts + rng.random(starts.size) * widths)


@dataclass
class AttributeBlock:
    """Everything drawn at arrival for the customers of one (source, channel, day, generation)."""

    columns: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    def rows(self, start: int, stop: int) -> AttributeBlock:
        return AttributeBlock(RowRange(self.columns, start, stop))


class RowRange(Mapping):
    """Rows ``start:stop`` of every column, sliced when a column is read.

    A run's attribute blocks are days cut out of one array per column; a view
    per column and day would cost more memory than a day's rows of some columns.
    """

    __slots__ = ("columns", "start", "stop")

    def __init__(self, columns: Mapping[str, np.ndarray], start: int, stop: int) -> None:
        self.columns, self.start, self.stop = columns, start, stop

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name][self.start:self.stop]

    def value(self, name: str, row: int):
        """Column ``name`` at ``row`` (a numpy scalar), without slicing the column."""
        return self.columns[name][self.start + row]

    def __iter__(self):
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


WIDTH = len(UNIFORM_COLUMNS) + len(DURATION_COLUMNS)


def attribute_uniforms(registry: StreamRegistry, source: int, channel: str, day: int,
                       generation: int, rows: int) -> np.ndarray:
    """``rows`` x WIDTH uniforms from the block's own stream; row i depends only on i."""
    key = (source, channel_id(channel), day, generation)
    return registry.generator("attributes", *key).random((rows, WIDTH))


def empty_attribute_columns(config: ScenarioConfig) -> dict[str, np.ndarray]:
    """The drawn attribute columns with no rows, typed: a run without a single
    contact has no attribute block to take them from."""
    pool = CustomerPool(cumulative_weight=np.ones(1), tier=np.zeros(1, dtype=np.int64))
    channel = next(iter(config.channels))
    return attributes_from_uniforms(config, pool, channel, np.empty((0, WIDTH))).columns


def attributes_from_uniforms(config: ScenarioConfig, pool: CustomerPool, channel: str,
                             uniform: np.ndarray) -> AttributeBlock:
    """Turn a block of uniforms into customers (vectorised; any number of days at once).

    Each duration uses one uniform: an exponential by inverse transform, a
    lognormal through the normal quantile (``scipy.special.ndtri``).
    """
    split = len(UNIFORM_COLUMNS)
    u = {name: uniform[:, i] for i, name in enumerate(UNIFORM_COLUMNS)}
    v = {name: uniform[:, split + i] for i, name in enumerate(DURATION_COLUMNS)}
    z = {name: ndtri(v[name]) for name in DURATION_COLUMNS}
    return AttributeBlock(columns=_attribute_columns(config, pool, channel, u, v, z))


def _attribute_columns(config, pool, channel, u, v, z) -> dict[str, np.ndarray]:
    ch, life = config.channels[channel], config.lifecycle
    categories = list(config.categories.values())
    customer = np.searchsorted(pool.cumulative_weight, u["customer"], side="right")
    customer = np.minimum(customer, len(pool.tier) - 1).astype(np.int32)
    category = categorical(u["category"], [c.share for c in categories])
    priority_names = list(config.priorities)
    priority = categorical(u["priority"], list(config.priorities.values()))
    priority = np.array([PRIORITIES.index(p) for p in priority_names], dtype=np.int8)[priority]
    deflection = np.array([c.deflection_share for c in categories])[category]
    to_l2 = np.array([c.escalate_to_l2 for c in categories])[category]
    to_l3 = np.array([c.escalate_to_l3 for c in categories])[category]
    escalate_l2 = u["escalate_l2"] < to_l2
    reopen_draw = u["reopens"]
    reopens = np.zeros(len(customer), dtype=np.int8)
    p = life.reopen_probability
    for k in range(1, life.max_reopens + 1):  # geometric: P(reopens >= k) = p^k
        reopens += (reopen_draw < p**k).astype(np.int8)

    def dur(name, spec):
        return sample_duration(spec, v[name], z[name])

    tiers = config.tiers
    work = dur("work", ch.handle.work)
    hold = dur("hold_time", ch.handle.hold) if ch.handle.hold else np.zeros(len(customer))
    wrap = dur("wrap", ch.handle.wrap) if ch.handle.wrap else np.zeros(len(customer))
    return {
        "customer": customer,
        "customer_tier": pool.tier[customer].astype(np.int16),
        "category": category,
        "priority": priority,
        "deflected": u["deflect"] < deflection,
        "work_seconds": work,
        "hold_seconds": hold,
        "wrap_seconds": wrap,
        "l1_work_seconds": work + hold + wrap,
        "l2_work_seconds": dur("l2_work", tiers["L2"].work if "L2" in tiers else None),
        "l3_work_seconds": dur("l3_work", tiers["L3"].work if "L3" in tiers else None),
        "patience_seconds": dur("patience", ch.patience),
        "escalates_l2": escalate_l2,
        "escalates_l3": escalate_l2 & (u["escalate_l3"] < to_l3),
        "goes_pending": u["pending"] < life.pending_probability,
        "pending_delay_seconds": dur("pending_delay", life.pending_delay),
        "goes_on_hold": u["hold"] < life.hold_probability,
        "hold_delay_seconds": dur("hold_delay", life.hold_delay),
        "truly_resolved": u["resolved"] < life.truly_resolved_probability,
        "repeat_delay_seconds": dur("repeat_delay", life.repeat_delay),
        "reopens": reopens,
        "reopen_delay_seconds": dur("reopen_delay", life.reopen_delay),
        "redials": u["redial"] < ch.redial.probability,
        "redial_delay_seconds": dur("redial_delay", ch.redial.delay),
        "csat_surveyed": u["csat_surveyed"] < config.csat.survey_rate,
        "csat_responded": u["csat_responded"] < config.csat.response_rate,
        "csat_noise": z["csat_noise"],
        "follow_up_offset": u["follow_up_offset"].copy(),  # not a view: frees the uniforms
    }
