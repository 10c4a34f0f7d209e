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

from simulator.recorder import AgentState, Event

STATE_NAMES = {s.value: s.name.lower() for s in AgentState}


def build_agent_states(events: pd.DataFrame, roster, horizon: float,
                       report_start: float = 0.0) -> pd.DataFrame:
    kinds = [int(Event.AGENT_STATE), int(Event.ASSIGN), int(Event.COMPLETE)]
    rows = events.loc[events["event"].isin(kinds) & (events["agent"] >= 0),
                      ["time", "event", "agent", "code"]]
    rows = rows.sort_values("agent", kind="stable")
    is_state = rows["event"].to_numpy() == int(Event.AGENT_STATE)
    delta = np.select([rows["event"] == int(Event.ASSIGN), rows["event"] == int(Event.COMPLETE)],
                      [1, -1], 0)
    frame = pd.DataFrame({
        "agent": rows["agent"].to_numpy(),
        "time": rows["time"].to_numpy(),
        "state": np.where(is_state, rows["code"].to_numpy(), np.nan),
        "delta": delta,
    })
    frame["state"] = frame.groupby("agent")["state"].ffill().fillna(int(AgentState.LOGGED_OUT))
    frame["held"] = frame.groupby("agent")["delta"].cumsum()
    frame["end"] = frame.groupby("agent")["time"].shift(-1).fillna(horizon)
    names = frame["state"].astype(int).map(STATE_NAMES)
    busy = (frame["state"] == int(AgentState.AVAILABLE)) & (frame["held"] > 0)
    frame["label"] = np.where(busy, "busy", names)
    frame = frame[frame["end"] > frame["time"]]
    return _merge_and_clip(frame, roster, report_start, horizon)


def _merge_and_clip(frame: pd.DataFrame, roster, report_start: float,
                    horizon: float) -> pd.DataFrame:
    new_spell = (frame["label"] != frame["label"].shift()) | (frame["agent"] != frame["agent"].shift())
    spell_id = new_spell.cumsum()
    spells = frame.groupby(spell_id, sort=False).agg(
        agent=("agent", "first"), state=("label", "first"), start=("time", "first"),
        end=("end", "last"))
    spells["start"] = spells["start"].clip(lower=report_start)
    spells["end"] = spells["end"].clip(upper=horizon)
    spells = spells[(spells["end"] > spells["start"]) & (spells["state"] != "logged_out")]
    agent = spells["agent"].to_numpy()
    return pd.DataFrame({
        "agent_id": agent,
        "agent": np.array([a.name for a in roster])[agent],
        "group": np.array([a.group for a in roster])[agent],
        "tier": np.array([a.tier for a in roster])[agent],
        "state": spells["state"].to_numpy(),
        "start": spells["start"].to_numpy(),
        "end": spells["end"].to_numpy(),
        "duration_seconds": (spells["end"] - spells["start"]).to_numpy(),
    }).reset_index(drop=True)
