"""Split shifts (09:00-13:00 + 16:00-20:00): the MILP uses them for two daily peaks,
and the roster publishes and simulates both pieces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.plan import _shift_template
from planner.roster import agent_groups, planned_scenario, roster_rows
from planner.schedule import (
    GroupDemand,
    ScheduleProblem,
    ShiftTemplate,
    expand_roster,
    solve_schedule,
)
from planner.schedule_problem import shift_intervals, validate
from simulator.agents import build_roster
from simulator.calendar import calendar_for
from simulator.config import PlanningConfig, ShiftTemplateConfig, SkillGroup
from simulator.loading import load_scenario
from simulator.streams import StreamRegistry

ROOT = Path(__file__).resolve().parents[2]
MMC_PLAN = ROOT / "scenarios" / "theory" / "mmc_plan.yaml"
STEP, PER_DAY = 15, 96
SPLIT = ShiftTemplate("split", 9 * 60, 240, split_gap_minutes=180, split_minutes=240)


def _peaks() -> np.ndarray:
    """One agent 09:00-13:00 and 16:00-20:00, Monday to Friday."""
    hours = np.arange(PER_DAY) * STEP / 60
    day = ((hours >= 9) & (hours < 13)) | ((hours >= 16) & (hours < 20))
    return np.concatenate([day & (d < 5) for d in range(7)]).astype(float)


def _problem(templates) -> ScheduleProblem:
    required = _peaks()
    n = required.size
    group = GroupDemand("L1_email", 20.0, required, np.zeros(n), np.zeros(n), np.ones(n, bool))
    return ScheduleProblem(STEP, (group,), tuple(templates), shortfall_penalty=100.0)


def test_a_split_template_covers_both_pieces_and_pays_for_eight_hours():
    assert (SPLIT.paid_minutes, SPLIT.span_minutes) == (480, 660)
    on = shift_intervals(SPLIT, 0, _problem([SPLIT]))
    assert on.size == 32 and on.min() == 36 and on.max() == 79  # 09:00 .. 19:45
    assert not np.isin(np.arange(52, 64), on).any()  # 13:00-16:00 is the unpaid gap


def test_two_peaks_are_cheapest_on_one_split_shift():
    full = (ShiftTemplate("early", 9 * 60, 480), ShiftTemplate("late", 12 * 60, 480))
    without = solve_schedule(_problem(full))
    with_split = solve_schedule(_problem((*full, SPLIT)))
    # Without it, 09-13 and 16-20 need two 8-hour agents; one split shift covers both.
    assert without.headcount() == 2 and without.weekly_cost == pytest.approx(2 * 5 * 8 * 20.0)
    assert with_split.headcount() == 1 and with_split.weekly_cost == pytest.approx(5 * 8 * 20.0)
    assert [t.template for t in with_split.tours] == ["split"]
    assert with_split.short_intervals() == []


def test_config_split_becomes_the_milp_template_and_is_checked():
    config = ShiftTemplateConfig(name="split", start="09:00", hours=4,
                                 split={"start": "16:00", "hours": 4})
    template = _shift_template(config, PlanningConfig())
    assert (template.split_gap_minutes, template.split_minutes, template.breaks) == (180, 240, ())
    validate(_problem([template]))
    with pytest.raises(ValueError, match="split.start: must be a time of day after the first"):
        ShiftTemplateConfig(name="bad", start="09:00", hours=4, split={"start": "12:00", "hours": 4})
    with pytest.raises(ValueError, match="split.hours: a split shift must end by 24:00"):
        ShiftTemplateConfig(name="late", start="09:00", hours=4, split={"start": "21:00", "hours": 4})


def test_a_split_roster_is_published_and_simulated_in_two_pieces():
    schedule = solve_schedule(_problem((SPLIT,)))
    agents = expand_roster(schedule, _problem((SPLIT,)), seed=1)
    skill = SkillGroup(name="L1_email", tier="L1", channels=["phone"])
    rows = roster_rows(tuple((a, False) for a in agents), [skill])
    assert rows[0].shift == "09:00-13:00+16:00-20:00" and rows[0].paid_hours_per_week == 40.0
    config = load_scenario(MMC_PLAN, ("calendar.days=7",))
    group = agent_groups(tuple((a, False) for a in agents), [skill])[0]
    assert group.shifts[0]["mon"] == ["09:00-13:00", "16:00-20:00"]
    planned = planned_scenario(config, [group])
    calendar = calendar_for(planned)
    spells = build_roster(planned, calendar, StreamRegistry(1))[0].spells
    monday = calendar.day_start[planned.calendar.warmup_days]
    pieces = [((s.start - monday) / 3600, (s.end - monday) / 3600) for s in spells
              if monday <= s.start < monday + 86400]
    assert pieces == [(9.0, 13.0), (16.0, 20.0)]
