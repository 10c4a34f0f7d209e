"""Required agents per interval and skill group for one planning week.

From the scenario's demand model (expected contacts per interval and channel)
to what the schedule MILP must cover, per skill group (a tier with a set of
channels, the planning unit):

- **Synchronous channels** (phone, chat): agents per interval from Erlang A
  (Erlang C when callers never abandon) against the channel's service-level
  target and the maximum abandonment rate, on the modified offered load of Green, Kolesar and Whitt (2007),
  "Coping with time-varying demand when setting staffing requirements for a
  service system", POMS 16(1). With exponential handle times the MOL solves
  ``m'(t) = lambda(t) - m(t) / AHT``; it carries work started in earlier
  intervals and equals ``lambda x AHT`` when demand is steady. Chat: N agents
  with k chats each are N x k servers with AHT x mean slowdown; the answer is
  labelled approximate and the simulation is the check.
- **Asynchronous work** (email, web, social, follow-ups on live tickets, and
  escalations to L2/L3): a fluid deadline model. Each interval's work (agent
  seconds) may stay unfinished until its deadline passes: the first-response
  target (L1) or a share of the resolution target (escalations), by priority x
  customer tier, in business or calendar time as the SLA policy counts it.
  ``allowed_backlog_seconds[j]`` is the work arrived by the end of interval j
  whose deadline is later; the MILP keeps its backlog below that.
- **Blended groups**: the pooled requirement (one Erlang queue over the
  group's live channels) and the separate one (each channel staffed alone,
  which over-staffs) are both reported; the MILP uses the pooled one.
- **Shrinkage**: the schedule places breaks and lunch explicitly, so only the
  other in-shift activities (meetings, training, coaching) reduce productive
  time (``productive_share``); absence and vacation gross up headcount after
  the schedule (``out_of_shift_shrinkage``). No minute is grossed up twice.

Work per ticket includes the expected follow-up work (a customer's reply to a
pending ticket and reopens, each ``follow_up_work_fraction`` of the handle
time; repeat contacts of unresolved tickets, a full contact each). These are
expectations; verification by simulation corrects what they miss.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np

from planner.staffing_batch import required_agents_many
from simulator.calendar import Calendar, calendar_for
from simulator.config import (
    CHANNELS,
    SYNCHRONOUS_CHANNELS,
    ScenarioConfig,
    SkillGroup,
)
from simulator.demand import build_demand, channel_open_mask

WEEK_DAYS = 7
NO_SLA_MINUTES = 24 * 60.0  # deadline for work no SLA policy covers


@dataclass(frozen=True)
class GroupRequirement:
    """What one skill group must cover over the planning week (Monday first)."""

    group: SkillGroup
    hourly_cost: float
    required: np.ndarray                 # agents, pooled over the group's live channels
    required_separate: np.ndarray        # agents, each live channel staffed alone
    work_seconds: np.ndarray             # async work arriving per interval
    allowed_backlog_seconds: np.ndarray  # async work that may still be open at interval end
    allowed: np.ndarray                  # bool: the group may be on shift
    offered_load: dict[str, np.ndarray]  # modified offered load per live channel (erlangs)
    approximate: bool                    # chat concurrency makes the Erlang answer approximate

    @property
    def name(self) -> str:
        return self.group.name

    def async_agent_hours(self) -> float:
        return float(self.work_seconds.sum()) / 3600.0


@dataclass(frozen=True)
class Requirements:
    interval_minutes: int
    week_start: str          # ISO date of the planning week's Monday
    groups: tuple[GroupRequirement, ...]
    productive_share: float  # on-shift time not in breaks, meetings, training, coaching
    out_of_shift_shrinkage: float
    tickets_per_day: np.ndarray  # (7,) expected tickets, Monday first

    @property
    def slots_per_day(self) -> int:
        return 1440 // self.interval_minutes

    def group(self, name: str) -> GroupRequirement:
        return next(g for g in self.groups if g.name == name)


def workload_agents(tickets_per_day: float, aht_minutes: float, shift_hours: float = 8.0,
                    productive_share: float = 0.75) -> int:
    """The playbook's daily workload check: agents on shift, before queueing.

    tickets x AHT / (shift minutes x productive share), rounded up; a lower
    bound before out-of-shift shrinkage and before queueing.

    >>> workload_agents(500, 20)
    28
    """
    return math.ceil(round(tickets_per_day * aht_minutes / (shift_hours * 60 * productive_share), 9))


def skill_groups(config: ScenarioConfig) -> tuple[SkillGroup, ...]:
    """The scenario's planning groups, or one per distinct (tier, skills) of its agents."""
    if config.planning.skill_groups:
        return tuple(config.planning.skill_groups)
    groups: dict[tuple[str, tuple[str, ...]], SkillGroup] = {}
    for agent_group in config.agents:
        skills = tuple(c for c in CHANNELS if c in agent_group.skills)
        key = (agent_group.tier, skills)
        if key not in groups:
            groups[key] = SkillGroup(name=agent_group.name, tier=agent_group.tier,
                                     channels=list(skills))
    return tuple(groups.values())


