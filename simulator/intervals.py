"""The interval table: per reporting interval and channel.

Contacts are counted in the interval in which they arrived (the contact-centre
convention), so an interval's service level describes the callers who rang in
it. Staffed agents and occupancy are time-weighted over the interval for the
L1 agents skilled in the channel (a multi-skilled agent counts in each of its
channels). The queue at interval end counts L1 work items of the channel
waiting for an agent; open tickets are created and not yet solved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.config import CHANNELS, ScenarioConfig
from simulator.queue_stats import service_level_counts, step_integral
from simulator.recorder import Event


def build_intervals(config: ScenarioConfig, result, events: pd.DataFrame,
                    contacts: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    calendar = result.calendar
    report = calendar.interval_start >= 0.0
    starts, ends = calendar.interval_start[report], calendar.interval_end[report]
    boundaries = np.append(starts, ends[-1]) if starts.size else np.array([0.0])
    # Plain numpy columns: each channel's masks then cost one pass, not a frame copy.
    columns = {name: events[name].to_numpy() for name in ("time", "event", "channel", "tier", "value")}
    state = states["state"]
    spells = {"agent_id": states["agent_id"].to_numpy(), "start": states["start"].to_numpy(),
              "end": states["end"].to_numpy(), "on": state.isin(["available", "busy"]).to_numpy(),
              "busy": (state == "busy").to_numpy()}
    outcome = contacts["outcome"]
    arrivals = {"channel": contacts["channel"].to_numpy(),
                "arrival_time": contacts["arrival_time"].to_numpy(),
                "wait_seconds": contacts["wait_seconds"].to_numpy(),
                "answered_at": contacts["answered_at"].to_numpy(),
                "deflected": (outcome == "deflected").to_numpy(),
                "abandoned": (outcome == "abandoned").to_numpy()}
    frames = [_channel_intervals(config, result, columns, arrivals, spells, name, starts, ends,
                                 boundaries) for name in config.channel_names()]
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "interval_start", np.tile(starts, len(frames)))
    return table


def _bucket(times: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.searchsorted(starts, times, side="right") - 1


def _channel_intervals(config, result, events, contacts, states, name, starts, ends, boundaries):
    channel = config.channels[name]
    cid = CHANNELS.index(name)
    mine = _select(contacts, contacts["channel"] == cid)
    bucket = _bucket(mine["arrival_time"], starts)
    n = starts.size
    count = lambda mask: np.bincount(bucket[mask], minlength=n)[:n]
    wait = mine["wait_seconds"]
    deflected_mask = mine["deflected"]
    offered_mask = ~deflected_mask
    answered_mask = ~np.isnan(mine["answered_at"])
    abandoned_mask = mine["abandoned"]
    threshold = channel.answer_within_seconds
    live = name in config.synchronous_channels
    sl = np.full(n, np.nan)
    asa = np.full(n, np.nan)
    if live:
        numerator, denominator = service_level_counts(
            bucket[answered_mask], wait[answered_mask], bucket[abandoned_mask],
            wait[abandoned_mask], count(offered_mask), threshold, config.service_level_basis,
            config.short_abandon_seconds)
        np.divide(numerator, denominator, out=sl, where=denominator > 0)
        answered = count(answered_mask)
        wait_sum = np.bincount(bucket[answered_mask], weights=wait[answered_mask], minlength=n)[:n]
        np.divide(wait_sum, answered, out=asa, where=answered > 0)
    rows = _select(events, events["channel"] == cid)
    completes = _select(rows, (rows["event"] == int(Event.COMPLETE)) & (rows["tier"] == 0)
                        & (rows["time"] >= 0))
    done_bucket = _bucket(completes["time"], starts)
    handled = np.bincount(done_bucket, minlength=n)[:n]
    handle_sum = np.bincount(done_bucket, weights=completes["value"], minlength=n)[:n]
    handed = _select(rows, (rows["event"] == int(Event.HANDOVER)) & (rows["tier"] == 0)
                     & (rows["time"] >= 0))
    if handed["time"].size:  # work done before a hand-over counts where it was done
        handle_sum += np.bincount(_bucket(handed["time"], starts), weights=handed["value"],
                                  minlength=n)[:n]
    staffed, busy = _staffing(result, states, name, boundaries)
    length = ends - starts
    return pd.DataFrame({
        "channel": name,
        "offered": count(offered_mask),
        "deflected": count(deflected_mask),
        "answered": count(answered_mask),
        "abandoned": count(abandoned_mask),
        "answered_within_threshold": count(answered_mask & (wait <= threshold)) if live else 0,
        "service_level": sl,
        "service_level_basis": config.service_level_basis if live else "",
        "asa_seconds": asa,
        "handled": handled,
        "aht_seconds": np.divide(handle_sum, handled, out=np.full(n, np.nan), where=handled > 0),
        "staffed_agents": staffed / length,
        "occupancy": np.divide(busy, staffed, out=np.full(n, np.nan), where=staffed > 0),
        "queue_at_end": _queue_at_end(rows, ends),
        "open_tickets_at_end": _open_at_end(rows, ends),
    })


def _staffing(result, states: dict[str, np.ndarray], name: str, boundaries: np.ndarray):
    skilled = [a.id for a in result.roster if a.tier == "L1" and name in a.skills]
    mine = np.isin(states["agent_id"], skilled)
    on, busy = mine & states["on"], mine & states["busy"]
    staffed = step_integral(states["start"][on], states["end"][on], boundaries)
    busy_time = step_integral(states["start"][busy], states["end"][busy], boundaries)
    return staffed, busy_time


def _select(columns: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {name: values[mask] for name, values in columns.items()}


def _queue_at_end(rows: dict[str, np.ndarray], ends: np.ndarray) -> np.ndarray:
    """L1 items of the channel (``rows``: its events) that had entered a queue and not
    left it by each end."""
    event, tier = rows["event"], rows["tier"]
    l1 = np.isin(tier, [0, -1])
    joined = l1 & ((event == int(Event.ARRIVE))
                   | (np.isin(event, [int(Event.ENQUEUE), int(Event.HANDOVER)]) & (tier == 0)))
    left = l1 & np.isin(event, [int(Event.ASSIGN), int(Event.ABANDON), int(Event.DEFLECT)])
    joined_times = np.sort(rows["time"][joined])
    left_times = np.sort(rows["time"][left])
    return (np.searchsorted(joined_times, ends, side="right")
            - np.searchsorted(left_times, ends, side="right"))


def _open_at_end(rows: dict[str, np.ndarray], ends: np.ndarray) -> np.ndarray:
    """Tickets of the channel (``rows``: its events) created but not solved at each
    interval end.

    arrivals - deflected - abandoned - solves + reopens, counted up to each end
    (warm-up tickets included, so a Monday backlog shows from the first interval).
    """
    total = np.zeros(ends.size, dtype=np.int64)
    for event, sign in ((Event.ARRIVE, 1), (Event.DEFLECT, -1), (Event.ABANDON, -1),
                        (Event.SOLVE, -1), (Event.REOPEN, 1)):
        times = np.sort(rows["time"][rows["event"] == int(event)])
        total += sign * np.searchsorted(times, ends, side="right")
    return total
