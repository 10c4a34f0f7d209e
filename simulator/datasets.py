"""Tables built from the engine's two outputs, in pandas, never by re-simulating.

- ``contacts``: every contact, including deflected ones and abandoned calls
  (contacts but not tickets, as in Zendesk).
- ``tickets``: one row per ticket created in the reporting period, with its
  timestamps, SLA clocks, outcomes and status at the horizon (tickets still
  open at the horizon are flagged, not dropped).
- ``events``: the audit trail with from/to status.
- ``agent_states``: one row per agent state spell (busy split from available).
- ``intervals``: per interval and channel (intervals.py).
- ``daily``: per day and channel, the same rolled up plus CSAT, FRT, TTR, FCR
  and breaches (scorecards.py).
- ``agent_daily``: a scorecard per agent and day (scorecards.py).
- ``qa_reviews``: a seeded sample of solved tickets scored on a QA rubric (qa.py).

Times are float seconds from the scenario start; exports convert them.
Warm-up days (negative times) are left out of every table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from simulator import sla
from simulator.calendar import Calendar
from simulator.config import CHANNELS, PRIORITIES, TIERS, ScenarioConfig
from simulator.demand import empty_attribute_columns
from simulator.engine import EngineResult
from simulator.intervals import build_intervals
from simulator.labels import text_column
from simulator.lifecycle import EVENT_STATUS
from simulator.memory import Handover, return_free_memory, without_tables
from simulator.periods import split_by_day
from simulator.qa import build_qa_reviews
from simulator.recorder import Event, Status
from simulator.scorecards import build_agent_daily, build_daily, work_items
from simulator.timeline import build_agent_states

STATUS_NAMES = {s.value: s.name.lower() for s in Status}
EVENT_NAMES = {e.value: e.name.lower() for e in Event}
EVENT_TO_STATUS = {int(e): int(s) for e, s in EVENT_STATUS.items()} | {int(Event.ASSIGN): int(Status.OPEN)}
STATUS_OF_EVENT = np.full(max(EVENT_NAMES) + 1, -1, dtype=np.int64)  # event code -> status or -1
STATUS_OF_EVENT[list(EVENT_TO_STATUS)] = list(EVENT_TO_STATUS.values())


TABLE_NAMES = ("contacts", "tickets", "events", "agent_states", "intervals", "daily",
               "agent_daily", "qa_reviews")  # the tables written out, in order


@dataclass(frozen=True)
class Datasets:
    contacts: pd.DataFrame
    tickets: pd.DataFrame
    events: pd.DataFrame
    agent_states: pd.DataFrame
    intervals: pd.DataFrame
    horizon_seconds: float
    daily: pd.DataFrame
    agent_daily: pd.DataFrame
    qa_reviews: pd.DataFrame
    calendar: Calendar
    work: pd.DataFrame  # completed work items (scorecards.work_items); not written out

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_NAMES}

    @cached_property
    def agent_states_by_day(self) -> pd.DataFrame:
        """``agent_states`` cut at local midnights, with a ``date`` column."""
        return split_by_day(self.agent_states, self.calendar)


def build_datasets(config: ScenarioConfig, result: EngineResult | Handover[EngineResult]) -> Datasets:
    """Every table, from the engine's log and attribute table.

    Freed memory is handed back before each step (memory.py: a supplement; no value
    changes), so a step's temporaries do not pile up on the last one's. Given a
    ``Handover``, the attribute table is dropped once the contacts are built and the log
    after the last step reading it (a caller keeps ``memory.without_tables`` of it)."""
    handed = isinstance(result, Handover)
    result = result.take() if isinstance(result, Handover) else result
    return_free_memory()  # the simulation's working state is gone by now
    events = event_frame(result.events)
    attributes = result.attributes
    if attributes.num_rows == 0:  # no contact at all: the drawn columns, typed, with no rows
        attributes = attributes.to_pandas().assign(**{
            name: pd.Series(values) for name, values in empty_attribute_columns(config).items()
            if name not in attributes.column_names})
    calendar, horizon, roster = result.calendar, result.calendar.sim_end, result.roster
    contacts = _freeing(build_contacts, config, events, attributes)
    del attributes  # read by the contacts only: if handed over, dropped now
    result = without_tables(result, ("attributes",)) if handed else result
    # The whole log stands in for the tickets' own events (every per-ticket value is
    # reindexed to the tickets); a filtered copy of it cost a second log in memory.
    tickets = _freeing(build_tickets, config, result, events, contacts)
    audit = _freeing(build_event_table, events, result, tickets["ticket_id"].to_numpy())
    states = _freeing(build_agent_states, events, roster, horizon)
    intervals = _freeing(build_intervals, config, result, events, contacts, states)
    qa_reviews = _freeing(build_qa_reviews, config, result, events, tickets, intervals)
    daily = _freeing(build_daily, config, calendar, contacts, tickets, intervals, horizon)
    by_day = _freeing(split_by_day, states, calendar)
    work = _freeing(work_items, events, roster, calendar)
    del events, result  # nothing below reads the engine's tables
    if handed:  # and nothing else holds them
        return_free_memory()
    agent_daily = _freeing(build_agent_daily, config, calendar, roster, by_day, work, tickets,
                           qa_reviews, horizon)
    datasets = Datasets(contacts, tickets, audit, states, intervals, horizon, daily=daily,
                        agent_daily=agent_daily, qa_reviews=qa_reviews, calendar=calendar,
                        work=work)
    datasets.__dict__["agent_states_by_day"] = by_day
    return datasets


def _freeing(build, *args):
    """``build(*args)``, then hand its freed temporaries back (memory.py)."""
    table = build(*args)
    return_free_memory()
    return table


def event_frame(log: pa.Table) -> pd.DataFrame:
    """The event log as a frame (:func:`without_locators`) sharing the log's buffers:
    only ``item`` and ``agent`` are copied; ``to_pandas`` would copy every column."""
    columns = {name: log.column(name).to_numpy() for name in log.column_names}
    return without_locators(pd.DataFrame(columns, copy=False))


def without_locators(events: pd.DataFrame) -> pd.DataFrame:
    """Arrive rows carry the attribute block's day and position in ``item`` and
    ``agent``; the tables need neither (they are in the attribute table)."""
    arrive = (events["event"] == int(Event.ARRIVE)).to_numpy()
    item, agent = events["item"].to_numpy().copy(), events["agent"].to_numpy().copy()
    item[arrive], agent[arrive] = -1, -1
    return events.assign(item=item, agent=agent)


# --------------------------------------------------------------------------- contacts


OUTCOMES = ("deflected", "abandoned", "waiting_at_horizon", "ticket")


def _first_of(events: pd.DataFrame, rows: np.ndarray, ids: np.ndarray,
              columns: tuple[str, ...]) -> list[np.ndarray]:
    """Each contact's (``ids``, ascending) values in its first row of ``rows`` (events in
    time order); NaN where it has none."""
    ticket = events["ticket"].to_numpy()[rows]
    unique, first = np.unique(ticket, return_index=True)
    at = np.searchsorted(ids, unique)
    found = at < ids.size
    found[found] = ids[at[found]] == unique[found]
    out = []
    for column in columns:
        values = np.full(ids.size, np.nan)
        values[at[found]] = events[column].to_numpy()[rows[first[found]]]
        out.append(values)
    return out


def _reporting_rows(attributes: pa.Table) -> pd.DataFrame:
    """The attribute rows of contacts arriving from the start on, one numpy copy per
    column (filtering in Arrow, then converting, held two copies at once)."""
    if any(column.null_count for column in attributes.columns):
        return attributes.filter(pc.greater_equal(attributes["arrival_time"], 0.0)).to_pandas()
    keep = attributes.column("arrival_time").to_numpy() >= 0.0
    return pd.DataFrame({name: attributes.column(name).to_numpy(zero_copy_only=False)[keep]
                         for name in attributes.column_names}, copy=False)


def build_contacts(config: ScenarioConfig, events: pd.DataFrame,
                   attributes: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Every contact that arrived in the reporting period, and how it ended."""
    if isinstance(attributes, pa.Table):
        frame = _reporting_rows(attributes)
    else:
        frame = attributes[attributes["arrival_time"] >= 0.0].reset_index(drop=True)
    ids = frame["contact_id"].to_numpy()
    if ids.size > 1 and not bool(np.all(ids[1:] > ids[:-1])):
        order = np.argsort(ids, kind="stable")
        frame, ids = frame.iloc[order].reset_index(drop=True), ids[order]
    event = events["event"].to_numpy()
    first_item = events["item"].to_numpy() == 1
    answered_at, answer_wait = _first_of(events, np.flatnonzero(first_item & (event == int(Event.ASSIGN))),
                                         ids, ("time", "value"))
    abandoned_at, abandon_wait = _first_of(events, np.flatnonzero(first_item & (event == int(Event.ABANDON))),
                                           ids, ("time", "value"))
    deflected_rows = np.flatnonzero(event == int(Event.DEFLECT))
    frame["answered_at"] = answered_at
    frame["abandoned_at"] = abandoned_at
    frame["wait_seconds"] = np.where(np.isnan(answer_wait), abandon_wait, answer_wait)
    live = frame["channel"].isin([CHANNELS.index(c) for c in config.synchronous_channels]).to_numpy()
    is_deflected = np.isin(ids, events["ticket"].to_numpy()[deflected_rows])
    is_abandoned = ~np.isnan(abandoned_at)
    waiting = live & np.isnan(answered_at) & ~is_abandoned
    outcome = np.select([is_deflected, is_abandoned, waiting], [0, 1, 2], 3)
    frame["outcome"] = text_column(OUTCOMES, outcome)
    frame["is_ticket"] = outcome == 3
    frame["live"] = live
    return frame


