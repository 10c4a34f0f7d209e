"""The roster: named agents, their shifts, shrinkage blocks and ramp.

Pure functions of the config and the calendar; no SimPy. Each agent gets a
list of spells (one per worked shift; contiguous shifts merge, so a 24x7
rota is one spell) and, inside each, unavailable blocks (breaks, lunch,
meetings, training, coaching, supervised ramp time). Out-of-shift shrinkage
(absence, vacation) replaces a whole shift with an absent spell. Each agent
draws from its own stream, one row of numbers per day, so one agent's
absences never move another's and a longer horizon keeps the earlier days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from simulator.calendar import Calendar, parse_time_range
from simulator.config import (
    CHANNELS,
    TIERS,
    WEEKDAYS,
    ActivityConfig,
    AgentGroup,
    ScenarioConfig,
    WeeklyBreaks,
)
from simulator.recorder import AgentState
from simulator.streams import StreamRegistry

ACTIVITY_STATE = {
    "break": AgentState.BREAK, "lunch": AgentState.LUNCH, "meeting": AgentState.MEETING,
    "training": AgentState.TRAINING, "coaching": AgentState.COACHING,
}


class Block(NamedTuple):  # named tuples: a simulated year builds tens of thousands
    start: float
    end: float
    state: AgentState


class Spell(NamedTuple):
    """A stretch of paid time: worked (AVAILABLE) or ABSENT / VACATION."""

    start: float
    end: float
    state: AgentState
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class RosterAgent:
    id: int
    name: str
    group: str
    tier: str
    skills: tuple[str, ...]
    hourly_cost: float
    spells: tuple[Spell, ...]
    # (lower tier, channels) whose work the agent takes when none of its own waits
    cover: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def tier_index(self) -> int:
        return TIERS.index(self.tier)


def build_roster(config: ScenarioConfig, calendar: Calendar,
                 registry: StreamRegistry) -> tuple[RosterAgent, ...]:
    agents: list[RosterAgent] = []
    for group in config.agents:
        skills = tuple(c for c in CHANNELS if c in group.skills and c in config.channels)
        if group.tier != "L1" and not skills:
            skills = config.channel_names()
        cost = config.tiers[group.tier].hourly_cost
        shifts = _GroupShifts(calendar, group)
        cover = tuple((tier, tuple(c for c in CHANNELS if c in group.cover[tier]))
                      for tier in TIERS if tier in group.cover)
        for member in range(group.count):
            agent_id = len(agents)
            spells = _agent_spells(config, calendar, registry, shifts, member, agent_id)
            name = group.names[member] if group.names else f"{group.name}-{member + 1:03d}"
            agents.append(RosterAgent(agent_id, name, group.name,
                                      group.tier, skills, cost, spells, cover))
    return tuple(agents)


def local_seconds(calendar: Calendar, day: dt.date, clock: dt.time, is_end: bool = False) -> float:
    """Sim seconds of a local wall-clock time on ``day`` (an end at 00:00 means 24:00)."""
    if is_end and clock == dt.time(0, 0):
        day = day + dt.timedelta(days=1)
    origin = calendar.to_datetime(0.0)
    return dt.datetime.combine(day, clock, tzinfo=origin.tzinfo).timestamp() - origin.timestamp()


def pattern_index(calendar: Calendar, group: AgentGroup, member: int, day: dt.date) -> int:
    """Which of the group's weekly patterns ``member`` works in ``day``'s week (rotation).

    Weeks run Monday to Sunday, counted from the week of the start date, so a
    rotation changes pattern on Mondays whatever weekday the calendar starts.
    """
    first_monday = calendar.start_date - dt.timedelta(days=calendar.start_date.weekday())
    return group.pattern_of(member, (day - first_monday).days // 7)


def _shift_ranges(calendar: Calendar, group: AgentGroup, pattern: int,
                  day: dt.date) -> list[tuple[float, float]]:
    ranges = []
    for text in group.shifts[pattern].get(WEEKDAYS[day.weekday()], []):
        start, end = _parse(text)
        ranges.append((local_seconds(calendar, day, start),
                       local_seconds(calendar, day, end, is_end=True)))
    return ranges


class _GroupShifts:
    """A group's shift ranges per (pattern, day), worked out once for all its members."""

    def __init__(self, calendar: Calendar, group: AgentGroup) -> None:
        self.calendar, self.group = calendar, group
        self.ranges: dict[tuple[int, dt.date], list[tuple[float, float]]] = {}

    def of(self, pattern: int, day: dt.date) -> list[tuple[float, float]]:
        key = (pattern, day)
        found = self.ranges.get(key)
        if found is None:
            found = self.ranges[key] = _shift_ranges(self.calendar, self.group, pattern, day)
        return found


@lru_cache(maxsize=1024)
def _parse(text: str) -> tuple[dt.time, dt.time]:
    return parse_time_range(text)