def planning_config(config: ScenarioConfig) -> ScenarioConfig:
    """The scenario cut to one planning week, after its warm-up (at most a week,
    which runs the same weekly roster)."""
    warmup = min(config.calendar.warmup_days, WEEK_DAYS)
    calendar = config.calendar.model_copy(update={"days": WEEK_DAYS, "warmup_days": warmup})
    return config.model_copy(update={"calendar": calendar})


def productive_share(config: ScenarioConfig) -> float:
    """Share of on-shift time left after the non-break in-shift activities."""
    full = [t.hours * 60 for t in config.planning.shift_templates if not t.part_time] or [480.0]
    shift_minutes = float(np.mean(full))
    other = sum(a.minutes * a.probability_per_shift for a in config.shrinkage.in_shift
                if a.activity not in ("break", "lunch"))
    return max(0.05, 1.0 - other / shift_minutes)


def work_multiplier(config: ScenarioConfig) -> float:
    """Expected L1 work per ticket in units of one handle time (follow-ups included)."""
    life = config.lifecycle
    return (1.0 + life.follow_up_work_fraction * (life.pending_probability + life.reopen_probability)
            + (1.0 - life.truly_resolved_probability))


def build_requirements(config: ScenarioConfig) -> Requirements:
    """Requirements for the first reported week of ``config`` (see module docstring)."""
    config = planning_config(config)
    calendar = calendar_for(config)
    grid = WeekGrid.of(calendar)
    demand = build_demand(config, calendar)
    contacts = {c: demand.base[c] + demand.surge[c] for c in config.channels}
    shares = _category_shares(config)
    tickets = {c: contacts[c] * shares.ticket for c in contacts}
    deadlines = _Deadlines(config, calendar)
    groups = tuple(_group_requirement(config, calendar, grid, group, tickets, shares, deadlines)
                   for group in skill_groups(config))
    reported = calendar.interval_start >= 0
    per_day = np.zeros(WEEK_DAYS)
    total = sum(tickets.values())
    np.add.at(per_day, grid.day[reported], total[reported])
    oos = config.shrinkage.absence_rate + config.shrinkage.vacation_rate
    first = calendar.day_dates[calendar.warmup_days]
    monday = first - dt.timedelta(days=first.weekday())
    return Requirements(config.calendar.interval_minutes, monday.isoformat(), groups,
                        productive_share(config), min(oos, 0.9), per_day)


@dataclass(frozen=True)
class _CategoryShares:
    ticket: float  # tickets per contact (after self-service deflection)
    l2: float      # escalations to L2 per contact
    l3: float      # escalations to L3 per contact


def _category_shares(config: ScenarioConfig) -> _CategoryShares:
    cats = config.categories.values()
    ticket = sum(c.share * (1 - c.deflection_share) for c in cats)
    l2 = sum(c.share * (1 - c.deflection_share) * c.escalate_to_l2 for c in cats)
    l3 = sum(c.share * (1 - c.deflection_share) * c.escalate_to_l2 * c.escalate_to_l3 for c in cats)
    return _CategoryShares(ticket, l2, l3)