# --------------------------------------------------------------------------- tickets


def _per_ticket(events: pd.DataFrame, event: Event, how: str, column: str = "time") -> pd.Series:
    rows = events.loc[events["event"] == int(event), ["ticket", column]]
    grouped = rows.groupby("ticket", sort=False)[column]
    return getattr(grouped, how)()


def _handle_seconds(events: pd.DataFrame) -> pd.Series:
    """Work on each ticket: its completed items, plus work handed over at a shift end."""
    handle = _per_ticket(events, Event.COMPLETE, "sum", "value")
    handed = _per_ticket(events, Event.HANDOVER, "sum", "value")
    return handle.add(handed, fill_value=0.0) if len(handed) else handle


def _span_seconds(events: pd.DataFrame, opening: Event, closing: Event, horizon: float,
                  calendar, business: pd.Series | None = None, open_ended: bool = True) -> pd.Series:
    """Total time per ticket between each ``opening`` event and the next ``closing``
    (or the horizon; with ``open_ended`` False a span not yet closed counts nothing)."""
    rows = events[events["event"].isin([int(opening), int(closing)])][["ticket", "time", "event"]]
    starts = rows[rows["event"] == int(opening)].reset_index(drop=True)
    ends = rows[rows["event"] == int(closing)].reset_index(drop=True)
    if starts.empty:
        return pd.Series(dtype=float)
    starts["n"] = starts.groupby("ticket").cumcount()
    ends["n"] = ends.groupby("ticket").cumcount()
    spans = starts.merge(ends, on=["ticket", "n"], how="left" if open_ended else "inner",
                         suffixes=("", "_end"))
    end = spans["time_end"].fillna(horizon).to_numpy()
    seconds = end - spans["time"].to_numpy()
    if business is not None:
        in_business = business.reindex(spans["ticket"]).fillna(False).to_numpy(dtype=bool)
        business_seconds = calendar.business_seconds_between(spans["time"].to_numpy(), end)
        seconds = np.where(in_business, business_seconds, seconds)
    return pd.Series(seconds, index=spans["ticket"].to_numpy()).groupby(level=0).sum()