def _agent_spells(config, calendar, registry, shifts: _GroupShifts, member,
                  agent_id) -> tuple[Spell, ...]:
    spells: list[Spell] = []
    group = shifts.group
    shrink = config.shrinkage
    # One row of uniforms per day (row d depends only on d): vacation, absence,
    # then three per activity for each of up to two shift ranges that day.
    per_range = 3 * len(shrink.in_shift)
    draws = registry.generator("agent_days", agent_id).random(
        (calendar.n_days, 2 + 2 * per_range)).tolist()
    for day_index, day in enumerate(calendar.day_dates):
        pattern = pattern_index(calendar, group, member, day)
        ranges = shifts.of(pattern, day)
        if not ranges or (day in calendar.holidays and not group.works_holidays):
            continue
        draw = draws[day_index]
        state = AgentState.AVAILABLE
        if draw[0] < shrink.vacation_rate:
            state = AgentState.VACATION
        elif draw[1] < shrink.absence_rate:
            state = AgentState.ABSENT
        for index, (start, end) in enumerate(ranges):
            offset = 2 + per_range * min(index, 1)
            blocks = () if state != AgentState.AVAILABLE else _blocks(
                config, calendar, group, pattern, start, end, day,
                draw[offset:offset + per_range])
            spells.append(Spell(start, end, state, blocks))
    return tuple(_merge_contiguous(spells))


def _merge_contiguous(spells: list[Spell]) -> list[Spell]:
    merged: list[Spell] = []
    for spell in spells:
        last = merged[-1] if merged else None
        if last and last.end == spell.start and last.state == spell.state:
            merged[-1] = Spell(last.start, spell.end, last.state, last.blocks + spell.blocks)
        else:
            merged.append(spell)
    return merged


def ramp_share(config: ScenarioConfig, group: AgentGroup, calendar: Calendar, day: dt.date) -> float:
    """Share of a full agent's output on ``day`` (new-hire ramp by week of tenure)."""
    if group.tenure_weeks is None:
        return 1.0
    week = group.tenure_weeks + max(0, (day - calendar.start_date).days) // 7
    ramp = config.ramp_share_by_week
    return ramp[week] if week < len(ramp) else 1.0


def _blocks(config, calendar, group, pattern, start, end, day, draws) -> tuple[Block, ...]:
    length = end - start
    blocks: list[Block] = []
    share = ramp_share(config, group, calendar, day)
    if share < 1.0:  # supervised training first, then productive time
        blocks.append(Block(start, start + (1.0 - share) * length, AgentState.SUPERVISED))
    fixed_breaks = group.breaks_of_pattern(pattern)
    fixed = fixed_breaks is not None
    if fixed:
        blocks.extend(_fixed_breaks(calendar, fixed_breaks, start, end, day))
    if length >= config.shrinkage.minimum_shift_hours_for_blocks * 3600.0:
        for index, activity in enumerate(config.shrinkage.in_shift):
            if fixed and activity.activity in ("break", "lunch"):
                continue  # the published schedule places breaks and lunch
            block = _place(activity, start, end, draws[3 * index:3 * index + 3])
            if block is not None:
                blocks.append(block)
    return tuple(_without_overlap(sorted(blocks, key=lambda b: b.start), end))


def _fixed_breaks(calendar, fixed_breaks: WeeklyBreaks, start: float, end: float,
                  day: dt.date) -> list[Block]:
    blocks = []
    for item in fixed_breaks.get(WEEKDAYS[day.weekday()], []):
        hour, minute = (int(x) for x in item.start.split(":"))
        at = local_seconds(calendar, day, dt.time(hour, minute))
        stop = at + item.minutes * 60.0
        if start <= at and stop <= end:
            blocks.append(Block(at, stop, ACTIVITY_STATE[item.activity]))
    return blocks


def _place(activity: ActivityConfig, start: float, end: float, draw: list[float]) -> Block | None:
    """Place one activity with its three uniforms (whether, jitter, where)."""
    if draw[0] >= activity.probability_per_shift:
        return None
    duration = activity.minutes * 60.0
    if activity.at_shift_fraction is not None:
        at = start + activity.at_shift_fraction * (end - start) - duration / 2.0
        at += (2.0 * draw[1] - 1.0) * activity.jitter_minutes * 60.0
    else:
        at = start + draw[2] * max(0.0, end - start - duration)
    at = min(max(at, start), end - duration)
    return Block(at, at + duration, ACTIVITY_STATE[activity.activity]) if at >= start else None


def _without_overlap(blocks: list[Block], end: float) -> list[Block]:
    placed: list[Block] = []
    for block in blocks:
        start = max(block.start, placed[-1].end if placed else block.start)
        stop = min(end, start + (block.end - block.start))
        if stop > start:
            placed.append(block if (start, stop) == block[:2] else Block(start, stop, block.state))
    return placed
