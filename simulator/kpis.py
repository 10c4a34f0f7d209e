"""Every KPI, defined once: formula, unit, target and warning threshold.

KPIs are computed from the datasets (never from SimPy objects). Each family
has one grouped function (``ticket_measures``, ``contact_measures``,
``staffing_measures``) that computes its KPIs for any grouping of the rows;
the per-channel figures, the overall figures, the ``daily`` table, the agent
scorecards and ``kpi_breakdowns`` all call it, so a KPI has one formula.
Rates are fractions (0.8 = 80%). The formulas are in ``DEFINITIONS``; the
less obvious ones:

- service level: see ``queue_stats.service_level``, on the scenario's
  ``service_level_basis``; phone and chat, contacts by arrival (several live
  channels together: met contacts summed / base summed, each channel with its
  own threshold). For email, web and social the channel's service level is its
  first-response SLA compliance.
- SLA compliance: 1 - breached / decided, where decided counts tickets with a
  target whose clock stopped or already breached (open, unbreached tickets are
  left out). Next reply: decided = tickets with a next-reply target and at
  least one customer message (reply while pending, or reopen).
- FCR: solved with one touch, no escalation, no reopen and no repeat contact by
  the same customer on the same issue within ``lifecycle.fcr_window_days``;
  over solved tickets.
- frustration: a ticket reopened within 24 h of a solve scores 1 (3 if it was
  reopened so three or more times: severe), an escalated ticket 1, a survey
  rated 1-2 within 48 h of solving scores 1; the index is points per ticket.
  The simulator draws whether a solved ticket is surveyed and answered, not
  when: every rating is taken as given at the (last) solve, so every 1-2
  rating counts as within 48 h. A run that drew a response delay would have to
  compare it with 48 h here.
- occupancy: busy / (available + busy); utilisation: busy / paid time (every
  rostered state, absence and vacation included), with no target band since
  it already contains shrinkage; shrinkage realised: in-shift (break, lunch,
  meeting, training, coaching, supervised) and out-of-shift (absent, vacation)
  time / paid time.
- cost per ticket: paid hours x the tier's ``hourly_cost`` / tickets.

Status against the band (``config.KpiBand``, kpi_status.py): ``met`` inside the target band,
``warning`` outside it but inside the warning band, ``missed`` beyond it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.config import CHANNELS, ScenarioConfig
from simulator.kpi_definitions import DEFINITIONS, KpiDefinition  # noqa: F401 (re-exported)
from simulator.kpi_status import band_for, status, status_table  # noqa: F401 (re-exported)
from simulator.memory import return_free_memory
from simulator.periods import period_labels
from simulator.queue_stats import service_level_counts
from simulator.recorder import AgentState

if TYPE_CHECKING:
    from simulator.datasets import Datasets


IN_SHIFT_STATES = ("break", "lunch", "meeting", "training", "coaching", "supervised")
OUT_OF_SHIFT_STATES = ("absent", "vacation")
COUNT_KPIS = frozenset(n for n, d in DEFINITIONS.items() if d.unit == "count")


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else math.nan


def safe_divide(numerator, denominator) -> np.ndarray:
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _float(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _groups(key, n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64) if key is None else np.asarray(key)


def _codes(key, n: int) -> tuple[np.ndarray, pd.Index]:
    """Integer group codes and their labels (grouping on integers avoids string work)."""
    if key is None:
        return np.zeros(n, dtype=np.int64), pd.Index([0])
    codes, labels = pd.factorize(np.asarray(key), sort=True)
    return codes, pd.Index(labels)


def _relabel(frame: pd.DataFrame, labels: pd.Index) -> pd.DataFrame:
    frame.index = labels[frame.index.to_numpy()]
    return frame


def _as_dict(frame: pd.DataFrame) -> dict[str, float]:
    """The one group's KPIs; with no rows at all, counts are 0 and the rest NaN."""
    if len(frame):
        row = frame.iloc[0]
    else:
        row = pd.Series([0 if k in COUNT_KPIS else np.nan for k in frame.columns],
                        index=frame.columns, dtype=object)
    return {k: (int(v) if k in COUNT_KPIS and not pd.isna(v) else float(v)) for k, v in row.items()}


# --------------------------------------------------------------------------- tickets


