"""What an agent does with asynchronous work in hand at shift end (``routing.shift_end``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scenario_factory import small_scenarios

from simulator.agents import RosterAgent, Spell
from simulator.config import CHANNELS, SYNCHRONOUS_CHANNELS
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.kpis import overtime_hours
from simulator.loading import load_scenario, validate_scenario
from simulator.recorder import AgentState, Event

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
LIVE = [CHANNELS.index(c) for c in SYNCHRONOUS_CHANNELS]


@pytest.fixture(scope="module", params=["finish", "resume", "restart"])
def run(request):
    config = load_scenario(BASELINE, ("calendar.days=7", "calendar.warmup_days=2",
                                      f"routing.shift_end={request.param}"))
    result = simulate(config, seed=3)
    return request.param, config, result, result.events.to_pandas()


def _handovers(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["event"] == int(Event.HANDOVER)]


def test_finish_hands_nothing_over_and_the_others_do(run):
    mode, _, _, events = run
    assert (len(_handovers(events)) == 0) == (mode == "finish")


def test_a_customer_on_the_line_is_never_handed_over(run):
    handed = _handovers(run[3])
    live_call = handed["channel"].isin(LIVE) & (handed["item"] == 1) & (handed["tier"] == 0)
    assert not live_call.any()


def test_hand_over_happens_as_the_agent_logs_out(run):
    events = run[3]
    logged_out = events[(events["event"] == int(Event.AGENT_STATE))
                        & (events["code"] == int(AgentState.LOGGED_OUT))]
    handed = _handovers(events)
    pairs = set(zip(logged_out["agent"], logged_out["time"], strict=True))
    assert all((a, t) in pairs for a, t in zip(handed["agent"], handed["time"], strict=True))


def _first_l1_items(events: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """Tier-0 first items of handed-over tickets: work drawn, handed-over and final parts."""
    rows = events[(events["tier"] == 0) & (events["item"] == 1)]
    handed = _handovers(rows).groupby("ticket")["value"].sum().rename("handed")
    done = rows[rows["event"] == int(Event.COMPLETE)].set_index("ticket")["value"].rename("done")
    drawn = attributes.set_index("contact_id")["l1_work_seconds"].rename("drawn")
    return pd.concat([handed, done], axis=1, join="inner").join(drawn)


def test_resume_carries_on_with_the_work_left_and_restart_starts_over(run):
    mode, _, result, events = run
    if mode == "finish":
        return
    items = _first_l1_items(events, result.attributes.to_pandas())
    assert len(items) > 10
    if mode == "resume":
        np.testing.assert_allclose(items["handed"] + items["done"], items["drawn"], rtol=1e-9)
    else:
        np.testing.assert_allclose(items["done"], items["drawn"], rtol=1e-12)
        assert (items["handed"] <= items["drawn"] + 1e-9).all()


def test_asynchronous_agents_work_overtime_only_when_they_finish(run):
    mode, config, result, _ = run
    datasets = build_datasets(config, result)
    overtime = overtime_hours(datasets.agent_states, result.roster, result.calendar.sim_end)
    async_only = [a.id for a in result.roster if not set(a.skills) & set(SYNCHRONOUS_CHANNELS)]
    live = [a.id for a in result.roster if a.id not in async_only]
    assert (overtime[async_only].sum() > 0) == (mode == "finish")
    assert overtime[live].sum() > 0  # a customer on the line is always finished


def _outside_shifts(roster: tuple[RosterAgent, ...], events: pd.DataFrame, kind: Event,
                    code: int | None = None) -> int:
    """``kind`` events of each agent (with ``code``) outside its worked spells."""
    count = 0
    for agent in roster:
        worked = [s for s in agent.spells if s.state == AgentState.AVAILABLE]
        starts = np.array([s.start for s in worked])
        ends = np.array([s.end for s in worked])
        rows = events[(events["agent"] == agent.id) & (events["event"] == int(kind))]
        if code is not None:
            rows = rows[rows["code"] == code]
        times = rows["time"].to_numpy()
        spell = np.searchsorted(starts, times, side="right") - 1
        count += int(((spell < 0) | (times >= ends[np.maximum(spell, 0)])).sum())
    return count


def test_agents_log_in_and_take_work_only_during_their_shifts(run):
    """An item in hand or a break may run past the end of the shift; the agent
    then logs out, and never logs in again or takes new work before its next shift."""
    _, _, result, events = run
    assert _outside_shifts(result.roster, events, Event.AGENT_STATE, int(AgentState.AVAILABLE)) == 0
    assert _outside_shifts(result.roster, events, Event.ASSIGN) == 0


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_no_new_work_after_a_shift_in_small_scenarios(data, seed):
    config = validate_scenario(data)
    result = simulate(config, seed)
    assert _outside_shifts(result.roster, result.events.to_pandas(), Event.ASSIGN) == 0


def test_overtime_is_logged_in_time_past_each_worked_shift_end():
    hour = 3600.0
    worked = Spell(0.0, 8 * hour, AgentState.AVAILABLE)
    late = RosterAgent(0, "a", "g", "L1", ("email",), 20.0,
                       (worked, Spell(24 * hour, 32 * hour, AgentState.AVAILABLE)))
    away = RosterAgent(1, "b", "g", "L1", ("email",), 20.0,
                       (worked, Spell(8 * hour, 16 * hour, AgentState.VACATION)))
    states = pd.DataFrame({
        "agent_id": [0, 0, 0, 0, 1, 1],
        "start": [0.0, 7 * hour, 24 * hour, 31 * hour, 0.0, 8 * hour],
        # agent 0: busy 30 min past its first shift, 15 min past the second;
        # agent 1: on time, then on vacation straight after (not overtime)
        "end": [7 * hour, 8.5 * hour, 31 * hour, 32.25 * hour, 8 * hour, 16 * hour],
        "state": ["available", "busy", "available", "busy", "available", "vacation"]})
    hours = overtime_hours(states, (late, away), horizon=48 * hour)
    assert hours.to_dict() == {0: pytest.approx(0.75), 1: 0.0}
    before = overtime_hours(states, (late, away), horizon=48 * hour, report_start=10 * hour)
    assert before[0] == pytest.approx(0.25)  # the first shift ended before the period


def test_handed_over_work_counts_in_handle_time_and_busy_time(run):
    _, config, result, events = run
    datasets = build_datasets(config, result)
    tickets = datasets.tickets.set_index("ticket_id")
    ends = [int(Event.COMPLETE), int(Event.HANDOVER)]
    work = events[events["event"].isin(ends) & events["ticket"].isin(tickets.index)]
    expected = work.groupby("ticket")["value"].sum()
    np.testing.assert_allclose(tickets.loc[expected.index, "handle_seconds"], expected)
    # An asynchronous agent holds one item at a time: busy from each assign to its
    # complete or hand-over, clipped to the reporting period.
    async_only = [a.id for a in result.roster if not set(a.skills) & set(SYNCHRONOUS_CHANNELS)]
    horizon = result.calendar.sim_end
    states = datasets.agent_states
    assert len(async_only) >= 6
    for agent in async_only:
        rows = events[(events["agent"] == agent) & events["event"].isin([int(Event.ASSIGN), *ends])]
        starts = rows.loc[rows["event"] == int(Event.ASSIGN), "time"].to_numpy()
        stops = np.append(rows.loc[rows["event"] != int(Event.ASSIGN), "time"].to_numpy(), horizon)
        busy = np.clip(stops[:starts.size], 0.0, horizon) - np.clip(starts, 0.0, horizon)
        mine = states[(states["agent_id"] == agent) & (states["state"] == "busy")]
        assert mine["duration_seconds"].sum() == pytest.approx(busy.sum(), abs=1e-6)
    assert (datasets.intervals["queue_at_end"] >= 0).all()