@dataclass(frozen=True)
class WeekGrid:
    """Maps the calendar's reported intervals onto a Monday-first week of local slots."""

    slots_per_day: int
    day: np.ndarray   # weekday of every calendar interval (0 = Monday)
    slot: np.ndarray  # index into the 7 x slots week of every calendar interval

    @classmethod
    def of(cls, calendar: Calendar) -> WeekGrid:
        per_day = 1440 // calendar.interval_minutes
        day = calendar.interval_weekday.astype(np.int64)
        slot = day * per_day + calendar.interval_minute_of_day // calendar.interval_minutes
        return cls(per_day, day, slot.astype(np.int64))

    @property
    def size(self) -> int:
        return WEEK_DAYS * self.slots_per_day

    def fold_sum(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = np.zeros(self.size)
        np.add.at(out, self.slot[mask], values[mask])
        return out

    def fold_max(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = np.zeros(self.size)
        np.maximum.at(out, self.slot[mask], values[mask])
        return out


class _Deadlines:
    """SLA deadlines (seconds after arrival, business or calendar) by priority x customer tier."""

    def __init__(self, config: ScenarioConfig, calendar: Calendar) -> None:
        self.calendar = calendar
        self._cache: dict[tuple[float, bool], tuple[np.ndarray, np.ndarray]] = {}
        self.rows = []  # (weight, first response s, resolution s, business)
        for tier, tier_share in config.customers.tiers.items():
            for priority, p_share in config.priorities.items():
                target = config.sla.get(tier, {}).get(priority)
                first = target.first_response_minutes if target else NO_SLA_MINUTES
                resolution = target.resolution_minutes if target else 3 * NO_SLA_MINUTES
                business = target.business_hours if target else False
                self.rows.append((tier_share * p_share, first * 60.0, resolution * 60.0, business))

    def allowed_backlog(self, work: np.ndarray, share_of_resolution: float | None) -> np.ndarray:
        """Work arrived by each interval's end whose deadline is later (per calendar interval)."""
        keys = [(first if share_of_resolution is None else resolution * share_of_resolution,
                 business) for _, first, resolution, business in self.rows]
        self._add_deadlines(keys)
        allowed = np.zeros_like(work)
        for (weight, *_), key in zip(self.rows, keys, strict=True):
            order, passed_at = self._cache[key]
            weighted = work * weight
            allowed += _open_work(weighted, order, passed_at)
        return allowed

    def _add_deadlines(self, keys: list[tuple[float, bool]]) -> None:
        """For each new (seconds, business) deadline: the intervals in order of
        deadline (from their middle; ``None`` when that is their own order) and
        how many deadlines have passed at each interval's end, kept for the other
        groups. Business-time deadlines are found in one call (elementwise, so
        the same numbers as one call each)."""
        new = [key for key in dict.fromkeys(keys) if key not in self._cache]
        start, end = self.calendar.interval_start, self.calendar.interval_end
        middle = (start + end) / 2.0
        business = [seconds for seconds, is_business in new if is_business]
        if business:
            shifted = self.calendar.add_business_seconds(
                np.tile(middle, len(business)), np.repeat(business, middle.size))
            by_business = dict(zip(business, shifted.reshape(len(business), -1), strict=True))
        for seconds, is_business in new:
            due = by_business[seconds] if is_business else middle + seconds
            # Work of interval i is open at the end of j when i <= j and due_i > end_j.
            order = np.argsort(due, kind="stable")
            passed_at = np.searchsorted(due[order], end, side="right")
            in_order = bool((order == np.arange(order.size)).all())  # deadlines follow arrival
            self._cache[(seconds, is_business)] = (None if in_order else order), passed_at


def _arrived_not_due(end: np.ndarray, due: np.ndarray, work: np.ndarray,
                     order: np.ndarray) -> np.ndarray:
    """sum_i work_i [i <= j and due_i > end_j] for every j, in O(n log n)."""
    return _open_work(work, order, np.searchsorted(due[order], end, side="right"))


def _open_work(work: np.ndarray, order: np.ndarray | None, passed_at: np.ndarray
               ) -> np.ndarray:
    """``_arrived_not_due`` given the deadline order (``None``: the intervals'
    own order, the usual case) and, per interval end, the number of deadlines passed."""
    arrived = np.cumsum(work)
    # Work with due <= end_j has arrived by j (deadlines follow arrival), so
    # subtract the cumulative work whose deadline passed.
    cumulative_due = np.empty(work.size + 1)
    cumulative_due[0] = 0.0
    cumulative_due[1:] = arrived if order is None else np.cumsum(work[order])
    return np.maximum(arrived - cumulative_due[passed_at], 0.0)


def _group_requirement(config, calendar, grid, group, tickets, shares, deadlines):
    reported = calendar.interval_start >= 0
    live = [c for c in group.channels if c in SYNCHRONOUS_CHANNELS and group.tier == "L1"]
    loads = {c: _modified_offered_load(tickets[c], calendar, _aht(config, c)) for c in live}
    separate = np.zeros(grid.size)
    pooled = np.zeros(grid.size)
    if live:
        per_channel = {c: _live_agents(config, calendar, c, loads[c]) for c in live}
        for c in live:
            separate += grid.fold_max(per_channel[c], reported)
        pooled = grid.fold_max(_pooled_agents(config, calendar, live, loads, per_channel), reported)
    work, backlog = _async_work(config, group, tickets, shares, deadlines)
    allowed = _allowed(config, calendar, grid, group, live)
    return GroupRequirement(
        group=group, hourly_cost=config.tiers[group.tier].hourly_cost,
        required=pooled, required_separate=separate,
        work_seconds=grid.fold_sum(work, reported),
        allowed_backlog_seconds=grid.fold_max(backlog, reported),
        allowed=allowed, offered_load={c: grid.fold_max(loads[c], reported) for c in live},
        approximate="chat" in live)


def _aht(config: ScenarioConfig, channel: str) -> float:
    settings = config.channels[channel]
    if channel == "chat":
        return settings.handle.mean_seconds * float(np.mean(settings.slowdown))
    return settings.handle.mean_seconds


def _modified_offered_load(arrivals: np.ndarray, calendar: Calendar, aht: float) -> np.ndarray:
    """Interval-average MOL (erlangs) for exponential service, exact per interval.

    With lambda constant over an interval of length d, m(t) relaxes to
    lambda x AHT at rate 1/AHT; the interval mean follows in closed form.
    """
    length = calendar.interval_end - calendar.interval_start
    rate = arrivals / length
    decay = np.exp(-length / aht)
    steady, spread, settled = rate * aht, aht / length, 1.0 - decay
    mean = []
    m = 0.0
    # A first-order recurrence; one pass over ~1,300 intervals, on Python floats
    # (the same double arithmetic, in the same order, without numpy scalars' overhead).
    for s, f, g, e in zip(steady.tolist(), spread.tolist(), settled.tolist(), decay.tolist(),
                          strict=True):
        mean.append(s + (m - s) * f * g)
        m = s + (m - s) * e
    return np.array(mean, dtype=float)


def _live_agents(config: ScenarioConfig, calendar: Calendar, channel: str,
                 load: np.ndarray) -> np.ndarray:
    settings = config.channels[channel]
    target = config.targets.service_level.get(channel, 0.8)
    open_mask = channel_open_mask(config, calendar, channel)
    aht = _aht(config, channel)
    patience = settings.patience.mean_seconds if settings.patience else None
    abandon = config.targets.max_abandonment if patience else None
    servers = np.zeros(len(load))
    # only the reported week is planned; the warm-up before it carries load (the
    # MOL above) but needs no staffing of its own
    rows = np.flatnonzero(open_mask & (calendar.interval_start >= 0))
    rates = [round(x, 7) for x in (load[rows] / aht).tolist()]
    servers[rows] = _servers(rates, [aht] * len(rows), [patience] * len(rows),
                             _ServerTargets(target, settings.answer_within_seconds,
                                            config.service_level_basis, abandon))
    agents = np.ceil(servers / settings.concurrency)
    return np.where(open_mask, np.maximum(agents, 1), 0)


@dataclass(frozen=True)
class _ServerTargets:
    """What every interval of one Erlang search shares."""

    service_level: float
    within: float
    basis: str
    max_abandonment: float | None


_SERVERS_CACHE: dict[_ServerTargets, dict[tuple, int]] = {}
_CACHE_SIZE = 65536


def clear_erlang_cache() -> None:
    """Forget the Erlang answers (benchmarks time a cold start with it)."""
    _SERVERS_CACHE.clear()


def _servers(rates: list[float], ahts: list[float], patiences: list[float | None],
             targets: _ServerTargets) -> np.ndarray:
    """Servers needed per row (0 without arrivals). Answers are cached by their
    (already rounded) inputs; the distinct missing ones are solved in one
    vectorised search per model (``staffing_batch``), equal to ``required_agents``."""
    keys = list(zip(rates, ahts, patiences, strict=True))
    known = _SERVERS_CACHE.setdefault(targets, {})
    servers = [known.get(k) for k in keys]
    if None in servers:
        if sum(map(len, _SERVERS_CACHE.values())) > _CACHE_SIZE:
            _SERVERS_CACHE.clear()
            known = _SERVERS_CACHE.setdefault(targets, {})
        _solve(targets, [k for k in dict.fromkeys(keys) if k not in known], known)
        servers = [known[k] for k in keys]
    return np.array(servers, dtype=float)


def _solve(targets: _ServerTargets, keys: list[tuple], known: dict[tuple, int]) -> None:
    """Add the servers of each (rate, AHT, patience) to ``known``: 0 without arrivals."""
    known.update((k, 0) for k in keys if k[0] <= 0)
    for erlang_a in (False, True):
        batch = [k for k in keys if k[0] > 0 and (k[2] is not None) == erlang_a]
        if batch:
            rate, aht, patience = (np.array(column) for column in zip(*batch, strict=True))
            needed = required_agents_many(rate, aht, targets.service_level, targets.within,
                                          patience if erlang_a else None, targets.basis,
                                          targets.max_abandonment)
            known.update(zip(batch, needed.tolist(), strict=True))


def _pooled_agents(config, calendar, live, loads, per_channel) -> np.ndarray:
    """One queue over the group's live channels: the total agent load (a chat counts
    1/k of an agent), load-weighted AHT and patience, and the strictest target."""
    if len(live) == 1:
        return per_channel[live[0]]
    rates = {c: loads[c] / _aht(config, c) / config.channels[c].concurrency for c in live}
    total_rate = sum(rates.values())
    agent_load = sum(loads[c] / config.channels[c].concurrency for c in live)
    target = max(config.targets.service_level.get(c, 0.8) for c in live)
    within = min(config.channels[c].answer_within_seconds for c in live)
    patience = [config.channels[c].patience for c in live]
    open_any = np.any([channel_open_mask(config, calendar, c) for c in live], axis=0)
    agents = np.zeros(len(agent_load))
    rows = np.flatnonzero(open_any & (total_rate > 0) & (calendar.interval_start >= 0))
    if any(p is None for p in patience):
        patiences, abandon = [None] * len(rows), None
    else:  # the same operations, in the same order, as a sum over the channels
        weighted = sum(rates[c][rows] * p.mean_seconds for c, p in zip(live, patience, strict=True))
        patiences = [round(m, 1) for m in (weighted / total_rate[rows]).tolist()]
        abandon = config.targets.max_abandonment
    agents[rows] = _servers(
        [round(r, 9) for r in total_rate[rows].tolist()],
        [round(a, 3) for a in (agent_load[rows] / total_rate[rows]).tolist()], patiences,
        _ServerTargets(target, within, config.service_level_basis, abandon))
    return np.where(open_any, np.maximum(agents, 1), 0)


def _async_work(config, group, tickets, shares, deadlines):
    """Async work (agent seconds per calendar interval) and its allowed backlog."""
    n = len(next(iter(tickets.values())))
    work = np.zeros(n)
    backlog = np.zeros(n)
    if group.tier == "L1":
        follow_up = work_multiplier(config)
        l1 = np.zeros(n)
        for channel in group.channels:
            aht = config.channels[channel].handle.mean_seconds
            if channel in SYNCHRONOUS_CHANNELS:  # follow-up work on live tickets is ticket work
                l1 += tickets[channel] * aht * (follow_up - 1.0)
            else:
                l1 += tickets[channel] * aht * follow_up
        work += l1
        backlog += deadlines.allowed_backlog(l1, None)
    else:
        per_contact = shares.l2 if group.tier == "L2" else shares.l3
        work_seconds = config.tiers[group.tier].work.mean_seconds
        escalated = sum(tickets[c] for c in group.channels) / shares.ticket * per_contact
        work += escalated * work_seconds
        backlog += deadlines.allowed_backlog(work, config.planning.escalation_deadline_share)
    return work, backlog


def _allowed(config, calendar, grid, group, live) -> np.ndarray:
    """Sync-only groups work while their channels are open; others at any time."""
    if live and len(live) == len(group.channels):
        open_any = np.any([channel_open_mask(config, calendar, c) for c in live], axis=0)
        reported = calendar.interval_start >= 0
        return grid.fold_max(open_any.astype(float), reported) > 0
    return np.ones(grid.size, dtype=bool)


def scaled(requirements: Requirements, group: str, sync_factor: np.ndarray | None = None,
           backlog_factor: float | None = None, work_factor: float | None = None) -> Requirements:
    """A copy with one group's requirement raised (used by verification): live agents
    added per interval, the backlog allowance tightened, the async work grossed up."""
    groups = []
    for item in requirements.groups:
        if item.name == group:
            required = item.required if sync_factor is None else item.required + sync_factor
            backlog = (item.allowed_backlog_seconds if backlog_factor is None
                       else item.allowed_backlog_seconds * backlog_factor)
            work = item.work_seconds if work_factor is None else item.work_seconds * work_factor
            item = replace(item, required=required, allowed_backlog_seconds=backlog,
                           work_seconds=work)
        groups.append(item)
    return replace(requirements, groups=tuple(groups))