TICKET_MEASURE_COLUMNS = (
    "created", "csat_score", "customer_messages", "escalations", "fcr", "first_response_at",
    "frt_business_minutes", "frt_calendar_minutes", "live", "open_at_horizon", "reopens",
    "reopens_within_24h", "resolution_business_minutes", "resolution_calendar_minutes",
    "sla_first_response_breached", "sla_first_response_elapsed_minutes",
    "sla_first_response_target_minutes", "sla_next_reply_breached", "sla_next_reply_target_minutes",
    "sla_resolution_breached", "sla_resolution_target_minutes", "sla_severe_breach", "solved_at",
)  # every column ticket_measures reads: callers filtering rows copy only these


def ticket_measures(tickets: pd.DataFrame, key=None, horizon: float = math.nan) -> pd.DataFrame:
    """Ticket KPIs per group of ``key`` (an array aligned with the rows; None: one group).

    ``horizon`` (seconds) dates the backlog's age; NaN leaves it NaN.
    """
    t = tickets
    solved = t["solved_at"].notna().to_numpy()
    score = t["csat_score"].to_numpy(dtype=float)
    rated = ~np.isnan(score)
    frt = _float(t["frt_calendar_minutes"])
    frt_target = t["sla_first_response_target_minutes"].to_numpy(dtype=float)
    responded = t["first_response_at"].notna().to_numpy()
    frt_breached = t["sla_first_response_breached"].to_numpy(dtype=bool)
    res_breached = t["sla_resolution_breached"].to_numpy(dtype=bool)
    next_breached = t["sla_next_reply_breached"].to_numpy(dtype=bool)
    has_target = ~np.isnan(frt_target)
    frt_decided = (responded | frt_breached) & has_target
    res_decided = (solved | res_breached) & ~np.isnan(t["sla_resolution_target_minutes"].to_numpy(dtype=float))
    next_decided = ((t["customer_messages"].to_numpy() > 0) | next_breached) & \
        ~np.isnan(t["sla_next_reply_target_minutes"].to_numpy(dtype=float))
    open_ = t["open_at_horizon"].to_numpy(dtype=bool)
    escalated = t["escalations"].to_numpy() > 0
    quick = t["reopens_within_24h"].to_numpy()
    severe = quick >= 3
    low = rated & (score <= 2)
    share = np.where(responded & has_target,
                     t["sla_first_response_elapsed_minutes"].to_numpy(dtype=float) / frt_target, np.nan)
    live = t["live"].to_numpy(dtype=bool)
    codes, labels = _codes(key, len(t))
    m = pd.DataFrame({
        "g": codes, "one": 1.0,
        "frt": frt, "frt_b": _float(t["frt_business_minutes"]),
        "frt_async": np.where(live, np.nan, frt),
        "ttr": _float(t["resolution_calendar_minutes"]) / 60.0,
        "ttr_b": _float(t["resolution_business_minutes"]) / 60.0,
        "solved": solved, "fcr": t["fcr"].to_numpy(dtype=bool) & solved,
        "score": score, "rated": rated, "satisfied": rated & (score >= 4), "low": low,
        "frt_dec": frt_decided, "frt_br": frt_breached & frt_decided,
        "res_dec": res_decided, "res_br": res_breached & res_decided,
        "next_dec": next_decided, "next_br": next_breached & next_decided,
        "share": share, "breach": frt_breached | res_breached | next_breached,
        "severe_breach": t["sla_severe_breach"].to_numpy(dtype=bool),
        "escalated": escalated, "reopened": t["reopens"].to_numpy() > 0,
        "open": open_,
        "age": np.where(open_, (horizon - t["created"].to_numpy(dtype=float)) / 3600.0, np.nan),
        "quick": quick > 0, "severe": severe,
        "points": np.where(severe, 3, quick > 0) + escalated + low,
    })
    grouped = m.groupby("g", sort=True)
    s = grouped.sum(numeric_only=True)
    mean = grouped[["frt", "frt_b", "frt_async", "ttr", "ttr_b", "score", "share", "age"]].mean()
    median = grouped[["frt", "frt_b", "ttr", "ttr_b"]].median()
    p90 = grouped[["frt", "frt_b", "ttr", "ttr_b"]].quantile(0.9)
    return pd.DataFrame({
        "tickets": s["one"].astype(int),
        "frt_mean_minutes": mean["frt"], "frt_median_minutes": median["frt"],
        "frt_p90_minutes": p90["frt"],
        "frt_business_mean_minutes": mean["frt_b"], "frt_business_median_minutes": median["frt_b"],
        "frt_business_p90_minutes": p90["frt_b"],
        "frt_async_mean_minutes": mean["frt_async"],
        "ttr_mean_hours": mean["ttr"], "ttr_median_hours": median["ttr"], "ttr_p90_hours": p90["ttr"],
        "ttr_business_mean_hours": mean["ttr_b"], "ttr_business_median_hours": median["ttr_b"],
        "ttr_business_p90_hours": p90["ttr_b"],
        "fcr_rate": safe_divide(s["fcr"], s["solved"]),
        "csat_mean": mean["score"],
        "csat_satisfied_rate": safe_divide(s["satisfied"], s["rated"]),
        "csat_responses": s["rated"].astype(int),
        "sla_first_response_compliance": 1.0 - safe_divide(s["frt_br"], s["frt_dec"]),
        "sla_next_reply_compliance": 1.0 - safe_divide(s["next_br"], s["next_dec"]),
        "sla_resolution_compliance": 1.0 - safe_divide(s["res_br"], s["res_dec"]),
        "frt_sla_share_mean": mean["share"],
        "sla_breaches": s["breach"].astype(int),
        "sla_severe_breaches": s["severe_breach"].astype(int),
        "escalation_rate": safe_divide(s["escalated"], s["one"]),
        "reopen_rate": safe_divide(s["reopened"], s["solved"]),
        "open_at_horizon": s["open"].astype(int),
        "backlog_age_mean_hours": mean["age"],
        "reopened_24h_rate": safe_divide(s["quick"], s["solved"]),
        "severe_reopens": s["severe"].astype(int),
        "low_rating_rate": safe_divide(s["low"], s["rated"]),
        "frustration_index": safe_divide(s["points"], s["one"]),
    }, index=s.index).pipe(_relabel, labels)


