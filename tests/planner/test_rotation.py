"""Rotating days off: cycles keep the week's coverage, the tour rules and the schedule's week."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.plan_output import rotation_frame
from planner.roster import agent_groups, planned_scenario, roster_rows
from planner.rotation import (
    Cycle,
    TourRules,
    build_cycles,
    longest_work_streak,
    may_follow,
    weekend_days,
)
from planner.schedule import ScheduledAgent
from planner.schedule_problem import days_off_patterns
from simulator.agents import build_roster
from simulator.calendar import calendar_for
from simulator.config import AgentGroup, SkillGroup
from simulator.loading import load_scenario
from simulator.streams import StreamRegistry

ROOT = Path(__file__).resolve().parents[2]
MMC_PLAN = ROOT / "scenarios" / "theory" / "mmc_plan.yaml"
MON_FRI = (0, 1, 2, 3, 4)
OFF_THU_FRI = (0, 1, 2, 5, 6)
OFF_FRI_SAT = (0, 1, 2, 3, 6)


def tour(name, days, start=360, length=510, group="L1_async"):
    breaks = tuple((day, "lunch", start + 240, 30) for day in days)
    return ScheduledAgent(name, group, f"t{start}", start, length, days, breaks)


def baseline_async_week():
    """The baseline plan's L1 async tours: four work weekends, four do not."""
    return (tour("A", OFF_THU_FRI), tour("B", OFF_FRI_SAT), tour("C", OFF_FRI_SAT),
            tour("D", OFF_FRI_SAT, start=540), tour("E", MON_FRI, start=510),
            tour("F", MON_FRI, start=510), tour("G", MON_FRI, start=630),
            tour("H", MON_FRI, start=840))


def test_tour_rules_at_the_week_boundary():
    rules = TourRules()
    # Off Thursday and Friday, then Monday to Friday: Sat..Fri is 7 days in a row.
    assert not may_follow(tour("a", OFF_THU_FRI), tour("b", MON_FRI), rules)
    assert may_follow(tour("a", OFF_FRI_SAT), tour("b", MON_FRI), rules)  # Sun..Fri: 6
    assert may_follow(tour("a", OFF_THU_FRI), tour("b", MON_FRI), TourRules(7))
    # A late Sunday shift (14:00-22:30) and a 06:00 Monday leave 7.5 hours of rest.
    late, early = tour("a", OFF_FRI_SAT, start=840), tour("b", MON_FRI, start=360)
    assert not may_follow(late, early, rules)
    assert may_follow(late, early, TourRules(min_rest_minutes=7.5 * 60))


def test_baseline_async_cycles_share_the_weekends():
    cycles = build_cycles(baseline_async_week(), TourRules())
    # Every week before rotation four of eight agents worked every weekend;
    # now everyone in a cycle has weekends off in some weeks.
    rotating = [c for c in cycles if c.weeks > 1]
    assert rotating and all(c.weekends_worked() < c.weeks for c in rotating)
    weekend_agents = [c for c in cycles if c.weekends_worked() == c.weeks]
    assert len(weekend_agents) < 4
    assert all(longest_work_streak(c) <= 6 for c in cycles)


def _check_cycles(tours, cycles, rules):
    assert sorted(t.name for c in cycles for t in c.tours) == sorted(t.name for t in tours)
    for cycle in cycles:
        assert len({(t.group, t.length_minutes, len(t.days)) for t in cycle.tours}) == 1
        for index, first in enumerate(cycle.tours):
            if cycle.weeks > 1:
                assert may_follow(first, cycle.tours[(index + 1) % cycle.weeks], rules)
        # Week 0 is the schedule: agent i works its own tour; every week the same tours.
        assert [cycle.tour_of(i, 0) for i in range(cycle.weeks)] == list(cycle.tours)
        for week in range(cycle.weeks + 1):
            assert Counter(cycle.tour_of(i, week) for i in range(cycle.weeks)) == \
                Counter(cycle.tours)


PATTERNS = days_off_patterns(7, 5)


