"""planner.schedule: hand-solved optima, limits, closed hours, breaks, async deadlines, roster."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.runner import ReplicationPool
from planner.schedule import (
    BreakRule,
    Cover,
    GroupDemand,
    ScheduleProblem,
    ShiftTemplate,
    days_off_patterns,
    expand_roster,
    schedule_table,
    solve_schedule,
)
from planner.schedule_milp import build_model
from planner.schedule_search import start_search

STEP = 15
PER_DAY = 96
WEEK = 7 * PER_DAY
BREAKS = (BreakRule("break", 15, 60, 120), BreakRule("lunch", 30, 180, 270),
          BreakRule("break", 15, 330, 420))


def _hours(first: float, last: float, days: int = 7, on_days=None) -> np.ndarray:
    """Mask of the intervals from ``first`` to ``last`` o'clock on the given days."""
    hours = np.arange(PER_DAY) * STEP / 60
    day = (hours >= first) & (hours < last)
    wanted = range(days) if on_days is None else on_days
    return np.concatenate([day & (d in wanted) for d in range(days)])


def _group(required: np.ndarray, **changes) -> GroupDemand:
    n = required.size
    group = GroupDemand("L1_phone", 20.0, required, np.zeros(n), np.zeros(n), np.ones(n, dtype=bool))
    return replace(group, **changes)


def _flat_problem(**changes) -> ScheduleProblem:
    """2 agents needed 09:00-17:00 every day; one 8-hour template at 09:00."""
    group = _group(2.0 * _hours(9, 17))
    problem = ScheduleProblem(STEP, (group,), (ShiftTemplate("day", 9 * 60, 480),))
    return replace(problem, **changes)


def _breaks_problem() -> ScheduleProblem:
    """3 agents needed 08:00-20:00 on weekdays, 2 at weekends; early and late 8.5-h shifts."""
    required = 3.0 * _hours(8, 20, on_days=range(5)) + 2.0 * _hours(8, 20, on_days=(5, 6))
    templates = (ShiftTemplate("early", 8 * 60, 510, BREAKS),
                 ShiftTemplate("late", 11 * 60 + 30, 510, BREAKS),
                 ShiftTemplate("part", 12 * 60, 240, (BreakRule("break", 15, 90, 150),),
                               part_time=True))
    # a high penalty makes full coverage, breaks staggered, the optimum
    return ScheduleProblem(STEP, (_group(required),), templates, shortfall_penalty=100.0)


@pytest.fixture(scope="module")
def breaks_schedule():
    problem = _breaks_problem()
    return problem, solve_schedule(problem)


def test_flat_demand_needs_ceil_of_agent_days_over_five():
    schedule = solve_schedule(_flat_problem())
    # 14 agent-days of 8 hours, 5 days a tour: ceil(14 / 5) = 3 agents, 3 x 5 x 8 h x 20
    assert schedule.status == "optimal"
    assert schedule.headcount() == 3
    assert schedule.weekly_cost == pytest.approx(2400.0)
    assert schedule.objective == pytest.approx(2400.0)
    assert schedule.short_intervals() == []
    assert (schedule.coverage[0][_hours(9, 17)] >= 2).all()