def ticket_kpis(tickets: pd.DataFrame, horizon: float = math.nan) -> dict[str, float]:
    """Ticket KPIs of all the rows (see ``ticket_measures``)."""
    return _as_dict(ticket_measures(tickets, None, horizon))


# --------------------------------------------------------------------------- contacts


CONTACT_MEASURE_COLUMNS = ("channel", "outcome", "wait_seconds", "answered_at")
# every column contact_kpis and contact_measures read


def _live_counts(config: ScenarioConfig, contacts: pd.DataFrame, groups: np.ndarray, n: int,
                 threshold: float) -> dict[str, np.ndarray]:
    """Service-level numerator and base, waits and counts per group (one live channel)."""
    outcome = contacts["outcome"].to_numpy()
    wait = contacts["wait_seconds"].to_numpy(dtype=float)
    answered = contacts["answered_at"].notna().to_numpy()
    abandoned = outcome == "abandoned"
    offered = np.bincount(groups[outcome != "deflected"], minlength=n)[:n]
    met, base = service_level_counts(groups[answered], wait[answered], groups[abandoned],
                                     wait[abandoned], offered, threshold,
                                     config.service_level_basis, config.short_abandon_seconds)
    return {"met": met, "base": base, "offered": offered.astype(float),
            "answered": np.bincount(groups[answered], minlength=n)[:n].astype(float),
            "wait": np.bincount(groups[answered], weights=wait[answered], minlength=n)[:n],
            "abandoned": np.bincount(groups[abandoned], minlength=n)[:n].astype(float)}


def _live_kpis(sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"service_level": safe_divide(sums["met"], sums["base"]),
            "asa_seconds": safe_divide(sums["wait"], sums["answered"]),
            "abandonment_rate": safe_divide(sums["abandoned"], sums["offered"])}


def contact_kpis(config: ScenarioConfig, contacts: pd.DataFrame, live: bool,
                 threshold: float) -> dict[str, float]:
    """Contact KPIs of one group of contacts; queue KPIs only if ``live``."""
    result = {"contacts": len(contacts),
              "deflection_rate": _ratio((contacts["outcome"] == "deflected").sum(), len(contacts))}
    if live:
        sums = _live_counts(config, contacts, np.zeros(len(contacts), dtype=np.int64), 1, threshold)
        result.update({k: float(v[0]) for k, v in _live_kpis(sums).items()})
    return result


