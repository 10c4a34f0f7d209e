"""Agent state spells: the numpy sweep equals the plain groupby formulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.datasets import event_frame
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.recorder import AgentState, Event
from simulator.timeline import BUSY, _merge_and_clip, build_agent_states

ROOT = Path(__file__).resolve().parents[2]


def reference_states(events: pd.DataFrame, roster, horizon: float) -> pd.DataFrame:
    """The spells by pandas groupby (ffill the state, cumsum the items, shift the end)."""
    kinds = [int(Event.AGENT_STATE), int(Event.ASSIGN), int(Event.COMPLETE)]
    rows = events.loc[events["event"].isin(kinds) & (events["agent"] >= 0),
                      ["time", "event", "agent", "code"]].sort_values("agent", kind="stable")
    is_state = rows["event"].to_numpy() == int(Event.AGENT_STATE)
    frame = pd.DataFrame({
        "agent": rows["agent"].to_numpy(), "time": rows["time"].to_numpy(),
        "state": np.where(is_state, rows["code"].to_numpy(), np.nan),
        "delta": np.select([rows["event"] == int(Event.ASSIGN),
                            rows["event"] == int(Event.COMPLETE)], [1, -1], 0)})
    frame["state"] = frame.groupby("agent")["state"].ffill().fillna(int(AgentState.LOGGED_OUT))
    frame["held"] = frame.groupby("agent")["delta"].cumsum()
    frame["end"] = frame.groupby("agent")["time"].shift(-1).fillna(horizon)
    state = frame["state"].to_numpy().astype(np.int64)
    label = np.where((state == int(AgentState.AVAILABLE)) & (frame["held"].to_numpy() > 0),
                     BUSY, state)
    keep = (frame["end"] > frame["time"]).to_numpy()
    return _merge_and_clip(frame["agent"].to_numpy()[keep], label[keep],
                           frame["time"].to_numpy()[keep], frame["end"].to_numpy()[keep],
                           roster, 0.0, horizon)


@pytest.mark.parametrize("days", [1, 4])
def test_spells_equal_the_groupby_reference(days):
    config = load_scenario(ROOT / "scenarios/baseline.yaml", (f"calendar.days={days}",))
    result = simulate(config, 3)
    events = event_frame(result.events)
    horizon = result.calendar.sim_end
    pd.testing.assert_frame_equal(build_agent_states(events, result.roster, horizon),
                                  reference_states(events, result.roster, horizon))


def test_no_agent_rows_give_no_spells():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=1",))
    result = simulate(config, 3)
    events = event_frame(result.events)
    none = events[events["agent"] < -1]
    assert build_agent_states(none, result.roster, result.calendar.sim_end).empty