_TICKET_BASE = ("contact_id", "arrival_time", "channel", "category", "priority", "customer_tier",
                "customer", "source", "generation", "parent_id", "live", "answered_at",
                "wait_seconds", "csat_noise", "csat_surveyed", "csat_responded", "truly_resolved")
# the contact columns a ticket row starts from (copied for tickets only, not all 40)


def build_tickets(config: ScenarioConfig, result: EngineResult, events: pd.DataFrame,
                  contacts: pd.DataFrame) -> pd.DataFrame:
    calendar, horizon = result.calendar, result.calendar.sim_end
    base = contacts.loc[contacts["is_ticket"].to_numpy(), list(_TICKET_BASE)].set_index("contact_id")
    index = base.index
    frame = pd.DataFrame(index=index)
    frame["created"] = base["arrival_time"]
    for name in ("channel", "category", "priority", "customer_tier", "customer", "source",
                 "generation", "parent_id"):
        frame[name] = base[name]
    frame["live"] = base["live"]
    reply = _per_ticket(events, Event.REPLY, "min").reindex(index)
    frame["first_response_at"] = np.where(base["live"], base["answered_at"], reply)
    frame["first_solved_at"] = _per_ticket(events, Event.SOLVE, "min").reindex(index)
    frame["solved_at"] = _per_ticket(events, Event.SOLVE, "max").reindex(index)
    frame["closed_at"] = _per_ticket(events, Event.CLOSE, "max").reindex(index)
    frame["handle_seconds"] = _handle_seconds(events).reindex(index).fillna(0.0)
    frame["touches"] = _per_ticket(events, Event.ASSIGN, "count").reindex(index).fillna(0).astype(int)
    frame["replies"] = (_per_ticket(events, Event.REPLY, "count").reindex(index).fillna(0)
                        + (base["live"] & base["answered_at"].notna())).astype(int)
    frame["escalations"] = _per_ticket(events, Event.ESCALATE, "count").reindex(index).fillna(0).astype(int)
    frame["highest_tier"] = _per_ticket(events, Event.ESCALATE, "max", "tier").reindex(index).fillna(0).astype(int)
    frame["reopens"] = _per_ticket(events, Event.REOPEN, "count").reindex(index).fillna(0).astype(int)
    frame["reopens_within_24h"] = _reopens_within(events, 86400.0).reindex(index).fillna(0).astype(int)
    frame["customer_messages"] = (_per_ticket(events, Event.CUSTOMER_REPLY, "count").reindex(index).fillna(0)
                                  + frame["reopens"]).astype(int)
    last_assign = events[events["event"] == int(Event.ASSIGN)].drop_duplicates("ticket", keep="last")
    frame["assignee"] = last_assign.set_index("ticket")["agent"].reindex(index).fillna(-1).astype(int)
    frame["status"] = _status_at_horizon(events).reindex(index).fillna(int(Status.NEW)).astype(int)
    _add_sla(config, calendar, events, frame, horizon)
    _add_outcomes(config, contacts, frame, base)
    return _label(frame.reset_index(names="ticket_id"), config, result)


