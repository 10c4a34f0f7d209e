"""A planned roster in the simulator's own form, so a plan is simulated as published.

``planner.schedule.expand_roster`` names the agents on each tour; here they
become ``AgentGroup`` entries of the scenario (one group per tour and break
pattern, agents' names kept, breaks at their published times). Absence and
vacation (out-of-shift shrinkage) gross up headcount: each skill group gets
``ceil(scheduled / (1 - shrinkage))`` agents, the extra ones on copies of the
group's tours, so the expected number present matches the schedule.
With rotating days off (planner/rotation.py) the agents of a cycle form one
group whose weekly patterns and breaks rotate, as the simulator rotates them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from faker import Faker

from planner.rotation import DAY_MINUTES, Cycle, fixed_cycles, longest_work_streak
from planner.schedule import ScheduledAgent
from planner.staffing import gross_up
from simulator.config import WEEKDAYS, AgentGroup, FixedBreak, ScenarioConfig, SkillGroup


@dataclass(frozen=True)
class RosterRow:
    """One agent of the published roster (a row of roster.csv)."""

    name: str
    skill_group: str
    tier: str
    channels: str
    template: str
    shift: str
    days: str
    breaks: str
    reserve: bool  # added for absence and vacation cover
    rotation_weeks: int = 1  # weeks before the agent's pattern repeats (1: fixed days off)
    weekends_worked: int = 0  # weeks of the rotation with Saturday or Sunday work
    longest_work_streak: int = 5  # most consecutive working days over the rotation
    covers: str = ""  # lower-tier channels the agent covers (planning.cover), e.g. "L1 phone+chat"

    @property
    def paid_hours_per_week(self) -> float:
        minutes = 0
        for piece in self.shift.split("+"):  # a split shift: 09:00-13:00+16:00-20:00
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in piece.split("-"))
            if end <= start:  # a night shift ends the next day
                end += DAY_MINUTES
            minutes += end - start
        return minutes / 60 * len(self.days.split())


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def with_reserve(agents: tuple[ScheduledAgent, ...], skill_groups: Iterable[SkillGroup],
                 out_of_shift_shrinkage: float, seed: int) -> tuple[tuple[ScheduledAgent, bool], ...]:
    """The scheduled agents plus reserve agents for absence and vacation, flagged."""
    used = {a.name for a in agents}
    faker = Faker("en_US")
    faker.seed_instance(seed + 7919)
    out = [(a, False) for a in agents]
    for group in skill_groups:
        members = sorted((a for a in agents if a.group == group.name),
                         key=lambda a: (a.template, a.days, a.name))
        extra = gross_up(len(members), out_of_shift_shrinkage) - len(members) if members else 0
        for index in range(extra):
            name = faker.name()
            while name in used:
                name = faker.name()
            used.add(name)
            out.append((replace(members[index % len(members)], name=name), True))
    return tuple(out)


def _breaks_text(agent: ScheduledAgent) -> str:
    return "; ".join(f"{WEEKDAYS[day]} {activity} {_clock(start)} {minutes}m"
                     for day, activity, start, minutes in agent.breaks)


def _pieces(agent: ScheduledAgent) -> list[tuple[int, int]]:
    """(start, end) minutes of the day of each paid piece (end past 1440: next day)."""
    return [(agent.start_minute + offset, agent.start_minute + offset + minutes)
            for offset, minutes in agent.pieces()]


def _shift_text(agent: ScheduledAgent) -> str:
    """Start-end on the clock; a shift past midnight shows its next-day end (22:00-06:30);
    a split shift joins its pieces with '+' (09:00-13:00+16:00-20:00)."""
    return "+".join(f"{_clock(start)}-{_clock(end if end <= DAY_MINUTES else end - DAY_MINUTES)}"
                    for start, end in _pieces(agent))


def _covers_text(cover: dict[str, list[str]]) -> str:
    return "; ".join(f"{tier} {'+'.join(channels)}" for tier, channels in cover.items())


def roster_rows(agents: tuple[tuple[ScheduledAgent, bool], ...],
                skill_groups: Iterable[SkillGroup],
                cycles: tuple[Cycle, ...] | None = None,
                cover: dict[str, dict[str, list[str]]] | None = None) -> list[RosterRow]:
    """One row per agent: its tour in the planned week, its rotation and what it covers."""
    by_name = {g.name: g for g in skill_groups}
    cover = cover or {}
    of_agent = {tour.name: cycle for cycle in cycles or () for tour in cycle.tours}
    rows = []
    for agent, reserve in agents:
        group = by_name[agent.group]
        cycle = of_agent.get(agent.name, Cycle((agent,)))
        rows.append(RosterRow(
            name=agent.name, skill_group=agent.group, tier=group.tier,
            channels="+".join(group.channels), template=agent.template,
            shift=_shift_text(agent), days=" ".join(WEEKDAYS[d] for d in agent.days),
            breaks=_breaks_text(agent), reserve=reserve, rotation_weeks=cycle.weeks,
            weekends_worked=cycle.weekends_worked(),
            longest_work_streak=longest_work_streak(cycle),
            covers=_covers_text(cover.get(agent.group, {}))))
    return rows


def _weekly_pattern(agent: ScheduledAgent) -> dict[str, list[str]]:
    """The tour as the simulator's weekly hours; a shift past midnight is written as
    two ranges, to 24:00 on its day and from 00:00 on the next (Sunday's into Monday:
    the week repeats), which the simulator joins into one spell."""
    ranges: dict[int, list[str]] = {}
    for day in agent.days:
        for start, end in _pieces(agent):
            if end <= DAY_MINUTES:
                ranges.setdefault(day, []).append(f"{_clock(start)}-{_clock(end)}")
            else:
                ranges.setdefault(day, []).append(f"{_clock(start)}-24:00")
                ranges.setdefault((day + 1) % 7, []).append(f"00:00-{_clock(end - DAY_MINUTES)}")
    return {WEEKDAYS[d]: sorted(ranges[d]) for d in sorted(ranges)}


def _weekly_breaks(agent: ScheduledAgent) -> dict[str, list[FixedBreak]]:
    """Breaks by the weekday they fall on (after midnight: the next day)."""
    fixed: dict[int, list[FixedBreak]] = {d: [] for d in agent.days}
    for day, activity, at, minutes in sorted(agent.breaks, key=lambda b: (b[0], b[2])):
        on = (day + at // DAY_MINUTES) % 7
        fixed.setdefault(on, []).append(FixedBreak(activity=activity,
                                                   start=_clock(at % DAY_MINUTES),
                                                   minutes=minutes))
    return {WEEKDAYS[d]: fixed[d] for d in sorted(fixed)}


def agent_groups(agents: tuple[tuple[ScheduledAgent, bool], ...],
                 skill_groups: Iterable[SkillGroup],
                 cycles: tuple[Cycle, ...] | None = None,
                 cover: dict[str, dict[str, list[str]]] | None = None) -> list[AgentGroup]:
    """Scenario agent groups: agents sharing a tour and break times share a group;
    the agents of a rotating cycle form one group with one pattern per week. A skill
    group's ``cover`` (tier -> channels) goes to each of its agent groups."""
    by_name = {g.name: g for g in skill_groups}
    cover = cover or {}
    cycles = cycles if cycles is not None else fixed_cycles(tuple(a for a, _ in agents))
    buckets: dict[tuple, list[str]] = {}
    rotating = []
    for cycle in cycles:
        if cycle.weeks > 1:
            rotating.append(cycle)
            continue
        agent = cycle.tours[0]
        key = (agent.group, agent.template, agent.start_minute, agent.length_minutes,
               agent.days, agent.breaks, agent.split_gap_minutes, agent.split_minutes)
        buckets.setdefault(key, []).append(agent.name)
    groups = []
    for index, (key, names) in enumerate(sorted(buckets.items())):
        group_name, template = key[:2]
        skill = by_name[group_name]
        agent = ScheduledAgent(names[0], *key)
        groups.append(AgentGroup(
            name=f"{group_name}_{template}_{index:03d}", tier=skill.tier, count=len(names),
            skills=list(skill.channels), shifts=[_weekly_pattern(agent)],
            names=names, fixed_breaks=_weekly_breaks(agent), cover=cover.get(group_name, {})))
    for index, cycle in enumerate(rotating):
        skill = by_name[cycle.tours[0].group]
        groups.append(AgentGroup(
            name=f"{skill.name}_rotation_{index:03d}", tier=skill.tier, count=cycle.weeks,
            skills=list(skill.channels), shifts=[_weekly_pattern(t) for t in cycle.tours],
            names=[t.name for t in cycle.tours],
            fixed_breaks=[_weekly_breaks(t) for t in cycle.tours],
            cover=cover.get(skill.name, {})))
    return groups


def planned_scenario(config: ScenarioConfig, groups: list[AgentGroup]) -> ScenarioConfig:
    """The scenario with its agents replaced by the planned roster (validated again)."""
    data = config.model_dump(mode="json")
    data["agents"] = [g.model_dump(mode="json", exclude_none=True) for g in groups]
    return ScenarioConfig.model_validate(data)