@given(st.lists(st.tuples(st.sampled_from(PATTERNS), st.sampled_from((360, 480, 600, 840))),
                min_size=1, max_size=14),
       st.integers(min_value=5, max_value=8))
def test_cycles_cover_every_tour_once_and_keep_the_rules(specs, max_days):
    tours = tuple(tour(f"agent {i}", days, start) for i, (days, start) in enumerate(specs))
    rules = TourRules(max_days)
    _check_cycles(tours, build_cycles(tours, rules), rules)


def test_a_rotating_roster_is_simulated_week_by_week():
    config = load_scenario(MMC_PLAN, ("calendar.days=21", "calendar.warmup_days=0"))
    skill = SkillGroup(name="phone", tier="L1", channels=["phone"])
    tours = (tour("Ann Lee", OFF_FRI_SAT, group="phone"), tour("Bo Chen", MON_FRI, group="phone"))
    cycles = build_cycles(tours, TourRules())
    assert [c.weeks for c in cycles] == [2]
    agents = tuple((t, False) for t in tours)
    planned = planned_scenario(config, agent_groups(agents, [skill], cycles))
    calendar = calendar_for(planned)
    roster = build_roster(planned, calendar, StreamRegistry(1))
    for agent in roster:
        worked_by_week: dict[int, set[int]] = {}
        for spell in agent.spells:
            day = int((spell.start - calendar.day_start[0]) // 86400)
            worked_by_week.setdefault(day // 7, set()).add(day % 7)
        own = 0 if agent.name == "Ann Lee" else 1
        for week, days in worked_by_week.items():
            # the calendar starts on a Monday, so week days are Mon=0 .. Sun=6
            assert tuple(sorted(days)) == cycles[0].tour_of(own, week).days
        lunches = [b for s in agent.spells for b in s.blocks]
        assert len(lunches) == sum(len(d) for d in worked_by_week.values())

    rows = roster_rows(agents, [skill], cycles)
    assert [(r.rotation_weeks, r.weekends_worked, r.longest_work_streak) for r in rows] == \
        [(2, 1, 6), (2, 1, 6)]
    frame = rotation_frame(planned)
    assert list(frame["week"]) == [1, 2, 1, 2]
    assert list(frame["days"][:2]) == ["mon tue wed thu sun", "mon tue wed thu fri"]


def test_rotating_breaks_need_one_entry_per_pattern():
    config = load_scenario(MMC_PLAN, ())
    skill = SkillGroup(name="phone", tier="L1", channels=["phone"])
    tours = (tour("Ann Lee", OFF_FRI_SAT, group="phone"), tour("Bo Chen", MON_FRI, group="phone"))
    group = agent_groups(tuple((t, False) for t in tours), [skill],
                         build_cycles(tours, TourRules()))[0]
    data = group.model_dump(mode="json")
    data["fixed_breaks"] = data["fixed_breaks"][:1]
    with pytest.raises(ValueError, match="fixed_breaks: needs one entry per pattern"):
        AgentGroup.model_validate(data)
    assert config.planning.days_off == "fixed"


def test_weekend_days_and_streaks():
    assert weekend_days(tour("a", OFF_THU_FRI)) == 2
    assert longest_work_streak(Cycle((tour("a", MON_FRI),))) == 5
    assert longest_work_streak(Cycle((tour("a", OFF_THU_FRI),))) == 5


def test_rotation_weeks_turn_on_mondays_whatever_the_start_day():
    import datetime as dt

    from simulator.agents import pattern_index

    config = load_scenario(MMC_PLAN, ("calendar.start_date=2026-01-07",))  # a Wednesday
    calendar = calendar_for(config)
    group = AgentGroup(name="g", tier="L1", count=2, skills=["phone"],
                       shifts=[{"mon": ["09:00-17:00"]}, {"tue": ["09:00-17:00"]}])
    weeks = [pattern_index(calendar, group, 0, dt.date(2026, 1, d)) for d in (7, 11, 12, 19)]
    assert weeks == [0, 0, 1, 0]  # Wed and Sun of the first week, then each Monday
    assert pattern_index(calendar, group, 1, dt.date(2026, 1, 7)) == 1
