"""QA reviews: a seeded sample of solved tickets scored on a weighted rubric.

Model (assumptions, so coaching exercises have signal to find):

- Each solved ticket with an assignee is reviewed with probability
  ``qa.review_rate``; the reviewed agent is the last assignee.
- Each agent has a proficiency latent ``z`` ~ N(0, 1) from its own stream
  (``qa_agents``, keyed by agent id): a good agent stays good across runs that
  change demand or staffing elsewhere.
- ``rushed`` (0..1) is how hurried the handling was: half the shortfall of the
  agent's handle time on the ticket against the mean of the same channel and
  tier (``max(0, 1 - handle / mean)``), half the load on the channel in the
  interval the agent last picked the ticket up (``(occupancy - 0.75) / 0.25``,
  clipped to 0..1; the interval table's L1 occupancy).
- Criterion c scores ``base_score + proficiency_sd * z - rush_penalty *
  SENSITIVITY[c] * rushed + noise_sd * e_c``, clipped to 0..100 and rounded to
  one decimal; ``qa_score`` is the weighted sum with ``qa.weights``. Rushing
  hurts process adherence most and slightly helps efficiency.
- Sampling and noise come from the ``qa_reviews`` stream keyed by the ticket's
  creation day (tickets in id order within the day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.config import QA_CRITERIA, ScenarioConfig
from simulator.labels import text_column
from simulator.periods import day_index, day_text
from simulator.recorder import Event
from simulator.streams import StreamRegistry

SENSITIVITY = {"solution_quality": 1.0, "communication": 0.8, "process_adherence": 1.3,
               "efficiency": -0.3, "customer_experience": 1.0}
COLUMNS = ["review_id", "ticket_id", "agent_id", "agent", "group", "tier", "channel", "category",
           "priority", "reviewed_date", "handle_seconds", "rushed", *QA_CRITERIA, "qa_score"]


def score_reviews(config: ScenarioConfig, proficiency: np.ndarray, rushed: np.ndarray,
                  noise: np.ndarray) -> dict[str, np.ndarray]:
    """Criterion scores and the weighted ``qa_score`` (noise: one column per criterion).

    Examples
    --------
    >>> from simulator.config import QaConfig
    >>> class C: qa = QaConfig(noise_sd=0.0)
    >>> s = score_reviews(C, np.array([0.0]), np.array([0.5]), np.zeros((1, 5)))
    >>> float(s["process_adherence"][0]), float(s["efficiency"][0])
    (72.0, 88.0)
    """
    qa = config.qa
    scores: dict[str, np.ndarray] = {}
    total = np.zeros(len(rushed))
    for index, criterion in enumerate(QA_CRITERIA):
        raw = (qa.base_score + qa.proficiency_sd * proficiency
               - qa.rush_penalty * SENSITIVITY[criterion] * rushed + qa.noise_sd * noise[:, index])
        scores[criterion] = np.round(np.clip(raw, 0.0, 100.0), 1)
        total += qa.weights[criterion] * scores[criterion]
    scores["qa_score"] = np.round(total, 2)
    return scores


def rushed_index(handle: np.ndarray, group_mean: np.ndarray, occupancy: np.ndarray) -> np.ndarray:
    """0.5 x handle-time shortfall + 0.5 x interval load, each clipped to 0..1."""
    shortfall = np.clip(1.0 - np.divide(handle, group_mean, out=np.ones_like(handle),
                                        where=group_mean > 0), 0.0, 1.0)
    load = np.clip((np.nan_to_num(occupancy, nan=0.0) - 0.75) / 0.25, 0.0, 1.0)
    return 0.5 * shortfall + 0.5 * load


def build_qa_reviews(config: ScenarioConfig, result, raw_events: pd.DataFrame,
                     tickets: pd.DataFrame, intervals: pd.DataFrame) -> pd.DataFrame:
    calendar, roster = result.calendar, result.roster
    registry = StreamRegistry(result.seed, result.replication)
    by_name = {a.name: a.id for a in roster}
    chosen = (tickets["solved_at"].notna() & (tickets["assignee"] != "")).to_numpy()
    candidates = tickets.loc[chosen, ["ticket_id", "created", "solved_at", "assignee", "group",
                                      "channel", "category", "priority"]]
    candidates = candidates.sort_values("ticket_id", kind="stable")
    if candidates.empty or config.qa.review_rate == 0.0:
        return pd.DataFrame(columns=COLUMNS)
    agent = candidates["assignee"].map(by_name).to_numpy(dtype=np.int64)
    day = day_index(calendar, candidates["created"].to_numpy())
    keep = np.zeros(len(candidates), dtype=bool)
    noise = np.zeros((len(candidates), len(QA_CRITERIA)))
    for d in np.unique(day):
        rows = np.flatnonzero(day == d)
        generator = registry.generator("qa_reviews", int(d))
        keep[rows] = generator.random(rows.size) < config.qa.review_rate
        noise[rows] = generator.standard_normal((rows.size, len(QA_CRITERIA)))
    latent = np.array([registry.generator("qa_agents", a.id).standard_normal() for a in roster])
    handle_seconds, picked_at = _own_work(raw_events, candidates["ticket_id"].to_numpy(), agent)
    # Every candidate's handle time sets its (channel, tier) mean; only the sampled
    # rows are scored (the scores are row by row), from integer group keys.
    channel, channel_names = pd.factorize(candidates["channel"])
    tier = np.array([a.tier_index for a in roster])[agent]
    group_mean = pd.Series(handle_seconds).groupby([channel, tier]).transform("mean").to_numpy()
    occupancy = _interval_occupancy(intervals, calendar, np.asarray(channel_names)[channel[keep]],
                                    picked_at[keep])
    handle_seconds = handle_seconds[keep]
    rushed = rushed_index(handle_seconds, group_mean[keep], occupancy)
    agent = agent[keep]
    scores = score_reviews(config, latent[agent], rushed, noise[keep])
    reviewed = candidates[keep]
    frame = pd.DataFrame({
        "review_id": np.arange(1, len(reviewed) + 1),
        "ticket_id": reviewed["ticket_id"].to_numpy(), "agent_id": agent,
        "agent": reviewed["assignee"].array, "group": reviewed["group"].array,
        "tier": text_column([a.tier for a in roster], agent), "channel": reviewed["channel"].array,
        "category": reviewed["category"].array, "priority": reviewed["priority"].array,
        "reviewed_date": day_text(calendar, reviewed["solved_at"].to_numpy()),
        "handle_seconds": handle_seconds, "rushed": np.round(rushed, 4), **scores})
    return frame[COLUMNS]


def _own_work(raw_events: pd.DataFrame, ticket_ids: np.ndarray,
              agent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reviewed agent's own work on each candidate ticket (``ticket_ids`` ascending):
    handle seconds (0 if none) and the time of the last pick-up (NaN if none)."""
    event = raw_events["event"].to_numpy()
    rows = np.flatnonzero((event == int(Event.ASSIGN)) | (event == int(Event.COMPLETE)))
    ticket = raw_events["ticket"].to_numpy()[rows]
    position = np.minimum(np.searchsorted(ticket_ids, ticket), max(ticket_ids.size - 1, 0))
    own = (ticket_ids[position] == ticket) & (raw_events["agent"].to_numpy()[rows] == agent[position])
    rows, position, event = rows[own], position[own], event[rows][own]
    done = event == int(Event.COMPLETE)
    # A grouped sum (not bincount) keeps pandas' summation, so the figures are unchanged.
    handle = pd.Series(raw_events["value"].to_numpy()[rows[done]]).groupby(position[done]).sum()
    handle_seconds = np.zeros(ticket_ids.size)
    handle_seconds[handle.index.to_numpy()] = handle.to_numpy()
    picked_at = np.full(ticket_ids.size, np.nan)
    picked = ~done
    np.fmax.at(picked_at, position[picked], raw_events["time"].to_numpy()[rows[picked]])
    return handle_seconds, picked_at


def _interval_occupancy(intervals: pd.DataFrame, calendar, channel: np.ndarray,
                        times: np.ndarray) -> np.ndarray:
    """The channel's interval occupancy at each time (NaN if unknown)."""
    starts = np.unique(intervals["interval_start"].to_numpy())
    lookup = intervals.set_index(["channel", "interval_start"])["occupancy"]
    valid = ~np.isnan(times) & (times >= 0)
    slot = np.searchsorted(starts, np.where(valid, times, 0.0), side="right") - 1
    slot_start = starts[np.clip(slot, 0, max(starts.size - 1, 0))] if starts.size else np.zeros(times.size)
    values = lookup.reindex(pd.MultiIndex.from_arrays([channel, slot_start])).to_numpy(dtype=float)
    return np.where(valid & (slot >= 0), values, np.nan)