def test_schedule_table_counts_agents_per_day():
    table = schedule_table(solve_schedule(_flat_problem()))
    assert list(table.columns) == ["group", "template", "start", "end", "mon", "tue", "wed",
                                   "thu", "fri", "sat", "sun", "total", "agents"]
    row = table.iloc[0]
    assert (row["start"], row["end"], row["agents"], row["total"]) == ("09:00", "17:00", 3, 15)
    assert all(row[day] >= 2 for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


@pytest.mark.parametrize("limit", [{"max_headcount": 2}, {"weekly_budget": 1600.0}, {}])
def test_unreachable_demand_returns_best_schedule_with_short_intervals(limit):
    problem = _flat_problem(**limit)
    if not limit:     # the group's own headcount limit
        problem = replace(problem, groups=(replace(problem.groups[0], max_headcount=2),))
    schedule = solve_schedule(problem)
    assert schedule.status == "optimal"
    assert schedule.headcount() == 2        # covering all it can beats paying the penalty
    assert schedule.weekly_cost <= 1600.0 + 1e-9
    short = schedule.short_intervals()
    # 10 agent-days of 14: 4 agent-days x 32 intervals short by 1 agent
    assert sum(agents for _, _, agents in short) == pytest.approx(4 * 32)
    assert {group for group, _, _ in short} == {"L1_phone"}
    assert schedule.objective == pytest.approx(1600.0 + 5.0 * 20.0 * 4 * 8)


def test_closed_hours_get_nobody():
    allowed = _hours(7, 19, on_days=range(6))          # closed nights and Sundays
    group = _group(np.ones(WEEK) * 2.0, allowed=allowed)
    templates = (ShiftTemplate("early", 6 * 60, 480), ShiftTemplate("day", 8 * 60, 480),
                 ShiftTemplate("late", 11 * 60, 480), ShiftTemplate("six", 8 * 60, 480,
                                                                     days_per_week=6))
    schedule = solve_schedule(ScheduleProblem(STEP, (group,), templates))
    assert schedule.headcount() > 0
    assert (schedule.coverage[0][~allowed] == 0).all()
    assert "early" not in {tour.template for tour in schedule.tours}    # starts at 06:00
    assert all(6 not in tour.days for tour in schedule.tours)
    assert all(tour.days == (0, 1, 2, 3, 4, 5) for tour in schedule.tours if tour.template == "six")


def test_night_shift_crosses_midnight_into_monday():
    required = _hours(22, 24, on_days=(6,)) + _hours(0, 6, on_days=(0,))   # Sunday night
    template = ShiftTemplate("night", 22 * 60, 480, days_per_week=1)
    schedule = solve_schedule(ScheduleProblem(STEP, (_group(required),), (template,)))
    assert [(tour.days, tour.count) for tour in schedule.tours] == [((6,), 1)]
    np.testing.assert_array_equal(schedule.coverage[0], required)


def test_tours_have_consecutive_days_off(breaks_schedule):
    _, schedule = breaks_schedule
    assert schedule.tours
    for tour in schedule.tours:
        off = set(range(7)) - set(tour.days)
        assert len(off) == 2, tour
        assert sum((d + 1) % 7 not in off for d in off) == 1, tour      # one block, cyclic


def test_days_off_patterns_are_cyclic():
    patterns = days_off_patterns(7, 5)
    assert len(patterns) == len(set(patterns)) == 7
    assert (1, 2, 3, 4, 5) in patterns          # Sunday and Monday off


def test_breaks_inside_windows_once_per_agent_and_day(breaks_schedule):
    problem, schedule = breaks_schedule
    templates = {t.name: t for t in problem.templates}
    working: dict[tuple[str, int], int] = {}
    for tour in schedule.tours:
        for day in tour.days:
            working[(tour.template, day)] = working.get((tour.template, day), 0) + tour.count
    taken: dict[tuple[str, int, int], int] = {}
    for item in schedule.breaks:
        template = templates[item.template]
        offset = item.start_minute - template.start_minute
        rules = [r for r, rule in enumerate(template.breaks)
                 if rule.activity == item.activity and rule.minutes == item.minutes
                 and rule.earliest_start_minutes <= offset <= rule.latest_start_minutes]
        assert len(rules) == 1, item
        key = (item.template, item.day, rules[0])
        taken[key] = taken.get(key, 0) + item.count
    expected = {(name, day, r): count for (name, day), count in working.items()
                for r in range(len(templates[name].breaks))}
    assert taken == expected


def test_coverage_is_on_shift_minus_on_break(breaks_schedule):
    problem, schedule = breaks_schedule
    templates = {t.name: t for t in problem.templates}
    expected = np.zeros(WEEK)
    for tour in schedule.tours:
        template = templates[tour.template]
        for day in tour.days:
            first = day * PER_DAY + template.start_minute // STEP
            expected[np.arange(first, first + template.length_minutes // STEP) % WEEK] += tour.count
    for item in schedule.breaks:
        first = item.day * PER_DAY + item.start_minute // STEP
        expected[np.arange(first, first + item.minutes // STEP) % WEEK] -= item.count
    np.testing.assert_allclose(schedule.coverage[0], expected)
    assert schedule.short_intervals() == []
    assert (schedule.coverage[0] >= problem.groups[0].required - 1e-9).all()


def test_same_problem_same_schedule(breaks_schedule):
    problem, schedule = breaks_schedule
    again = solve_schedule(problem)
    assert again.tours == schedule.tours
    assert again.breaks == schedule.breaks
    assert again.objective == schedule.objective


def _async_problem(deadline_hour: int) -> ScheduleProblem:
    """8 agent-hours of email arriving at 09:00, due by ``deadline_hour``; one day, cyclic."""
    work = np.zeros(PER_DAY)
    work[9 * 4] = 8 * 3600.0
    backlog = np.where((np.arange(PER_DAY) >= 9 * 4) & (np.arange(PER_DAY) < deadline_hour * 4 - 1),
                       8 * 3600.0, 0.0)
    group = _group(np.zeros(PER_DAY), work_seconds=work, allowed_backlog_seconds=backlog,
                   name="L1_email")
    templates = (ShiftTemplate("day", 9 * 60, 480, days_per_week=1),)
    return ScheduleProblem(STEP, (group,), templates, days=1)


def test_async_work_needs_capacity_by_its_deadline_not_at_once():
    by_five = solve_schedule(_async_problem(17))
    assert by_five.headcount() == 1                 # one agent over 8 hours, not 8 at 09:00
    assert by_five.short_intervals() == []
    assert by_five.weekly_cost == pytest.approx(8 * 20.0)
    by_one = solve_schedule(_async_problem(13))
    assert by_one.headcount() == 2                  # 4 hours to do 8 agent-hours
    assert by_one.short_intervals() == []


def test_async_work_beyond_capacity_is_reported_short():
    problem = _async_problem(13)
    problem = replace(problem, max_headcount=1)
    schedule = solve_schedule(problem)
    assert schedule.headcount() == 1
    late = schedule.short_intervals()
    # 4 agent-hours are still open at 13:00 and done by 17:00: late over 16 intervals
    assert late and all(12 * 4 <= i < 17 * 4 for _, i, _ in late)
    assert sum(a for _, _, a in late) == pytest.approx(sum(16 - k for k in range(16)))


def test_banner_never_reaches_stdout():
    script = ("import sys, types\n"
              "from planner.schedule import *\n"
              "import numpy as np\n"
              "n = 96\n"
              "group = GroupDemand('g', 1.0, np.ones(n), np.zeros(n), np.zeros(n), np.ones(n, bool))\n"
              "solve_schedule(ScheduleProblem(15, (group,), (ShiftTemplate('t', 0, 480, days_per_week=1),), days=1))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout == ""


def test_solve_writes_nothing_to_fd1(capfd):
    solve_schedule(_flat_problem())
    captured = capfd.readouterr()
    assert captured.out == ""


def test_roster_names_counts_and_breaks(breaks_schedule):
    problem, schedule = breaks_schedule
    roster = expand_roster(schedule, problem, seed=3)
    assert len(roster) == schedule.headcount()
    assert len({agent.name for agent in roster}) == len(roster)
    assert expand_roster(schedule, problem, seed=3) == roster
    templates = {t.name: t for t in problem.templates}
    for agent in roster:
        template = templates[agent.template]
        assert len(agent.breaks) == len(agent.days) * len(template.breaks)
        for day in agent.days:
            mine = [b for b in agent.breaks if b[0] == day]
            assert [(b[1], b[3]) for b in mine] == [(r.activity, r.minutes) for r in template.breaks]
            for (_, _, start, minutes), rule in zip(mine, template.breaks, strict=True):
                offset = start - template.start_minute
                assert rule.earliest_start_minutes <= offset <= rule.latest_start_minutes
                assert offset + minutes <= template.length_minutes
    # the roster's breaks add up to the schedule's break counts
    counted: dict[tuple, int] = {}
    for agent in roster:
        for day, activity, start, minutes in agent.breaks:
            key = (agent.group, agent.template, day, activity, start, minutes)
            counted[key] = counted.get(key, 0) + 1
    expected = {(b.group, b.template, b.day, b.activity, b.start_minute, b.minutes): b.count
                for b in schedule.breaks}
    assert counted == expected


def test_overlapping_break_windows_are_rejected():
    template = ShiftTemplate("bad", 8 * 60, 480, (BreakRule("break", 15, 60, 120),
                                                  BreakRule("lunch", 30, 100, 200)))
    problem = replace(_flat_problem(), templates=(template,))
    with pytest.raises(ValueError, match="must not overlap"):
        solve_schedule(problem)


def test_total_headcount_goes_where_shortfall_costs_most():
    # both groups need 3 agents (2 a day, 09-17); only 3 in all: the dearer group's
    # shortfall costs 200 an agent-hour, the cheaper one's 100, so all 3 go to the dearer
    cheap = _group(2.0 * _hours(9, 17), name="cheap")
    dear = replace(cheap, name="dear", hourly_cost=40.0)
    problem = replace(_flat_problem(), groups=(cheap, dear), max_headcount=3)
    schedule = solve_schedule(problem)
    assert (schedule.headcount("dear"), schedule.headcount("cheap")) == (3, 0)
    assert schedule.objective == pytest.approx(3 * 5 * 8 * 40.0 + 14 * 8 * 100.0)
    assert schedule.group_names == ("cheap", "dear")
    assert schedule.coverage.shape == schedule.shortfall.shape == (2, WEEK)


def test_groups_solved_apart_match_the_joint_model():
    cheap = _group(2.0 * _hours(9, 17), name="cheap")
    dear = replace(cheap, name="dear", hourly_cost=40.0, required=_hours(8, 16) * 1.0)
    apart = solve_schedule(replace(_flat_problem(), groups=(cheap, dear)))
    joint = solve_schedule(replace(_flat_problem(), groups=(cheap, dear), max_headcount=100))
    assert apart.objective == pytest.approx(joint.objective)
    assert apart.headcount() == joint.headcount()


def test_a_spent_time_limit_still_returns_a_schedule():
    problem = replace(_breaks_problem(), time_limit_seconds=1e-4)
    schedule = solve_schedule(problem)
    assert schedule.status in ("optimal", "time_limit")
    assert schedule.coverage.shape == (1, WEEK)
    # whatever was found is consistent: shortfall is what coverage leaves uncovered
    uncovered = np.maximum(problem.groups[0].required - schedule.coverage[0], 0.0)
    np.testing.assert_allclose(schedule.shortfall[0], uncovered)


def test_a_group_closed_all_day_is_all_short_not_an_error():
    closed = _group(np.ones(PER_DAY), name="closed", allowed=np.zeros(PER_DAY, dtype=bool),
                    work_seconds=np.full(PER_DAY, 90.0))
    idle = _group(np.zeros(PER_DAY), name="idle")
    template = ShiftTemplate("day", 0, 480, (BreakRule("break", 15, 60, 120),), days_per_week=1)
    schedule = solve_schedule(ScheduleProblem(STEP, (closed, idle), (template,), days=1))
    assert schedule.status == "optimal" and schedule.headcount() == 0
    # 1 agent short in every interval, plus 90 s of dropped email an interval (0.1 agents)
    np.testing.assert_allclose(schedule.shortfall.sum(axis=1), [PER_DAY * 1.1, 0.0])
    assert len(schedule_table(schedule)) == 0


def _email_week(tours_of_work: float) -> ScheduleProblem:
    """Email around the clock worth ``tours_of_work`` full-time tours (7.5 productive h x 5 days)."""
    work = np.full(WEEK, tours_of_work * 37.5 * 3600.0 / WEEK)
    allowed = sum(np.roll(work, k) for k in range(72 * 4))   # due within 72 hours
    group = _group(np.zeros(WEEK), name="L1_email", work_seconds=work,
                   allowed_backlog_seconds=allowed, max_part_time_share=0.25)
    templates = (ShiftTemplate("early", 8 * 60, 510, BREAKS),
                 ShiftTemplate("late", 11 * 60 + 30, 510, BREAKS),
                 ShiftTemplate("part", 12 * 60, 240, (BreakRule("break", 15, 90, 150),),
                               part_time=True))
    return ScheduleProblem(STEP, (group,), templates)


def test_whole_agents_for_async_work_are_proven_optimal():
    # 2.05 tours of work: two agents leave work undone, a part-timer would break the
    # 25% cap, so three full-timers; the LP spreads 2.05 agents, the headcount bound pays for 3
    schedule = solve_schedule(_email_week(2.05))
    assert schedule.headcount() == 3
    assert schedule.weekly_cost == pytest.approx(3 * 5 * 8.5 * 20.0)
    assert schedule.status == "optimal"
    assert schedule.mip_gap == pytest.approx(0.0, abs=1e-9)


@given(peak=st.integers(1, 6), early=st.integers(6, 10), late=st.integers(14, 20),
       penalty=st.sampled_from([1.0, 5.0, 100.0]))
@settings(max_examples=8)
def test_search_bound_never_exceeds_the_optimum(peak, early, late, penalty):
    problem = replace(_breaks_problem(), shortfall_penalty=penalty, mip_gap=1e-6)
    group = replace(problem.groups[0], required=peak * _hours(early, late))
    problem = replace(problem, groups=(group,))
    optimum = solve_schedule(problem).objective
    built = build_model(problem)
    search = start_search(problem, built, time.perf_counter() + 60.0)
    assert search.bound <= optimum + 1e-6 * abs(optimum) + 1e-6
    assert search.start_objective >= optimum - 1e-6 * abs(optimum) - 1e-6


def test_groups_solved_in_parallel_match_a_serial_solve():
    cheap = _group(2.0 * _hours(9, 17), name="cheap")
    dear = replace(cheap, name="dear", hourly_cost=40.0, required=_hours(8, 16) * 1.0)
    problem = replace(_flat_problem(), groups=(cheap, dear))
    serial = solve_schedule(problem)
    cache: dict = {}
    with ReplicationPool(2) as pool:
        parallel = solve_schedule(problem, cache, pool.run)
    assert parallel.tours == serial.tours and parallel.breaks == serial.breaks
    assert parallel.objective == serial.objective
    assert len(cache) == 2
    assert solve_schedule(problem, cache).tours == serial.tours     # from the cache


def _cover_problem(cover: bool) -> ScheduleProblem:
    """L1 needs 2 agents 09:00-17:00 every day (14 agent-days), L2 one Mon-Sat (6).

    Alone, L1 pays for 3 agents and L2 for 2 (4,800). With L2 covering L1, 20
    agent-days need 4 agents, and L2's own 6 need 2 of them: 2 L1 and 2 L2
    (4,000) is the optimum, e.g. days off Tue-Wed and Thu-Fri for L1, Sun-Mon and
    Sat-Sun for L2, whose spare days cover L1 on Tue-Fri.
    """
    l1 = _group(2.0 * _hours(9, 17))
    l2 = replace(_group(1.0 * _hours(9, 17, on_days=range(6))), name="L2", hourly_cost=30.0)
    pairs = (Cover("L2", "L1_phone"),) if cover else ()
    return ScheduleProblem(STEP, (l1, l2), (ShiftTemplate("day", 9 * 60, 480),), cover=pairs)


def test_a_higher_tier_covering_lower_tier_work_is_cheaper_when_it_has_spare_days():
    alone = solve_schedule(_cover_problem(cover=False))
    assert alone.objective == pytest.approx(4800.0)
    assert (alone.headcount("L1_phone"), alone.headcount("L2")) == (3, 2)
    schedule = solve_schedule(_cover_problem(cover=True))
    assert schedule.status == "optimal"
    assert schedule.weekly_cost == pytest.approx(4000.0)
    assert schedule.objective == pytest.approx(4000.0, abs=0.01)   # plus a trace per cover
    assert (schedule.headcount("L1_phone"), schedule.headcount("L2")) == (2, 2)
    assert schedule.short_intervals() == []
    # four L2 agent-days (8 h of 15-min intervals each) do L1 work; each L1 interval is covered
    assert schedule.covered[0].sum() == pytest.approx(4 * 32)
    assert schedule.covering[1].sum() == pytest.approx(4 * 32)
    on = _hours(9, 17)
    assert (schedule.effective_coverage("L1_phone")[on] >= 2 - 1e-6).all()
    assert (schedule.effective_coverage("L2")[_hours(9, 17, on_days=range(6))] >= 1 - 1e-6).all()


def test_cover_joins_only_the_groups_it_links():
    from planner.schedule_search import independent_parts

    chat = replace(_group(1.0 * _hours(9, 17)), name="L1_chat")
    problem = replace(_cover_problem(cover=True), groups=(
        _cover_problem(cover=True).groups[0], chat, _cover_problem(cover=True).groups[1]))
    parts = independent_parts(problem)
    assert [[g.name for g in part.groups] for part in parts] == [["L1_phone", "L2"], ["L1_chat"]]
    assert [part.cover for part in parts] == [problem.cover, ()]
    schedule = solve_schedule(problem)
    assert schedule.group_names == ("L1_phone", "L1_chat", "L2")
    assert schedule.covered[1].sum() == 0.0      # rows stay in the problem's group order


def test_cover_must_name_groups_of_the_problem():
    problem = replace(_cover_problem(cover=False), cover=(Cover("L3", "L1_phone"),))
    with pytest.raises(ValueError, match="cover.0.group: must name a group of the problem, got 'L3'"):
        solve_schedule(problem)


def test_cover_under_a_total_headcount_limit_is_one_joint_model():
    # the limit binds the whole problem; cover still saves the third L1 agent
    problem = replace(_cover_problem(cover=True), max_headcount=4)
    schedule = solve_schedule(problem)
    assert schedule.headcount() == 4
    assert schedule.weekly_cost == pytest.approx(4000.0)
    assert schedule.short_intervals() == []


def test_a_tier_with_async_work_lends_only_capacity_left_after_its_own():
    # L2's one agent (09:00-17:00 on weekdays) gets 0.9 agents of work per interval
    # 09:00-13:00, which may stay open until 17:00. Fluid, it could defer 3.6 of it to
    # cover L1's 11:00-12:00 and still cover 13:00-15:00 (26.4 of its 32 agent-intervals);
    # serving its own work first, as the simulator does, it has no half agent spare
    # before 13:00, so L1 keeps an agent of its own, and L2 lends nothing in the morning.
    weekdays = range(5)
    morning = _hours(9, 13, on_days=weekdays)
    work = morning * 0.9 * STEP * 60.0
    day_index = np.arange(WEEK) // PER_DAY
    since_nine = np.array([work[(day_index == d)].cumsum() for d in range(7)]).ravel()
    allowed = since_nine * _hours(9, 17, on_days=weekdays)
    l2 = GroupDemand("L2", 30.0, np.zeros(WEEK), work, allowed, np.ones(WEEK, dtype=bool))
    l1 = _group(1.0 * (_hours(11, 12, on_days=weekdays) | _hours(13, 15, on_days=weekdays)))
    problem = ScheduleProblem(STEP, (l1, l2), (ShiftTemplate("day", 9 * 60, 480),),
                              cover=(Cover("L2", "L1_phone"),), shortfall_penalty=100.0)
    schedule = solve_schedule(problem)
    assert schedule.headcount("L2") == 1
    assert schedule.headcount("L1_phone") == 1
    assert schedule.covering[1][morning].sum() == 0.0
    assert schedule.short_intervals() == []


def test_a_joint_schedule_that_costs_more_than_the_groups_alone_is_not_kept():
    # the joint model's search may stop short of its optimum; the schedules alone
    # (no cover) are then the answer, with the joint model's bound
    from planner.schedule import _better, solve_part

    part = _cover_problem(cover=True)
    alone = [solve_part(replace(part, groups=(g,), cover=())) for g in part.groups]
    joint = solve_part(part)
    assert _better(part, joint, alone) is joint
    worse = replace(joint, objective=joint.objective + 1000.0)
    kept = _better(part, worse, alone)
    assert kept.objective == pytest.approx(4800.0) and kept.bound == pytest.approx(joint.bound)
    assert kept.group_names == ("L1_phone", "L2") and not kept.covering.any()
    assert sum(t.count for t in kept.tours) == 5