def _reopens_within(events: pd.DataFrame, seconds: float) -> pd.Series:
    """Reopens per ticket that came within ``seconds`` of the solve they undid."""
    rows = events[events["event"].isin([int(Event.SOLVE), int(Event.REOPEN)])][["ticket", "time", "event"]]
    previous = rows.groupby("ticket", sort=False)["time"].shift()
    quick = (rows["event"] == int(Event.REOPEN)) & (rows["time"] - previous <= seconds)
    return quick.groupby(rows["ticket"], sort=False).sum()


def _status_at_horizon(events: pd.DataFrame) -> pd.Series:
    """Each ticket's status after its last status-changing event (events in time order)."""
    status = STATUS_OF_EVENT[events["event"].to_numpy().astype(np.int64)]
    changed = status >= 0
    ticket = events["ticket"].to_numpy()[changed][::-1]
    unique, last = np.unique(ticket, return_index=True)
    return pd.Series(status[changed][::-1][last], index=unique)


def _add_sla(config, calendar, events, frame: pd.DataFrame, horizon: float) -> None:
    targets = sla.policy_targets(config, frame["customer_tier"].to_numpy(), frame["priority"].to_numpy())
    business = targets.business_hours
    created = frame["created"].to_numpy()
    responded = frame["first_response_at"].to_numpy(dtype=float)
    frame["frt_calendar_minutes"] = (responded - created) / 60.0
    frame["frt_business_minutes"] = calendar.business_seconds_between(created, responded) / 60.0
    solved = frame["solved_at"].to_numpy(dtype=float)
    frame["resolution_calendar_minutes"] = (solved - created) / 60.0
    frame["resolution_business_minutes"] = calendar.business_seconds_between(created, solved) / 60.0
    frame["first_resolution_calendar_minutes"] = (frame["first_solved_at"].to_numpy() - created) / 60.0
    pending = _span_seconds(events, Event.PENDING, Event.CUSTOMER_REPLY, horizon, calendar)
    frame["pending_seconds"] = pending.reindex(frame.index).fillna(0.0).to_numpy()
    hold = _span_seconds(events, Event.HOLD, Event.RELEASE, horizon, calendar)
    frame["on_hold_seconds"] = hold.reindex(frame.index).fillna(0.0).to_numpy()
    clock_end_frt = np.where(np.isnan(responded), horizon, responded)
    frt_elapsed = sla.elapsed(calendar, created, clock_end_frt, business)
    resolution_elapsed = requester_wait_seconds(calendar, events, frame.index, created, business,
                                                horizon)
    frame["sla_first_response_target_minutes"] = targets.first_response / 60.0
    frame["sla_resolution_target_minutes"] = targets.resolution / 60.0
    frame["sla_next_reply_target_minutes"] = targets.next_reply / 60.0
    frame["sla_business_hours"] = business
    frame["sla_first_response_elapsed_minutes"] = frt_elapsed / 60.0
    frame["sla_resolution_elapsed_minutes"] = resolution_elapsed / 60.0
    # agent work time: the resolution clock without on-hold time (holds end before a solve)
    hold_policy = _span_seconds(events, Event.HOLD, Event.RELEASE, horizon, calendar,
                                pd.Series(business, index=frame.index))
    work_elapsed = resolution_elapsed - hold_policy.reindex(frame.index).fillna(0.0).to_numpy()
    frame["sla_agent_work_target_minutes"] = targets.agent_work / 60.0
    frame["sla_agent_work_elapsed_minutes"] = work_elapsed / 60.0
    frame["sla_agent_work_breached"] = sla.band(work_elapsed, targets.agent_work) >= 1.0
    frt_band = sla.band(frt_elapsed, targets.first_response)
    resolution_band = sla.band(resolution_elapsed, targets.resolution)
    frame["sla_first_response_band"] = frt_band
    frame["sla_resolution_band"] = resolution_band
    frame["sla_band"] = np.maximum(frt_band, resolution_band)
    frame["sla_first_response_breached"] = frt_band >= 1.0
    frame["sla_resolution_breached"] = resolution_band >= 1.0
    frame["sla_next_reply_breached"] = _next_reply_breached(calendar, events, frame, targets, horizon)
    frame["sla_severe_breach"] = frame["sla_band"] >= 2.0