def contact_measures(config: ScenarioConfig, contacts: pd.DataFrame, key=None) -> pd.DataFrame:
    """Contact KPIs per group; queue KPIs over the group's live channels (NaN if none)."""
    codes, labels = pd.factorize(pd.Series(_groups(key, len(contacts))), sort=True)
    n = len(labels)
    deflected = np.bincount(codes[(contacts["outcome"] == "deflected").to_numpy()], minlength=n)[:n]
    total = np.bincount(codes, minlength=n)[:n]
    frame = pd.DataFrame({"contacts": total, "deflection_rate": safe_divide(deflected, total)},
                         index=labels)
    channel = contacts["channel"].to_numpy()
    sums: dict[str, np.ndarray] = {}
    for name in config.synchronous_channels:
        mask = channel == CHANNELS.index(name)
        part = _live_counts(config, contacts[mask], codes[mask], n,
                            config.channels[name].answer_within_seconds)
        sums = part if not sums else {k: sums[k] + part[k] for k in sums}
    if sums:
        for column, values in _live_kpis(sums).items():
            frame[column] = values
    return frame


# --------------------------------------------------------------------------- staffing


def _time_by_state(states: pd.DataFrame) -> tuple[float, float, float]:
    """Busy, available and paid (all states) seconds."""
    time = states.groupby("state")["duration_seconds"].sum()
    return float(time.get("busy", 0.0)), float(time.get("available", 0.0)), float(time.sum())


def staffing_measures(config: ScenarioConfig | None, states: pd.DataFrame, key=None) -> pd.DataFrame:
    """Occupancy, utilisation, shrinkage, paid hours and cost per group of spells.

    Cost needs ``config`` (hourly cost per tier) and a ``tier`` column; else NaN.
    """
    state = states["state"]
    seconds = states["duration_seconds"].to_numpy(dtype=float)
    if config is not None and "tier" in states:
        tier_codes, tier_names = pd.factorize(states["tier"])
        costs = {t: c.hourly_cost for t, c in config.tiers.items()}
        rate = np.append([costs.get(t, np.nan) for t in tier_names], np.nan)[tier_codes]
    else:
        rate = np.full(len(states), np.nan)
    codes, labels = _codes(key, len(states))
    m = pd.DataFrame({
        "g": codes, "paid": seconds,
        "busy": np.where((state == "busy").to_numpy(), seconds, 0.0),
        "available": np.where((state == "available").to_numpy(), seconds, 0.0),
        "in_shift": np.where(state.isin(IN_SHIFT_STATES).to_numpy(), seconds, 0.0),
        "out": np.where(state.isin(OUT_OF_SHIFT_STATES).to_numpy(), seconds, 0.0),
        "cost": seconds / 3600.0 * rate,
    })
    s = m.groupby("g", sort=True).sum(min_count=1)
    return pd.DataFrame({
        "occupancy": safe_divide(s["busy"], s["busy"] + s["available"]),
        "utilisation": safe_divide(s["busy"], s["paid"]),
        "shrinkage_in_shift": safe_divide(s["in_shift"], s["paid"]),
        "shrinkage_out_of_shift": safe_divide(s["out"], s["paid"]),
        "shrinkage": safe_divide(s["in_shift"] + s["out"], s["paid"]),
        "paid_hours": s["paid"] / 3600.0,
        "agent_cost": s["cost"],
    }, index=s.index).pipe(_relabel, labels)


def staffing_kpis(states: pd.DataFrame, config: ScenarioConfig | None = None) -> dict[str, float]:
    """Staffing KPIs of all the spells (see ``staffing_measures``)."""
    if states.empty:
        return {"occupancy": math.nan, "utilisation": math.nan}
    return _as_dict(staffing_measures(config, states))


def overtime_hours(states: pd.DataFrame, roster, horizon: float,
                   report_start: float = 0.0) -> pd.Series:
    """Hours each agent stayed logged in past its worked shifts' ends, by agent id.

    A shift's overtime runs from its scheduled end to the agent's log-out (the
    end of its run of logged-in spells; finishing the work in hand,
    ``routing.shift_end``). Shifts ending in the reporting period count.
    """
    rows = states[~states["state"].isin(OUT_OF_SHIFT_STATES)]  # absence is not logged in
    rows = rows.sort_values(["agent_id", "start"], kind="stable")
    agent, start, end = (rows[c].to_numpy() for c in ("agent_id", "start", "end"))
    logged_out = np.ones(agent.size, dtype=bool)  # the spell is followed by a gap
    logged_out[:-1] = (agent[1:] != agent[:-1]) | (start[1:] > end[:-1])
    logouts = pd.Series(end[logged_out]).groupby(agent[logged_out]).agg(np.sort)
    hours = {}
    for member in roster:
        ends = np.array([s.end for s in member.spells if s.state == AgentState.AVAILABLE
                         and report_start <= s.end <= horizon])
        times = np.append(logouts.get(member.id, np.empty(0)), horizon)
        hours[member.id] = float((times[np.searchsorted(times, ends)] - ends).sum()) / 3600.0
    return pd.Series(hours, dtype=float)


