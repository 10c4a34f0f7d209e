"""Rosters in the simulator's form: night shifts that cross midnight."""

from __future__ import annotations

from pathlib import Path

from planner.roster import agent_groups, planned_scenario, roster_rows
from planner.rotation import TourRules, build_cycles
from planner.schedule import ScheduledAgent
from simulator.agents import build_roster
from simulator.calendar import calendar_for
from simulator.config import ShiftTemplateConfig, SkillGroup
from simulator.loading import load_scenario
from simulator.recorder import AgentState
from simulator.streams import StreamRegistry

ROOT = Path(__file__).resolve().parents[2]
MMC_PLAN = ROOT / "scenarios" / "theory" / "mmc_plan.yaml"
SKILL = SkillGroup(name="phone", tier="L1", channels=["phone"])
# 22:00 for 8.5 hours, Sunday to Thursday nights; lunch at 02:00 (minute 1560 of its day).
NIGHT = ScheduledAgent("Nia Night", "phone", "night_2200", 1320, 510, (0, 1, 2, 3, 6),
                       tuple((d, "lunch", 1560, 30) for d in (0, 1, 2, 3, 6)))


def test_a_night_template_is_valid_config():
    template = ShiftTemplateConfig(name="night_2200", start="22:00", hours=8.5)
    assert template.hours == 8.5


def test_a_night_shift_is_written_as_two_ranges_and_breaks_on_the_next_day():
    group = agent_groups(((NIGHT, False),), [SKILL])[0]
    pattern = group.shifts[0]
    assert pattern["mon"] == ["00:00-06:30", "22:00-24:00"]  # Sunday's night, then Monday's
    assert pattern["fri"] == ["00:00-06:30"] and "sat" not in pattern
    assert [(b.activity, b.start) for b in group.fixed_breaks["tue"]] == [("lunch", "02:00")]
    row = roster_rows(((NIGHT, False),), [SKILL])[0]
    assert row.shift == "22:00-06:30" and row.paid_hours_per_week == 42.5


def test_a_night_shift_is_simulated_as_one_spell_across_midnight():
    config = load_scenario(MMC_PLAN, ("calendar.days=7",))
    planned = planned_scenario(config, agent_groups(((NIGHT, False),), [SKILL]))
    calendar = calendar_for(planned)
    agent = build_roster(planned, calendar, StreamRegistry(1))[0]
    monday = calendar.day_start[planned.calendar.warmup_days]
    spell = next(s for s in agent.spells if s.start == monday + 22 * 3600)
    assert spell.end == monday + (24 + 6.5) * 3600 and spell.state == AgentState.AVAILABLE
    assert [(b.start - monday) / 3600 for b in spell.blocks] == [26.0]  # lunch at 02:00


def test_night_shifts_do_not_rotate():
    day = ScheduledAgent("Dee Day", "phone", "day", 480, 510, (0, 1, 2, 3, 4), ())
    cycles = build_cycles((NIGHT, day), TourRules())
    assert [c.weeks for c in cycles] == [1, 1]


def test_a_plan_with_night_shifts_covers_the_clock_and_meets_its_target():
    from planner.plan import PlanOptions, make_plan

    templates = ("planning.shift_templates=["
                 '{name: night, start: "22:00", hours: 8, days_per_week: 7, breaks: []},'
                 '{name: day, start: "06:00", hours: 8, days_per_week: 7, breaks: []},'
                 '{name: evening, start: "14:00", hours: 8, days_per_week: 7, breaks: []}]')
    config = load_scenario(MMC_PLAN, (templates,))
    plan = make_plan(config, PlanOptions(seed=5, replications=3, workers=1, sensitivity=False))
    # Erlang C asks for 22 agents in every interval: 22 on each of the three shifts.
    assert plan.headcount == {"phone": 66}
    assert not plan.schedule.shortfall.any()
    assert {r.shift for r in plan.roster} == {"22:00-06:00", "06:00-14:00", "14:00-22:00"}
    assert plan.targets_hold