def requester_wait_seconds(calendar, events: pd.DataFrame, tickets: pd.Index, created: np.ndarray,
                           business: np.ndarray, horizon: float) -> np.ndarray:
    """The resolution SLA clock: Zendesk's requester wait time, time new, open or on
    hold from creation to the last solve, in business or calendar time by the policy.

    The clock pauses while pending (pending until the customer replies) and while
    solved before a reopen (solve until reopen): a reopened ticket's clock resumes
    at the reopen rather than counting the time it sat solved. A ticket not solved,
    or reopened and not solved again, runs to the horizon.
    """
    in_business = pd.Series(business, index=tickets)
    last_solve = _per_ticket(events, Event.SOLVE, "max").reindex(tickets).to_numpy(dtype=float)
    last_reopen = _per_ticket(events, Event.REOPEN, "max").reindex(tickets).to_numpy(dtype=float)
    settled = ~np.isnan(last_solve) & ~(last_reopen > last_solve)
    clock_end = np.where(settled, last_solve, horizon)
    pending = _span_seconds(events, Event.PENDING, Event.CUSTOMER_REPLY, horizon, calendar,
                            in_business)
    solved_before_reopen = _span_seconds(events, Event.SOLVE, Event.REOPEN, horizon, calendar,
                                         in_business, open_ended=False)
    paused = (pending.reindex(tickets).fillna(0.0).to_numpy()
              + solved_before_reopen.reindex(tickets).fillna(0.0).to_numpy())
    return sla.elapsed(calendar, created, clock_end, business) - paused