def channel_occupancy(intervals: pd.DataFrame, channel: str) -> float:
    """Busy / staffed time of the L1 agents skilled in the channel, over the period."""
    rows = intervals[intervals["channel"] == channel]
    staffed = rows["staffed_agents"].to_numpy()
    busy = np.nan_to_num(rows["occupancy"].to_numpy()) * staffed
    return _ratio(busy.sum(), staffed.sum())


def chat_kpis(config: ScenarioConfig, datasets: Datasets, roster) -> dict[str, float]:
    chat_agents = {a.id for a in roster if a.tier == "L1" and "chat" in a.skills}
    states = datasets.agent_states[datasets.agent_states["agent_id"].isin(chat_agents)]
    busy, available, _ = _time_by_state(states)
    events = datasets.events
    live = events[(events["channel"] == "chat") & (events["item"] == 1)]
    assign = live[live["event"] == "assign"].set_index("ticket_id")["time"]
    complete = live[live["event"] == "complete"].set_index("ticket_id")["time"]
    both = assign.index.intersection(complete.index)
    chat_seconds = float((complete.loc[both] - assign.loc[both]).sum())
    k = config.channels["chat"].concurrency
    return {"chat_occupancy": _ratio(busy, busy + available),
            "chat_slot_fill": _ratio(chat_seconds, k * (busy + available))}


def tickets_per_agent_day(work: pd.DataFrame, spells_by_day: pd.DataFrame, key_work=None,
                          key_spells=None) -> pd.Series:
    """Distinct (ticket, agent, day) completions / distinct (agent, day) logged in, per group."""
    handled = _distinct_counts(_groups(key_work, len(work)), work["ticket_id"], work["agent"],
                               work["date"])
    logged_in = spells_by_day["state"].isin(["available", "busy"]).to_numpy()
    on = spells_by_day[["agent", "date"]][logged_in]
    agent_days = _distinct_counts(_groups(key_spells, len(spells_by_day))[logged_in], on["agent"],
                                  on["date"])
    counts = handled.reindex(agent_days.index, fill_value=0)
    return pd.Series(safe_divide(counts, agent_days), index=agent_days.index)


def _distinct_counts(g, *columns) -> pd.Series:
    """Distinct rows of ``columns`` per group label ``g`` (labels sorted, as a group-by
    gives them). Labels and columns are factorised first, so duplicates are found on
    integers, not strings."""
    codes, labels = pd.factorize(np.asarray(g), sort=True)
    frame = pd.DataFrame({"g": codes} | {f"c{i}": pd.factorize(c)[0] for i, c in enumerate(columns)})
    kept = frame.drop_duplicates()["g"].to_numpy()
    counts = np.bincount(kept[kept >= 0], minlength=len(labels))
    index = pd.DataFrame({"g": labels}).groupby("g").size().index  # a group-by's own index
    return pd.Series(counts, index=index)[counts > 0]


def scorecard_measures(agent_daily: pd.DataFrame, qa_reviews: pd.DataFrame, key_cards=None,
                       key_reviews=None) -> pd.DataFrame:
    """Adherence (sum adhered / sum scheduled seconds) and mean QA score per group."""
    scheduled = agent_daily["scheduled_seconds"].to_numpy(dtype=float)
    adhered = np.nan_to_num(agent_daily["adherence"].to_numpy(dtype=float)) * scheduled
    cards = pd.DataFrame({"g": _groups(key_cards, len(agent_daily)), "scheduled": scheduled,
                          "adhered": adhered}).groupby("g").sum()
    reviews = pd.DataFrame({"g": _groups(key_reviews, len(qa_reviews)),
                            "score": qa_reviews["qa_score"].to_numpy(dtype=float)})
    frame = pd.DataFrame({"adherence": safe_divide(cards["adhered"], cards["scheduled"])},
                         index=cards.index)
    return frame.join(reviews.groupby("g")["score"].mean().rename("qa_score_mean"), how="outer")


def period_keys(datasets: Datasets, seconds: np.ndarray) -> dict[str, np.ndarray]:
    return period_labels(datasets.calendar, seconds)


# --------------------------------------------------------------------------- all KPIs


