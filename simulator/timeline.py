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
# The log rows that set an agent's state or the items it holds.
AGENT_ROW_EVENTS = [int(Event.AGENT_STATE), int(Event.ASSIGN), int(Event.COMPLETE),
                    int(Event.HANDOVER)]


def build_agent_states(events: pd.DataFrame, roster, horizon: float,
                       report_start: float = 0.0) -> pd.DataFrame:
    """Each agent's state spells, in numpy over the agent rows only (no frame copies;
    narrow temporaries, each dropped once used: at a million tickets the agent rows
    are millions)."""
    event = events["event"].to_numpy()
    agent = events["agent"].to_numpy()
    rows = np.flatnonzero(np.isin(event, AGENT_ROW_EVENTS) & (agent >= 0)).astype(np.int32)
    rows = rows[np.argsort(agent[rows], kind="stable")]  # by agent, in log order
    agent, event = agent[rows], event[rows]
    starts = np.flatnonzero(np.append(True, agent[1:] != agent[:-1])) if agent.size \
        else np.zeros(0, dtype=np.int64)
    label = _state_in_force(event, events["code"].to_numpy()[rows], starts)
    label[(label == int(AgentState.AVAILABLE)) & (_items_in_hand(event, starts) > 0)] = BUSY
    del event
    time = events["time"].to_numpy()[rows]
    del rows
    end = np.empty_like(time)  # the next row's time, or the horizon after an agent's last
    end[:-1] = time[1:]
    end[np.append(starts[1:] - 1, agent.size - 1)[:starts.size]] = horizon
    keep = np.flatnonzero(end > time).astype(np.int32)
    return _merge_and_clip(agent[keep], label[keep], time[keep], end[keep],
                           roster, report_start, horizon)


def _state_in_force(event: np.ndarray, code: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The state set by each agent's latest state row so far (logged out before any)."""
    is_state = event == int(Event.AGENT_STATE)
    marks = is_state.copy()
    marks[starts] = True
    latest = np.where(marks, np.arange(event.size, dtype=np.int32), np.int32(0))
    del marks
    np.maximum.accumulate(latest, out=latest)
    return np.where(is_state[latest], code[latest], np.int16(AgentState.LOGGED_OUT))


def _items_in_hand(event: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Work items an agent holds after each row: assigns minus completes so far."""
    # An item in hand ends when it is completed or handed over at a shift end.
    delta = (event == int(Event.ASSIGN)).astype(np.int32) - (
        (event == int(Event.COMPLETE)) | (event == int(Event.HANDOVER)))
    total = np.cumsum(delta, dtype=np.int32)
    before = total[starts] - delta[starts]
    del delta
    total -= np.repeat(before, np.diff(np.append(starts, event.size)))
    return total


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