def _next_reply_breached(calendar, events, frame, targets, horizon) -> np.ndarray:
    """Any customer message (reply or reopen) left longer than the next-reply target."""
    asks = events[events["event"].isin([int(Event.CUSTOMER_REPLY), int(Event.REOPEN)])][["ticket", "time"]]
    replies = events[events["event"] == int(Event.REPLY)][["ticket", "time"]]
    if asks.empty:
        return np.zeros(len(frame), dtype=bool)
    asks = asks.sort_values("time")
    answered = pd.merge_asof(asks, replies.sort_values("time").rename(columns={"time": "reply"}),
                             left_on="time", right_on="reply", by="ticket", direction="forward")
    position = frame.index.get_indexer(answered["ticket"])
    keep = position >= 0
    answered, position = answered[keep], position[keep]
    end = answered["reply"].fillna(horizon).to_numpy()
    waited = sla.elapsed(calendar, answered["time"].to_numpy(), end, targets.business_hours[position])
    late = waited > targets.next_reply[position]  # NaN target: never late
    breached = np.zeros(len(frame), dtype=bool)
    np.logical_or.at(breached, position, late)
    return breached


def _add_outcomes(config: ScenarioConfig, contacts: pd.DataFrame, frame: pd.DataFrame,
                  base: pd.DataFrame) -> None:
    """CSAT (surveyed, responded tickets) and first-contact resolution."""
    csat = config.csat
    wait_minutes = np.nan_to_num(base["wait_seconds"].to_numpy(), nan=0.0) / 60.0
    reply_hours = np.nan_to_num(frame["frt_calendar_minutes"].to_numpy(), nan=0.0) / 60.0
    waiting_penalty = np.where(
        frame["live"], csat.per_wait_minute * wait_minutes,
        np.minimum(csat.per_first_reply_hour * reply_hours, csat.max_first_reply_penalty))
    offsets = np.array([csat.channel_offset.get(c, 0.0) for c in CHANNELS])[frame["channel"]]
    resolution_hours = frame["resolution_calendar_minutes"].to_numpy() / 60.0
    score = (csat.base_score + offsets - waiting_penalty
             - csat.past_24h_resolution * (resolution_hours > 24.0)
             - csat.per_escalation * frame["escalations"] - csat.per_reopen * frame["reopens"]
             + csat.noise_sd * base["csat_noise"])
    solved = frame["solved_at"].notna()
    rated = solved & base["csat_surveyed"] & base["csat_responded"]
    frame["csat_surveyed"] = (solved & base["csat_surveyed"]).to_numpy()
    frame["csat_score"] = np.where(rated, np.clip(np.rint(score), 1, 5), np.nan)
    repeat_of = contacts.loc[contacts["generation"] > 0, ["parent_id", "arrival_time"]]
    window = config.lifecycle.fcr_window_days * 86400.0
    came_back = repeat_of.merge(frame[["solved_at"]], left_on="parent_id", right_index=True)
    came_back = came_back[came_back["arrival_time"] - came_back["solved_at"] <= window]
    repeat = frame.index.isin(came_back["parent_id"])
    frame["repeat_contact"] = repeat
    frame["fcr"] = (solved & (frame["touches"] == 1) & (frame["escalations"] == 0)
                    & (frame["reopens"] == 0) & ~repeat).to_numpy()
    frame["truly_resolved"] = base["truly_resolved"].to_numpy()


