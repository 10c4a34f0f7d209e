"""Requirements: MOL, Erlang per interval, the fluid deadline model, skill groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner import requirements as req
from planner.staffing import required_agents
from simulator.calendar import calendar_for
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(ROOT / "scenarios" / "baseline.yaml", ())


@pytest.fixture(scope="module")
def baseline_requirements(baseline):
    return req.build_requirements(baseline)


def test_modified_offered_load_is_arrivals_times_aht_when_demand_is_steady(baseline):
    calendar = calendar_for(req.planning_config(baseline))
    arrivals = np.full(len(calendar.interval_start), 10.0)  # 10 per 15 min
    load = req._modified_offered_load(arrivals, calendar, 600.0)
    assert load[-1] == pytest.approx(10 / 900 * 600, rel=1e-9)


def test_modified_offered_load_carries_work_into_a_quiet_interval(baseline):
    calendar = calendar_for(req.planning_config(baseline))
    arrivals = np.zeros(len(calendar.interval_start))
    arrivals[100] = 30.0
    load = req._modified_offered_load(arrivals, calendar, 900.0)
    assert load[101] > 0 and load[102] < load[101]  # work spills over, then decays
    # Over time the load integrates to arrivals x AHT (agent-seconds of work).
    total = (load * (calendar.interval_end - calendar.interval_start)).sum()
    assert total == pytest.approx(30 * 900.0, rel=1e-6)


def test_arrived_not_due_by_hand():
    end = np.array([1.0, 2.0, 3.0, 4.0])
    due = np.array([2.5, 1.5, 10.0, 4.5])  # interval 0's work is due at 2.5, ...
    work = np.array([1.0, 2.0, 4.0, 8.0])
    got = req._arrived_not_due(end, due, work, np.argsort(due, kind="stable"))
    # end 1: {0}; end 2: {0} (1 passed at 1.5); end 3: {2} (0 passed); end 4: {2, 3}
    assert got.tolist() == [1.0, 1.0, 4.0, 12.0]


def test_live_requirement_is_erlang_a_on_the_interval_load(baseline, baseline_requirements):
    phone = baseline_requirements.group("L1_phone")
    slot = int(np.argmax(phone.offered_load["phone"]))
    settings = baseline.channels["phone"]
    aht = settings.handle.mean_seconds
    expected = required_agents(phone.offered_load["phone"][slot] / aht, aht, 0.8, 20.0,
                               settings.patience.mean_seconds, max_abandonment=0.05)
    assert phone.required[slot] == pytest.approx(expected, abs=1)


def test_closed_hours_need_nobody_and_open_hours_somebody(baseline_requirements):
    phone = baseline_requirements.group("L1_phone")
    per_day = baseline_requirements.slots_per_day
    monday = phone.required[:per_day]
    assert monday[: 8 * 4].sum() == 0 and monday[18 * 4:].sum() == 0   # 08:00-18:00 open
    assert (monday[8 * 4: 18 * 4] >= 1).all()
    assert phone.required[5 * per_day:].sum() == 0                       # closed at weekends
    assert phone.allowed.sum() == 5 * 10 * 4


def test_async_work_covers_tickets_times_handle_time(baseline, baseline_requirements):
    group = baseline_requirements.group("L1_async")
    hours = group.async_agent_hours()
    multiplier = req.work_multiplier(baseline)
    assert 1.0 < multiplier < 1.5
    assert group.required.sum() == 0 and group.allowed.all()
    # email + web + social: about 275 contacts a weekday, 80% become tickets, ~9 min each.
    assert 120 < hours < 300
    assert (group.allowed_backlog_seconds >= 0).all()


def test_escalations_feed_l2_and_l3_with_less_work_at_l3(baseline_requirements):
    l2 = baseline_requirements.group("L2").async_agent_hours()
    l3 = baseline_requirements.group("L3").async_agent_hours()
    assert l2 > l3 > 0


def test_blended_live_group_pooled_needs_no_more_than_separate(baseline):
    config = baseline.model_copy(update={"planning": baseline.planning.model_copy(update={
        "skill_groups": [g for g in baseline.planning.skill_groups
                         if g.name not in ("L1_phone", "L1_chat")]
        + [baseline.planning.skill_groups[0].model_copy(
            update={"name": "L1_live", "channels": ["phone", "chat"]})]})})
    live = req.build_requirements(config).group("L1_live")
    # Pooling saves agents over the week; in an interval the strictest threshold
    # of the two channels may cost one back.
    assert (live.required <= live.required_separate + 1).all()
    assert live.required.sum() < live.required_separate.sum()
    assert live.approximate


def test_skill_groups_default_to_agent_groups_skill_sets(baseline):
    config = baseline.model_copy(update={"planning": baseline.planning.model_copy(
        update={"skill_groups": []})})
    names = [g.name for g in req.skill_groups(config)]
    assert names[:3] == ["L1_phone", "L1_chat", "L1_async"]
    assert "L1_weekend" not in names  # same tier and skills as L1_async


def test_productive_share_leaves_out_breaks_and_lunch(baseline):
    share = req.productive_share(baseline)
    # stand-up 15 + 0.2 x (45 + 60 + 30) = 42 min of 510.
    assert share == pytest.approx(1 - 42 / 510)


def test_scaled_raises_one_group_only(baseline_requirements):
    bump = np.ones_like(baseline_requirements.group("L1_phone").required)
    raised = req.scaled(baseline_requirements, "L1_phone", sync_factor=bump)
    assert raised.group("L1_phone").required.sum() == pytest.approx(
        baseline_requirements.group("L1_phone").required.sum() + bump.sum())
    assert raised.group("L1_chat") is baseline_requirements.group("L1_chat")
