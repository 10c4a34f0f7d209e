"""The ``daily`` table and the agent scorecards (``agent_daily``).

Both roll existing figures up by local day; every rate comes from the grouped
KPI functions in kpis.py, so a day's KPI and the period's KPI share a formula.

- ``daily``: per reporting day and channel. Contact counts, answered within
  threshold, handled and AHT are the day's sum of the ``intervals`` rows
  (contacts by arrival; AHT of the L1 work items completed that day); service
  level, ASA and abandonment are ``kpis.contact_measures`` over the day's
  contacts (email, web and social: first responses within their SLA, as the
  channel KPI); tickets, CSAT, FRT, TTR, FCR and breaches are
  ``kpis.ticket_measures`` over the tickets created that day (a cohort: a
  ticket's later resolution counts on the day it was created).
- ``agent_daily``: per agent and day the agent was rostered or logged in.
  Time comes from the agent state spells cut at midnight; work from the
  agent's work items completed that day (``work_items``, warm-up tickets
  included: the work was done in the period); FCR and CSAT from the tickets the
  agent was last assigned, on the day of their final solve; QA from the
  reviews of those tickets (``qa_reviews``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.calendar import Calendar
from simulator.config import CHANNELS, ScenarioConfig
from simulator.kpis import (
    CONTACT_MEASURE_COLUMNS,
    TICKET_MEASURE_COLUMNS,
    contact_measures,
    staffing_measures,
    ticket_measures,
)
from simulator.labels import text_column
from simulator.memory import return_free_memory
from simulator.periods import day_index, day_text, period_labels
from simulator.recorder import AgentState, Event

DAILY_TICKET_KPIS = ("csat_satisfied_rate", "csat_mean", "csat_responses", "frt_mean_minutes",
                     "frt_median_minutes", "ttr_mean_hours", "ttr_median_hours", "fcr_rate",
                     "sla_first_response_compliance", "sla_resolution_compliance",
                     "sla_breaches", "sla_severe_breaches", "escalation_rate", "reopen_rate")


def report_dates(calendar: Calendar) -> list[str]:
    return [d.isoformat() for d in calendar.day_dates[calendar.warmup_days:]]


def build_daily(config: ScenarioConfig, calendar: Calendar, contacts: pd.DataFrame,
                tickets: pd.DataFrame, intervals: pd.DataFrame, horizon: float) -> pd.DataFrame:
    dates = report_dates(calendar)
    interval_day = period_labels(calendar, intervals["interval_start"].to_numpy())["day"]
    sums = intervals.assign(date=interval_day,
                            handle_sum=intervals["aht_seconds"].fillna(0.0) * intervals["handled"])
    sums = sums.groupby(["channel", "date"])[["offered", "deflected", "answered", "abandoned",
                                              "answered_within_threshold", "handled",
                                              "handle_sum"]].sum()
    backlog = intervals.assign(date=interval_day).groupby(["channel", "date"])["open_tickets_at_end"].last()
    contact_day = period_labels(calendar, contacts["arrival_time"].to_numpy())["day"]
    ticket_day = period_labels(calendar, tickets["created"].to_numpy())["day"]
    frames = []
    for name in config.channel_names():
        live = name in config.synchronous_channels
        index = pd.Index(dates, name="date")
        mine = (contacts["channel"] == CHANNELS.index(name)).to_numpy()
        queue = contact_measures(config, contacts.loc[mine, list(CONTACT_MEASURE_COLUMNS)],
                                 contact_day[mine]).reindex(index)
        picked = (tickets["channel"] == name).to_numpy()
        measured = ticket_measures(tickets.loc[picked, list(TICKET_MEASURE_COLUMNS)],
                                   ticket_day[picked], horizon).reindex(index)
        counts = sums.loc[name].reindex(index, fill_value=0) if name in sums.index.get_level_values(0) \
            else pd.DataFrame(0, index=index, columns=sums.columns)
        frame = pd.DataFrame({"date": dates, "channel": name})
        frame["contacts"] = queue["contacts"].fillna(0).astype(int).to_numpy()
        for column in ("offered", "deflected", "answered", "abandoned", "answered_within_threshold",
                       "handled"):
            frame[column] = counts[column].astype(int).to_numpy()
        frame["tickets"] = measured["tickets"].fillna(0).astype(int).to_numpy()
        frame["open_tickets_at_end"] = (backlog.loc[name].reindex(index).fillna(0).astype(int).to_numpy()
                                        if name in backlog.index.get_level_values(0) else 0)
        frame["deflection_rate"] = queue["deflection_rate"].to_numpy()
        if live:
            frame["service_level"] = queue["service_level"].to_numpy()
            frame["service_level_basis"] = config.service_level_basis
            frame["asa_seconds"] = queue["asa_seconds"].to_numpy()
            frame["abandonment_rate"] = queue["abandonment_rate"].to_numpy()
        else:
            frame["service_level"] = measured["sla_first_response_compliance"].to_numpy()
            frame["service_level_basis"] = "first_response_sla"
            frame["asa_seconds"] = np.nan
            frame["abandonment_rate"] = np.nan
        handled = counts["handled"].to_numpy(dtype=float)
        frame["aht_seconds"] = np.divide(counts["handle_sum"].to_numpy(dtype=float), handled,
                                         out=np.full(handled.size, np.nan), where=handled > 0)
        for column in DAILY_TICKET_KPIS:
            values = measured[column]
            frame[column] = values.fillna(0).astype(int).to_numpy() if column in (
                "csat_responses", "sla_breaches", "sla_severe_breaches") else values.to_numpy()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).sort_values("date", kind="stable") \
        .reset_index(drop=True)


# --------------------------------------------------------------------------- agent_daily


def scheduled_segments(roster, horizon: float) -> pd.DataFrame:
    """The schedule as spells (agent_id, start, end, state): each shift is ``available``
    except its planned blocks (break, lunch, ..., supervised); an absent day keeps its
    shift as scheduled ``available`` time; vacation is planned leave, not scheduled."""
    rows = []
    for agent in roster:
        for spell in agent.spells:
            if spell.state == AgentState.VACATION:
                continue
            cursor = spell.start
            for block in spell.blocks:
                if block.start > cursor:
                    rows.append((agent.id, cursor, block.start, "available"))
                rows.append((agent.id, block.start, block.end, block.state.name.lower()))
                cursor = block.end
            if spell.end > cursor:
                rows.append((agent.id, cursor, spell.end, "available"))
    frame = pd.DataFrame(rows, columns=["agent_id", "start", "end", "state"])
    frame["start"] = frame["start"].clip(lower=0.0)
    frame["end"] = frame["end"].clip(upper=horizon)
    return frame[frame["end"] > frame["start"]].reset_index(drop=True)


def adherence_seconds(scheduled: pd.DataFrame, actual: pd.DataFrame,
                      day_start: np.ndarray) -> pd.DataFrame:
    """Scheduled and adhered seconds per agent and day index.

    Adhered: time inside the schedule in which the agent's state equals the scheduled
    one, with ``busy`` counting as ``available`` (handling contacts is what available
    time is for). A break started late because a call ran on, an absence, or logging
    in late all lose adherence; time worked outside the schedule (finishing the
    item in hand after the shift) neither adds nor subtracts.
    """
    out = []
    # States as integer codes of one shared list (-1: outside every spell), busy as available.
    real_states = actual["state"].to_numpy(dtype=object)
    real_states = np.where(real_states == "busy", "available", real_states)
    names = pd.unique(np.concatenate([scheduled["state"].to_numpy(dtype=object), real_states]))
    scheduled = scheduled.assign(state=pd.Categorical(scheduled["state"].to_numpy(dtype=object),
                                                      categories=names).codes)
    actual = actual.assign(state=pd.Categorical(real_states, categories=names).codes)
    by_agent = dict(tuple(actual.groupby("agent_id", sort=False)))
    empty = actual.iloc[:0]
    for agent_id, plan in scheduled.groupby("agent_id", sort=True):
        real = by_agent.get(agent_id, empty)
        points = np.unique(np.concatenate([plan["start"], plan["end"], real["start"], real["end"]]))
        lo, hi = points[0], points[-1]
        inner = day_start[(day_start > lo) & (day_start < hi)]
        points = np.unique(np.concatenate([points, inner]))
        left, length = points[:-1], np.diff(points)
        plan_state = _state_at(plan, left)
        real_state = _state_at(real, left)
        day = np.searchsorted(day_start, left, side="right") - 1
        in_plan = plan_state >= 0
        adhered = in_plan & (plan_state == real_state)
        days = np.unique(day)
        slot = np.searchsorted(days, day)
        out.append(pd.DataFrame({
            "day": days,
            "scheduled": np.bincount(slot, weights=np.where(in_plan, length, 0.0), minlength=days.size),
            "adhered": np.bincount(slot, weights=np.where(adhered, length, 0.0), minlength=days.size),
            "agent_id": agent_id}))
    if not out:
        return pd.DataFrame({"day": np.zeros(0, np.int64), "scheduled": np.zeros(0),
                             "adhered": np.zeros(0), "agent_id": np.zeros(0, np.int64)})
    return pd.concat(out, ignore_index=True)


def _state_at(spells: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    """State code of non-overlapping spells at each time (-1 outside every spell)."""
    order = np.argsort(spells["start"].to_numpy(), kind="stable")
    starts = spells["start"].to_numpy()[order]
    ends = spells["end"].to_numpy()[order]
    states = np.append(spells["state"].to_numpy()[order].astype(np.int64), -1)
    index = np.searchsorted(starts, times, side="right") - 1
    inside = (index >= 0) & (times < ends[np.maximum(index, 0)]) if starts.size else np.zeros(times.size, bool)
    return states[np.where(inside, index, -1)]


def work_items(raw_events: pd.DataFrame, roster, calendar: Calendar) -> pd.DataFrame:
    """One row per work item completed in the reporting period (warm-up tickets included):
    ticket, agent, tier, channel, time, local date and handle seconds."""
    done = raw_events[(raw_events["event"] == int(Event.COMPLETE)) & (raw_events["agent"] >= 0)
                      & (raw_events["time"] >= 0)]
    agent_id = done["agent"].to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "ticket_id": done["ticket"].to_numpy(), "agent_id": agent_id,
        "agent": text_column([a.name for a in roster] + [""], agent_id),
        "tier": text_column([a.tier for a in roster] + [""], agent_id),
        "channel": text_column(CHANNELS, done["channel"].to_numpy()),
        "time": done["time"].to_numpy(), "date": day_text(calendar, done["time"].to_numpy()),
        "handle_seconds": done["value"].to_numpy()})


def build_agent_daily(config: ScenarioConfig, calendar: Calendar, roster, states_by_day: pd.DataFrame,
                      work: pd.DataFrame, tickets: pd.DataFrame, qa_reviews: pd.DataFrame,
                      horizon: float) -> pd.DataFrame:
    """One scorecard row per agent and day (see the module docstring).

    Rows are keyed ``day x agents + agent_id`` (integers: day order, then agent order).
    """
    dates = np.array([d.isoformat() for d in calendar.day_dates])
    day_of = {d: i for i, d in enumerate(dates)}
    agents = max(len(roster), 1)
    key = day_index(calendar, states_by_day["start"].to_numpy()) * agents \
        + states_by_day["agent_id"].to_numpy(dtype=np.int64)
    staff = staffing_measures(config, states_by_day, key)
    return_free_memory()  # each measure's temporaries, before the next (memory.py)
    seconds = pd.DataFrame({"key": key, "state": states_by_day["state"].to_numpy(),
                            "seconds": states_by_day["duration_seconds"].to_numpy()}).pivot_table(
        index="key", columns="state", values="seconds", aggfunc="sum", fill_value=0.0)
    scheduled = scheduled_segments(roster, horizon)
    actual = states_by_day[["agent_id", "start", "end", "state"]]
    adherence = adherence_seconds(scheduled, actual, calendar.day_start)
    del scheduled, actual
    return_free_memory()
    adherence.index = adherence["day"].to_numpy(dtype=np.int64) * agents \
        + adherence["agent_id"].to_numpy(dtype=np.int64)
    work_key = day_index(calendar, work["time"].to_numpy()) * agents + work["agent_id"].to_numpy()
    work_sums = work.assign(key=work_key).groupby("key").agg(
        items=("handle_seconds", "size"), handle=("handle_seconds", "sum"),
        tickets=("ticket_id", "nunique"))
    by_name = {a.name: a.id for a in roster}
    solved = tickets.loc[(tickets["solved_at"].notna() & (tickets["assignee"] != "")).to_numpy(),
                         ["assignee", *TICKET_MEASURE_COLUMNS]]
    solved_key = day_index(calendar, solved["solved_at"].to_numpy()) * agents \
        + solved["assignee"].map(by_name).to_numpy(dtype=np.int64)
    outcomes = ticket_measures(solved, solved_key, horizon)
    return_free_memory()
    review_key = qa_reviews["reviewed_date"].map(day_of).to_numpy(dtype=np.int64) * agents \
        + qa_reviews["agent_id"].to_numpy(dtype=np.int64)
    qa = qa_reviews.assign(key=review_key).groupby("key").agg(
        qa_reviews=("qa_score", "size"), qa_score=("qa_score", "mean"))
    keys = pd.Index(np.union1d(staff.index.to_numpy(dtype=np.int64),
                               adherence.index.to_numpy(dtype=np.int64)), name="key")
    agent_id = keys.to_numpy() % agents
    frame = pd.DataFrame({
        "date": dates[keys.to_numpy() // agents],
        "agent_id": agent_id,
        "agent": np.array([a.name for a in roster], dtype=object)[agent_id],
        "group": np.array([a.group for a in roster], dtype=object)[agent_id],
        "tier": np.array([a.tier for a in roster], dtype=object)[agent_id],
    }, index=keys)
    state_seconds = seconds.reindex(keys, fill_value=0.0)

    def column(name: str) -> pd.Series:
        return state_seconds[name] if name in state_seconds else pd.Series(0.0, index=keys)

    frame["scheduled_seconds"] = adherence["scheduled"].reindex(keys, fill_value=0.0)
    frame["paid_seconds"] = state_seconds.sum(axis=1)
    frame["logged_in_seconds"] = frame["paid_seconds"] - column("absent") - column("vacation")
    frame["available_seconds"] = column("available")
    frame["busy_seconds"] = column("busy")
    frame["occupancy"] = staff["occupancy"].reindex(keys)
    frame["utilisation"] = staff["utilisation"].reindex(keys)
    adhered = adherence["adhered"].reindex(keys, fill_value=0.0)
    frame["adherence"] = np.divide(adhered.to_numpy(), frame["scheduled_seconds"].to_numpy(),
                                   out=np.full(len(keys), np.nan),
                                   where=frame["scheduled_seconds"].to_numpy() > 0)
    work_sums = work_sums.reindex(keys)
    frame["tickets_handled"] = work_sums["tickets"].fillna(0).astype(int)
    frame["items_handled"] = work_sums["items"].fillna(0).astype(int)
    frame["aht_seconds"] = work_sums["handle"] / work_sums["items"]
    outcomes = outcomes.reindex(keys)
    frame["tickets_solved"] = outcomes["tickets"].fillna(0).astype(int)
    frame["fcr_rate"] = outcomes["fcr_rate"]
    frame["csat_responses"] = outcomes["csat_responses"].fillna(0).astype(int)
    frame["csat_satisfied_rate"] = outcomes["csat_satisfied_rate"]
    qa = qa.reindex(keys)
    frame["qa_reviews"] = qa["qa_reviews"].fillna(0).astype(int)
    frame["qa_score"] = qa["qa_score"]
    return frame.reset_index(drop=True)
