"""A planned roster in the simulator's own form, so a plan is simulated as published.

``planner.schedule.expand_roster`` names the agents on each tour; here they
become ``AgentGroup`` entries of the scenario (one group per tour and break
pattern, agents' names kept, breaks at their published times). Absence and
vacation (out-of-shift shrinkage) gross up headcount: each skill group gets
``ceil(scheduled / (1 - shrinkage))`` agents, the extra ones on copies of the
group's tours, so the expected number present matches the schedule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from faker import Faker

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

    @property
    def paid_hours_per_week(self) -> float:
        start, end = (int(t[:2]) * 60 + int(t[3:]) for t in self.shift.split("-"))
        return (end - start) / 60 * len(self.days.split())


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


def roster_rows(agents: tuple[tuple[ScheduledAgent, bool], ...],
                skill_groups: Iterable[SkillGroup]) -> list[RosterRow]:
    by_name = {g.name: g for g in skill_groups}
    rows = []
    for agent, reserve in agents:
        group = by_name[agent.group]
        breaks = "; ".join(f"{WEEKDAYS[day]} {activity} {_clock(start)} {minutes}m"
                           for day, activity, start, minutes in agent.breaks)
        rows.append(RosterRow(
            name=agent.name, skill_group=agent.group, tier=group.tier,
            channels="+".join(group.channels), template=agent.template,
            shift=f"{_clock(agent.start_minute)}-{_clock(agent.start_minute + agent.length_minutes)}",
            days=" ".join(WEEKDAYS[d] for d in agent.days), breaks=breaks, reserve=reserve))
    return rows


def agent_groups(agents: tuple[tuple[ScheduledAgent, bool], ...],
                 skill_groups: Iterable[SkillGroup]) -> list[AgentGroup]:
    """Scenario agent groups: agents sharing a tour and break times share a group."""
    by_name = {g.name: g for g in skill_groups}
    buckets: dict[tuple, list[str]] = {}
    for agent, _ in agents:
        key = (agent.group, agent.template, agent.start_minute, agent.length_minutes,
               agent.days, agent.breaks)
        buckets.setdefault(key, []).append(agent.name)
    groups = []
    for index, (key, names) in enumerate(sorted(buckets.items())):
        group_name, template, start, length, days, breaks = key
        skill = by_name[group_name]
        shift = f"{_clock(start)}-{_clock(start + length)}"
        fixed: dict[str, list[FixedBreak]] = {WEEKDAYS[d]: [] for d in days}
        for day, activity, at, minutes in breaks:
            fixed[WEEKDAYS[day]].append(FixedBreak(activity=activity, start=_clock(at % 1440),
                                                   minutes=minutes))
        groups.append(AgentGroup(
            name=f"{group_name}_{template}_{index:03d}", tier=skill.tier, count=len(names),
            skills=list(skill.channels), shifts=[{WEEKDAYS[d]: [shift] for d in days}],
            names=names, fixed_breaks=fixed))
    return groups


def planned_scenario(config: ScenarioConfig, groups: list[AgentGroup]) -> ScenarioConfig:
    """The scenario with its agents replaced by the planned roster (validated again)."""
    data = config.model_dump(mode="json")
    data["agents"] = [g.model_dump(mode="json", exclude_none=True) for g in groups]
    return ScenarioConfig.model_validate(data)
