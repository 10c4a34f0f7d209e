"""Agent state spells from the event log.

The engine logs agent state changes (logged out, available, break, ...) and
the start and end of every work item. Here they are swept together per agent:
available time with at least one item in hand becomes ``busy``. The log's
order is causal (rows at the same time keep the order they were written in),
so an agent who finishes a call and then logs out is busy, then logged out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.labels import text_column
from simulator.recorder import AgentState, Event

STATE_NAMES = {s.value: s.name.lower() for s in AgentState}
BUSY = max(STATE_NAMES) + 1  # the label code of available time with an item in hand
LABELS = [STATE_NAMES[code] for code in range(BUSY)] + ["busy"]


def build_agent_states(events: pd.DataFrame, roster, horizon: float,
                       report_start: float = 0.0) -> pd.DataFrame:
    kinds = [int(Event.AGENT_STATE), int(Event.ASSIGN), int(Event.COMPLETE), int(Event.HANDOVER)]
    rows = events.loc[events["event"].isin(kinds) & (events["agent"] >= 0),
                      ["time", "event", "agent", "code"]]
    rows = rows.sort_values("agent", kind="stable")
    is_state = rows["event"].to_numpy() == int(Event.AGENT_STATE)
    # An item in hand ends when it is completed or handed over at shift end.
    delta = np.select([rows["event"] == int(Event.ASSIGN),
                       rows["event"].isin([int(Event.COMPLETE), int(Event.HANDOVER)])], [1, -1], 0)
    frame = pd.DataFrame({
        "agent": rows["agent"].to_numpy(),
        "time": rows["time"].to_numpy(),
        "state": np.where(is_state, rows["code"].to_numpy(), np.nan),
        "delta": delta,
    })
    frame["state"] = frame.groupby("agent")["state"].ffill().fillna(int(AgentState.LOGGED_OUT))
    frame["held"] = frame.groupby("agent")["delta"].cumsum()
    frame["end"] = frame.groupby("agent")["time"].shift(-1).fillna(horizon)
    state = frame["state"].to_numpy().astype(np.int64)
    busy = (state == int(AgentState.AVAILABLE)) & (frame["held"].to_numpy() > 0)
    label = np.where(busy, BUSY, state)  # state codes, and BUSY
    keep = (frame["end"] > frame["time"]).to_numpy()
    return _merge_and_clip(frame["agent"].to_numpy()[keep], label[keep],
                           frame["time"].to_numpy()[keep], frame["end"].to_numpy()[keep],
                           roster, report_start, horizon)


def _merge_and_clip(agent: np.ndarray, label: np.ndarray, time: np.ndarray, end: np.ndarray,
                    roster, report_start: float, horizon: float) -> pd.DataFrame:
    """Consecutive rows of one agent in one state become one spell (numpy, rows by agent)."""
    first = np.ones(agent.size, dtype=bool)
    first[1:] = (label[1:] != label[:-1]) | (agent[1:] != agent[:-1])
    starts = np.flatnonzero(first)
    lasts = np.append(starts[1:] - 1, agent.size - 1)[:starts.size].astype(np.int64)
    start = np.maximum(time[starts], report_start)
    stop = np.minimum(end[lasts], horizon)
    state = label[starts]
    keep = (stop > start) & (state != int(AgentState.LOGGED_OUT))
    agent, state, start, stop = agent[starts][keep], state[keep], start[keep], stop[keep]
    return pd.DataFrame({
        "agent_id": agent,
        "agent": text_column([a.name for a in roster], agent),
        "group": text_column([a.group for a in roster], agent),
        "tier": text_column([a.tier for a in roster], agent),
        "state": text_column(LABELS, state),
        "start": start,
        "end": stop,
        "duration_seconds": stop - start,
    })