def compute_kpis(config: ScenarioConfig, datasets: Datasets, roster) -> dict:
    """All KPIs: per channel, overall, per tier, their status, and targets met."""
    contacts, tickets = datasets.contacts, datasets.tickets
    horizon = datasets.horizon_seconds
    channels = {}
    for index, name in enumerate(CHANNELS):
        if name not in config.channels:
            continue
        live = name in config.synchronous_channels
        threshold = config.channels[name].answer_within_seconds
        values = contact_kpis(config, contacts.loc[(contacts["channel"] == index).to_numpy(),
                                                   list(CONTACT_MEASURE_COLUMNS)], live, threshold)
        values.update(ticket_kpis(tickets.loc[(tickets["channel"] == name).to_numpy(),
                                              list(TICKET_MEASURE_COLUMNS)], horizon))
        if live:
            values["answer_within_seconds"] = threshold
        else:
            values["service_level"] = values["sla_first_response_compliance"]
        values["occupancy"] = channel_occupancy(datasets.intervals, name)
        channels[name] = values
        return_free_memory()  # the channel's row copies (memory.py), before the next
    overall = contact_kpis(config, contacts, False, 0.0) | ticket_kpis(tickets, horizon)
    return_free_memory()
    overall.update(staffing_kpis(datasets.agent_states, config))
    overall["cost_per_ticket"] = _ratio(overall.get("agent_cost", math.nan), overall["tickets"])
    overtime = overtime_hours(datasets.agent_states, roster, horizon)
    overall["overtime_hours"] = float(overtime.sum())
    work = datasets.work
    by_day = datasets.agent_states_by_day
    overall["tickets_per_agent_day"] = float(tickets_per_agent_day(work, by_day).iloc[0]) \
        if len(by_day) else math.nan
    if "chat" in config.channels:
        channels["chat"].update(chat_kpis(config, datasets, roster))
    return_free_memory()
    per_tier = tickets_per_agent_day(work, by_day, work["tier"].to_numpy(), by_day["tier"].to_numpy())
    cards, reviews = datasets.agent_daily, datasets.qa_reviews
    overall.update(_as_dict(scorecard_measures(cards, reviews)))
    per_tier_cards = scorecard_measures(cards, reviews, cards["tier"].to_numpy(), reviews["tier"].to_numpy())
    tiers = {}
    for tier in config.tiers:
        values = staffing_kpis(datasets.agent_states[datasets.agent_states["tier"] == tier], config)
        values["tickets_per_agent_day"] = float(per_tier.get(tier, math.nan))
        values["overtime_hours"] = float(overtime[[a.id for a in roster if a.tier == tier]].sum())
        for column in per_tier_cards.columns:
            values[column] = float(per_tier_cards[column].get(tier, math.nan))
        tiers[tier] = values
    statuses = {"overall": status_table(config, overall),
                "channels": {name: status_table(config, values, name)
                             for name, values in channels.items()}}
    return {"service_level_basis": config.service_level_basis, "channels": channels,
            "overall": overall, "tiers": tiers, "status": statuses,
            "definitions": {name: {"unit": d.unit, "formula": d.description}
                            for name, d in DEFINITIONS.items()},
            "targets": targets_met(config, channels, overall)}


def targets_met(config: ScenarioConfig, channels: dict, overall: dict) -> dict[str, dict]:
    """Each service target with its value and whether it holds.

    A target with nothing to measure (no contacts offered, no SLA decided) is met.
    """
    targets, checks = config.targets, {}
    for name, target in targets.service_level.items():
        if name in channels:
            value = channels[name].get("service_level", math.nan)
            checks[f"{name}_service_level"] = {"target": target, "value": value,
                                               "met": math.isnan(value) or value >= target}
            abandon = channels[name].get("abandonment_rate", math.nan)
            checks[f"{name}_abandonment"] = {
                "target": targets.max_abandonment, "value": abandon,
                "met": math.isnan(abandon) or abandon <= targets.max_abandonment}
    for key, target in (("sla_first_response_compliance", targets.first_response_compliance),
                        ("sla_resolution_compliance", targets.resolution_compliance)):
        value = overall[key]
        checks[key] = {"target": target, "value": value, "met": math.isnan(value) or value >= target}
    severe = overall["sla_severe_breaches"]
    checks["sla_severe_breaches"] = {"target": targets.max_severe_breaches, "value": severe,
                                     "met": severe <= targets.max_severe_breaches}
    return checks
