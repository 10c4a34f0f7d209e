"""planning.cover end to end: L2 covers L1 calls in the schedule, the roster and the simulation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.cli_output import print_plan
from planner.plan import PlanOptions, make_plan
from planner.plan_output import plan_payload, write_plan_folder
from planner.schedule import Cover, solve_schedule
from planner.schedule_cover import own_work_first_spare
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.recorder import Event

ROOT = Path(__file__).resolve().parents[2]
MMC_PLAN = ROOT / "scenarios" / "theory" / "mmc_plan.yaml"

# Calls around the clock on three 8-hour shifts, with a late-morning peak that
# the day shift must staff for; 1% escalate to L2, whose one agent per shift
# is mostly idle and may take calls once its own queue is empty.
COVER_CASE = """
extends: {base}
name: l2_covers_phone
channels:
  phone:
    volume_per_day: 1000
    intraday_hourly_weights: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.3, 1.3,
                              1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
categories:
  general: {{share: 1.0, escalate_to_l2: 0.01}}
tiers:
  L1: {{hourly_cost: 28}}
  L2: {{hourly_cost: 40, work: {{mean_seconds: 1800, distribution: exponential}}}}
agents:
  - {{name: agent, tier: L1, count: 6, skills: [phone], shifts: [{{mon: ["00:00-24:00"]}}]}}
  - {{name: l2, tier: L2, count: 3, skills: [phone], shifts: [{{mon: ["00:00-24:00"]}}]}}
sla:
  standard:
    P3: {{first_response_minutes: 60, resolution_minutes: 720}}
planning:
  skill_groups:
    - {{name: phone, tier: L1, channels: [phone]}}
    - {{name: L2, tier: L2, channels: [phone]}}
  cover:
    - {{group: L2, covers: phone}}
  max_iterations: 0
"""


@pytest.fixture(scope="module")
def cover_plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("cover") / "cover.yaml"
    path.write_text(COVER_CASE.format(base=MMC_PLAN), encoding="utf-8")
    config = load_scenario(path, ())
    return make_plan(config, PlanOptions(seed=3, replications=2, workers=1, sensitivity=False))


def test_the_joint_schedule_lets_l2_cover_calls_and_costs_less(cover_plan):
    schedule = cover_plan.schedule
    assert cover_plan.problem.cover == (Cover("L2", "phone", 1.0),)
    phone = schedule.group_names.index("phone")
    assert schedule.covered[phone].sum() > 0
    alone = solve_schedule(replace(cover_plan.problem, cover=()))
    assert schedule.headcount("phone") < alone.headcount("phone")
    assert schedule.headcount("L2") == alone.headcount("L2")
    assert schedule.objective < alone.objective


def test_l2_lends_only_what_is_left_once_its_own_work_is_served(cover_plan):
    # the simulator's precedence, in the fluid model: lent <= spare of serving own work first
    schedule, problem = cover_plan.schedule, cover_plan.problem
    l2 = schedule.group_names.index("L2")
    spare = own_work_first_spare(problem.groups[l2], schedule.coverage[l2],
                                 problem.interval_minutes * 60.0)
    assert schedule.covering[l2].any()
    assert (schedule.covering[l2] <= np.maximum(spare, 0.0) + 1e-6).all()


def test_the_roster_carries_the_cover_and_the_simulation_uses_it(cover_plan):
    planned = cover_plan.config
    l2_groups = [g for g in planned.agents if g.tier == "L2"]
    assert l2_groups and all(g.cover == {"L1": ["phone"]} for g in l2_groups)
    assert all(not g.cover for g in planned.agents if g.tier == "L1")
    assert {row.covers for row in cover_plan.roster if row.tier == "L2"} == {"L1 phone"}
    result = simulate(planned, seed=4)
    events = result.events.to_pandas()
    assign = events[events["event"] == int(Event.ASSIGN)]
    l2 = {a.id for a in result.roster if a.tier == "L2"}
    by_l2 = assign[assign["agent"].isin(l2)]
    assert (by_l2["tier"] == 0).any()                 # L2 agents took calls
    assert not (assign[~assign["agent"].isin(l2)]["tier"] == 1).any()   # never the reverse


def test_the_plan_folder_shows_the_cover(cover_plan, tmp_path):
    folder = write_plan_folder(cover_plan, tmp_path / "plan", force=False, seed=3,
                               replications=2, confidence=0.95)
    coverage = pd.read_csv(folder / "coverage.csv")
    phone = coverage[coverage["group"] == "phone"]
    assert phone["cover_received"].sum() > 0
    assert coverage.loc[coverage["group"] == "L2", "cover_lent"].sum() == pytest.approx(
        phone["cover_received"].sum())
    roster = pd.read_csv(folder / "roster.csv", keep_default_na=False)
    assert set(roster.loc[roster["tier"] == "L2", "covers"]) == {"L1 phone"}
    schedule = pd.read_csv(folder / "schedule.csv", keep_default_na=False)
    assert set(schedule.loc[schedule["group"] == "L2", "covers"]) == {"phone"}
    cover = json.loads((folder / "plan.json").read_text())["cover"]
    assert cover["rules"] == [{"group": "L2", "covers": "phone", "weight": 1.0}]
    assert cover["agent_hours_lent"]["L2"] == pytest.approx(cover["agent_hours_received"]["phone"])
    planned = load_scenario(folder / "scenario.planned.yaml", ())
    assert any(g.cover for g in planned.agents)
    assert "scheduled, with cover" in (folder / "report.html").read_text(encoding="utf-8")


def test_the_cli_summary_says_who_lends_and_who_gets(cover_plan, tmp_path, capsys):
    folder = tmp_path / "plan"
    payload = plan_payload(cover_plan, 3, 2, 0.95)
    print_plan(cover_plan, payload, folder)
    hours = payload["cover"]["agent_hours_lent"]["L2"]
    assert f"cover (agent-hours a week): L2 lends {hours:,.1f}; phone gets {hours:,.1f}" in \
        capsys.readouterr().out