def _label(frame: pd.DataFrame, config: ScenarioConfig, result: EngineResult) -> pd.DataFrame:
    names = [a.name for a in result.roster]
    groups = [a.group for a in result.roster]
    assignee = frame["assignee"].to_numpy()
    status = frame["status"].to_numpy()
    status_names = [STATUS_NAMES[code] for code in range(max(STATUS_NAMES) + 1)] + [STATUS_NAMES[-1]]
    frame["channel"] = text_column(CHANNELS, frame["channel"].to_numpy())
    frame["category"] = text_column(list(config.categories), frame["category"].to_numpy())
    frame["priority"] = text_column(PRIORITIES, frame["priority"].to_numpy())
    frame["customer_tier"] = text_column(list(config.customers.tiers),
                                         frame["customer_tier"].to_numpy())
    frame["highest_tier"] = text_column(TIERS, frame["highest_tier"].to_numpy())
    frame["status"] = text_column(status_names, status)
    frame["assignee"] = text_column(names + [""], np.where(assignee >= 0, assignee, len(names)))
    frame["group"] = text_column(groups + [""], np.where(assignee >= 0, assignee, len(groups)))
    frame["open_at_horizon"] = ~np.isin(status, [int(Status.SOLVED), int(Status.CLOSED)])
    frame["source"] = text_column(["base", "surge"], frame["source"].to_numpy())
    return frame


def _categorical(codes: np.ndarray, names: dict[int, str]) -> pd.Categorical:
    """Integer codes as a categorical of names (-1 or unknown becomes missing).

    The lookup keeps the codes narrow (int16): a million-row audit trail makes
    several of these, and int64 temporaries were most of its peak memory."""
    keys = sorted(k for k in names if k >= 0)
    lookup = np.full(max(keys) + 2, -1, dtype=np.int16 if len(keys) < 2**15 else np.int64)
    lookup[keys] = np.arange(len(keys))
    index = np.where((codes >= 0) & (codes <= max(keys)), codes, max(keys) + 1)
    return pd.Categorical.from_codes(lookup[index], [names[k] for k in keys])


def build_event_table(events: pd.DataFrame, result: EngineResult,
                      tickets: np.ndarray | None = None) -> pd.DataFrame:
    """The audit trail, ticket by ticket in time order, with from/to status: the rows
    of ``tickets`` (ids; None: every row) from the start of the reporting period."""
    ticket = events["ticket"].to_numpy()
    keep = events["time"].to_numpy() >= 0.0
    if tickets is not None:
        keep &= np.isin(ticket, tickets)
    rows = np.flatnonzero(keep)
    del keep
    order = rows[np.argsort(ticket[rows], kind="stable")]
    del rows
    ticket = ticket[order]
    event = events["event"].to_numpy()[order]
    status = STATUS_OF_EVENT[event].astype(np.int8)
    changed = status >= 0
    current, previous = _status_spells(ticket, status, changed)
    names = {a.id: a.name for a in result.roster}
    agent = events["agent"].to_numpy()[order]
    frame = {"ticket_id": ticket, "time": events["time"].to_numpy()[order],
             "event": _categorical(event, EVENT_NAMES)}
    del event
    frame["from_status"] = _categorical(np.where(changed, previous, -1), STATUS_NAMES)
    frame["to_status"] = _categorical(np.where(changed, current, -1), STATUS_NAMES)
    del current, previous, status, changed
    frame["agent"] = _categorical(agent, names) if names else pd.Categorical([None] * len(agent))
    frame["tier"] = _categorical(events["tier"].to_numpy()[order], dict(enumerate(TIERS)))
    frame["channel"] = _categorical(events["channel"].to_numpy()[order], dict(enumerate(CHANNELS)))
    frame["item"] = events["item"].to_numpy()[order]
    return pd.DataFrame(frame, copy=False)


def _status_spells(ticket: np.ndarray, status: np.ndarray,
                   changed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's status after it and before it, forward-filled within each ticket
    (rows by ticket, in time order; every ticket's first row, arrive, sets a status)."""
    last = np.where(changed, np.arange(status.size, dtype=np.int64), 0)
    np.maximum.accumulate(last, out=last)
    current = status[last]
    del last
    previous = np.empty_like(current)
    previous[1:] = current[:-1]
    previous[:1] = -1
    previous[1:][ticket[1:] != ticket[:-1]] = -1
    return current, previous
