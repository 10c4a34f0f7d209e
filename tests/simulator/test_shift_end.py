"""What an agent does with asynchronous work in hand at shift end (``routing.shift_end``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.agents import RosterAgent
from simulator.config import CHANNELS, SYNCHRONOUS_CHANNELS
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.loading import load_scenario
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


def _overtime(roster: tuple[RosterAgent, ...], events: pd.DataFrame, agent_ids) -> float:
    """Seconds between each worked spell's end and the agent's log-out after it."""
    logged_out = events[(events["event"] == int(Event.AGENT_STATE))
                        & (events["code"] == int(AgentState.LOGGED_OUT))]
    total = 0.0
    for agent in roster:
        if agent.id not in agent_ids:
            continue
        times = np.sort(logged_out.loc[logged_out["agent"] == agent.id, "time"].to_numpy())
        for spell in agent.spells:
            if spell.state == AgentState.AVAILABLE and spell.end <= times[-1]:
                total += times[np.searchsorted(times, spell.end)] - spell.end
    return total


def test_asynchronous_agents_work_overtime_only_when_they_finish(run):
    mode, _, result, events = run
    async_only = {a.id for a in result.roster if not set(a.skills) & set(SYNCHRONOUS_CHANNELS)}
    overtime = _overtime(result.roster, events, async_only)
    assert (overtime > 0) == (mode == "finish")


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
