"""Export shapes: the same run as native tables, as Zendesk objects, or as a flat log.

- ``native``: every table of ``Datasets.tables()`` with timezone-aware local
  timestamps, the tickets table enriched (enrich.py).
- ``zendesk``: tickets, ticket_metrics, satisfaction_ratings,
  ticket_metric_events, groups, users and organizations with the field names,
  value sets and types of the Zendesk Support API. Nested objects are dotted
  column names (``via.channel``, ``reply_time_in_minutes.calendar``): JSON
  Lines nests them, the other formats flatten the dot to ``_``. Timestamps are
  UTC to the second; durations are whole minutes, as Zendesk reports them.
- ``simple``: the flat log many courses start from, one row per ticket
  solved by the horizon.
- ``zendesk_warehouse``: the tables a Fivetran Zendesk connector lands
  (warehouse.py), naive UTC timestamps, DuckDB tables under schema ``zendesk``.

Mappings (also in the data dictionary): priority P1 urgent, P2 high, P3
normal, P4/P5 low; status new/open/pending/hold/solved/closed unchanged;
channel phone -> ``voice``, social -> ``twitter``, others unchanged; CSAT 4-5
``good``, 1-2 ``bad``, 3 ``bad`` unless ``csat_three="good"``, surveyed but
unanswered ``offered``, not surveyed ``unoffered``. Ids: Zendesk ids start at
1, so ticket id = native ticket_id + 1; agents are users 1000 + agent id,
customers users 1,000,000 + customer id, organizations 500,000 + company id,
groups 100 + group index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calendar import Calendar
from simulator.config import ScenarioConfig
from simulator.datasets import Datasets
from simulator.engine import EngineResult
from simulator.enrich import Directory, build_directory, enrich_tickets, satisfaction_comments
from simulator.export import with_timestamps
from simulator.labels import as_text
from simulator.zendesk_zones import zendesk_zone_name

SHAPES = ("native", "zendesk", "simple", "zendesk_warehouse")
ZENDESK_TABLES = ("tickets", "ticket_metrics", "satisfaction_ratings", "ticket_metric_events",
                  "groups", "users", "organizations")
SIMPLE_TABLES = ("tickets",)
SHAPE_INPUTS = {"native": None, "simple": ("tickets",), "zendesk": ("tickets", "events"),
                "zendesk_warehouse": ("tickets", "events")}  # dataset tables read (None: all)
PRIORITY_MAP = {"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low", "P5": "low"}
STATUS_MAP = {s: s for s in ("new", "open", "pending", "hold", "solved", "closed")}
CHANNEL_MAP = {"phone": "voice", "chat": "chat", "email": "email", "web": "web", "social": "twitter"}
SIMPLE_STATUS = ("Resolved", "Escalated", "Reopened")
TICKET_ID_OFFSET, AGENT_ID_OFFSET, CUSTOMER_ID_OFFSET = 1, 1000, 1_000_000
ORGANIZATION_ID_OFFSET, GROUP_ID_OFFSET = 500_000, 100
URL = "https://example.zendesk.com/api/v2"


class ShapeError(ValueError):
    """An unknown shape or table name; the message names the option."""


@dataclass(frozen=True)
class ShapeOptions:
    csat_three: str = "bad"  # Zendesk score of a 3 out of 5: "bad" (default) or "good"


def native_table_names() -> tuple[str, ...]:
    """The native tables, known before simulating."""
    from simulator.datasets import TABLE_NAMES

    return TABLE_NAMES


def table_names(shape: str) -> tuple[str, ...]:
    if shape == "native":
        return native_table_names()
    if shape == "zendesk":
        return ZENDESK_TABLES
    if shape == "simple":
        return SIMPLE_TABLES
    if shape == "zendesk_warehouse":
        from simulator.warehouse import WAREHOUSE_TABLES

        return WAREHOUSE_TABLES
    raise ShapeError(f"--shape: must be one of {', '.join(SHAPES)}, got '{shape}'")


def build_shape(shape: str, config: ScenarioConfig, datasets: Datasets, result: EngineResult,
                seed: int, options: ShapeOptions = ShapeOptions(),
                directory: Directory | None = None) -> dict[str, pd.DataFrame]:
    """The tables of one shape, timestamps timezone-aware (local, or UTC for zendesk)."""
    table_names(shape)
    directory = directory or build_directory(config, result.roster, seed)
    tickets = enrich_tickets(datasets.tickets, directory, seed)
    if shape == "native":
        tables = dict(datasets.tables())
        tables["tickets"] = tickets
        return {name: with_timestamps(frame, result.calendar) for name, frame in tables.items()}
    if shape == "simple":
        return {"tickets": simple_tickets(tickets, result.calendar)}
    if shape == "zendesk_warehouse":
        from simulator.warehouse import warehouse_tables

        return warehouse_tables(config, datasets, tickets, result, directory, seed, options)
    return zendesk_tables(config, datasets, tickets, result, directory, seed, options)


# --------------------------------------------------------------------------- simple


def _title(values: pd.Series) -> np.ndarray:
    names = pd.Series(values.astype(str).unique())
    titles = names.str.replace("_", " ").str.capitalize()
    return values.astype(str).map(dict(zip(names, titles, strict=True))).to_numpy(dtype=object)


def simple_tickets(tickets: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """Finished tickets: Reopened if ever reopened, else Escalated if ever escalated,
    else Resolved. Date opened is the local time of the scenario, without offset."""
    done = tickets[tickets["status"].isin(["solved", "closed"])]
    status = np.select([done["reopens"].to_numpy() > 0, done["escalations"].to_numpy() > 0],
                       ["Reopened", "Escalated"], "Resolved")
    opened = calendar.to_datetimes(np.round(done["created"].to_numpy(dtype=float), 0))
    return pd.DataFrame({
        "Ticket ID": done["ticket_id"].to_numpy() + TICKET_ID_OFFSET,
        "Date opened": opened.tz_localize(None),
        "Channel": _title(done["channel"]),
        "Issue type": _title(done["category"]),
        "Time to resolution (minutes)": np.round(done["resolution_calendar_minutes"].to_numpy(), 1),
        "Status": status,
    })


# --------------------------------------------------------------------------- zendesk


def _utc(calendar: Calendar, seconds) -> pd.DatetimeIndex:
    """Sim seconds as UTC timestamps to the second (Zendesk's precision)."""
    values = np.floor(np.asarray(seconds, dtype=float))
    return calendar.to_datetimes(values).tz_convert("UTC")


def _minutes(values) -> pd.arrays.IntegerArray:
    """Whole minutes (rounded half to even), missing stays missing."""
    values = np.asarray(values, dtype=float)
    return pd.array(np.where(np.isnan(values), np.nan, np.rint(values)), dtype="Int64")


def _ids(values: np.ndarray, offset: int) -> pd.arrays.IntegerArray:
    """Non-negative codes plus ``offset``; -1 (none) becomes missing."""
    values = np.asarray(values, dtype=np.int64)
    return pd.Series(values + offset, dtype="Int64").mask(values < 0).array


def _status_spans(events: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """One row per status spell of each ticket (ticket_id, status, start, end)."""
    changes = events[events["to_status"].notna()][["ticket_id", "time", "to_status"]]
    ticket = changes["ticket_id"].to_numpy()
    start = changes["time"].to_numpy(dtype=float)
    same_next = np.append(ticket[1:] == ticket[:-1], False)[:ticket.size]  # no rows: none
    end = np.where(same_next, np.append(start[1:], horizon)[:ticket.size], horizon)
    return pd.DataFrame({"ticket_id": ticket, "status": as_text(changes["to_status"]),
                         "start": start, "end": end})


def _span_totals(spans: pd.DataFrame, statuses: tuple[str, ...], index: pd.Index,
                 calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Calendar and business minutes per ticket spent in ``statuses``."""
    rows = spans[spans["status"].isin(statuses)]
    business = calendar.business_seconds_between(rows["start"].to_numpy(), rows["end"].to_numpy())
    frame = pd.DataFrame({"ticket_id": rows["ticket_id"].to_numpy(),
                          "calendar": rows["end"].to_numpy() - rows["start"].to_numpy(),
                          "business": business})
    sums = frame.groupby("ticket_id").sum().reindex(index).fillna(0.0)
    return sums["calendar"].to_numpy() / 60.0, sums["business"].to_numpy() / 60.0


def csat_labels(scores: np.ndarray, surveyed: np.ndarray, csat_three: str = "bad") -> np.ndarray:
    """Zendesk satisfaction scores from 1-5 scores: good/bad/offered/unoffered."""
    if csat_three not in ("good", "bad"):
        raise ShapeError(f"--csat-three: must be good or bad, got '{csat_three}'")
    threshold = 3.0 if csat_three == "good" else 4.0
    scores = np.asarray(scores, dtype=float)
    rated = ~np.isnan(scores)
    return np.select([rated & (scores >= threshold), rated, surveyed],
                     ["good", "bad", "offered"], "unoffered").astype(object)


def zendesk_tables(config: ScenarioConfig, datasets: Datasets, tickets: pd.DataFrame,
                   result: EngineResult, directory: Directory, seed: int,
                   options: ShapeOptions) -> dict[str, pd.DataFrame]:
    calendar, horizon = result.calendar, datasets.horizon_seconds
    native = tickets.set_index("ticket_id", drop=False)
    index = native.index
    ids = index.to_numpy() + TICKET_ID_OFFSET
    events = datasets.events
    last_event = events.groupby("ticket_id")["time"].max().reindex(index).to_numpy()
    created = native["created"].to_numpy(dtype=float)
    updated = np.fmax(last_event, created)
    agents = directory.agents
    groups = sorted(agents["group"].unique())
    group_code = {g: i for i, g in enumerate(groups)}
    agent_code = dict(zip(agents["assignee"], agents["agent_id"], strict=True))
    assignee = native["assignee"].astype(str).map(agent_code).fillna(-1).astype(int).to_numpy()
    group = native["group"].astype(str).map(group_code).fillna(-1).astype(int).to_numpy()
    customer = native["customer"].to_numpy()
    company = directory.customers["company_id"].to_numpy()[customer]
    score = csat_labels(native["csat_score"].to_numpy(), native["csat_surveyed"].to_numpy(),
                        options.csat_three)
    kind = np.select([native["highest_tier"].to_numpy() == "L3",
                      native["priority"].isin(["P1", "P2"]).to_numpy()], ["problem", "incident"],
                     "question").astype(object)
    zd_tickets = pd.DataFrame({
        "id": ids,
        "url": [f"{URL}/tickets/{i}.json" for i in ids],
        "external_id": native["ticket_id"].to_numpy(),
        "created_at": _utc(calendar, created),
        "updated_at": _utc(calendar, updated),
        "type": kind,
        "subject": native["subject"].to_numpy(),
        "raw_subject": native["subject"].to_numpy(),
        "priority": native["priority"].map(PRIORITY_MAP).to_numpy(dtype=object),
        "status": native["status"].map(STATUS_MAP).to_numpy(dtype=object),
        "requester_id": customer + CUSTOMER_ID_OFFSET,
        "submitter_id": customer + CUSTOMER_ID_OFFSET,
        "assignee_id": _ids(assignee, AGENT_ID_OFFSET),
        "organization_id": company + ORGANIZATION_ID_OFFSET,
        "group_id": _ids(group, GROUP_ID_OFFSET),
        "tags": native["tags"].to_numpy(),
        "via.channel": native["channel"].map(CHANNEL_MAP).to_numpy(dtype=object),
        "satisfaction_rating.score": score,
        "is_public": np.ones(len(ids), dtype=bool),
    })

    spans = _status_spans(events, horizon)
    assigns = events[events["event"] == "assign"]
    by_ticket = assigns.groupby("ticket_id", observed=True)
    first_assign = by_ticket["time"].min().reindex(index).to_numpy()
    last_assign = by_ticket["time"].max().reindex(index).to_numpy()
    replies = events[events["event"] == "reply"].groupby("ticket_id")["time"].max().reindex(index)
    asks = events[events["event"].isin(["arrive", "customer_reply", "reopen"])]
    requester_updated = asks.groupby("ticket_id")["time"].max().reindex(index).to_numpy()
    status_updated = spans.groupby("ticket_id")["start"].max().reindex(index).to_numpy()
    first_solved = native["first_solved_at"].to_numpy(dtype=float)
    solved = native["solved_at"].to_numpy(dtype=float)
    wait_cal, wait_bus = _span_totals(spans, ("new", "open", "hold"), index, calendar)
    pending_cal, pending_bus = _span_totals(spans, ("pending",), index, calendar)
    hold_cal, hold_bus = _span_totals(spans, ("hold",), index, calendar)
    finished = ~np.isnan(solved)
    metrics = pd.DataFrame({
        "id": ids,
        "ticket_id": ids,
        "url": [f"{URL}/ticket_metrics/{i}.json" for i in ids],
        "created_at": _utc(calendar, created),
        "updated_at": _utc(calendar, updated),
        "group_stations": by_ticket["tier"].nunique().reindex(index).fillna(0).astype(int).to_numpy(),
        "assignee_stations": by_ticket["agent"].nunique().reindex(index).fillna(0).astype(int).to_numpy(),
        "reopens": native["reopens"].to_numpy(),
        "replies": native["replies"].to_numpy(),
        "assignee_updated_at": _utc(calendar, last_assign),
        "requester_updated_at": _utc(calendar, requester_updated),
        "status_updated_at": _utc(calendar, status_updated),
        "initially_assigned_at": _utc(calendar, first_assign),
        "assigned_at": _utc(calendar, last_assign),
        "solved_at": _utc(calendar, solved),
        "latest_comment_added_at": _utc(calendar, np.fmax(replies.to_numpy(), requester_updated)),
        "reply_time_in_minutes.calendar": _minutes(native["frt_calendar_minutes"]),
        "reply_time_in_minutes.business": _minutes(native["frt_business_minutes"]),
        "first_resolution_time_in_minutes.calendar": _minutes((first_solved - created) / 60.0),
        "first_resolution_time_in_minutes.business": _minutes(
            calendar.business_seconds_between(created, first_solved) / 60.0),
        "full_resolution_time_in_minutes.calendar": _minutes(native["resolution_calendar_minutes"]),
        "full_resolution_time_in_minutes.business": _minutes(native["resolution_business_minutes"]),
        "agent_wait_time_in_minutes.calendar": _minutes(pending_cal),
        "agent_wait_time_in_minutes.business": _minutes(pending_bus),
        "requester_wait_time_in_minutes.calendar": _minutes(np.where(finished, wait_cal, np.nan)),
        "requester_wait_time_in_minutes.business": _minutes(np.where(finished, wait_bus, np.nan)),
        "on_hold_time_in_minutes.calendar": _minutes(hold_cal),
        "on_hold_time_in_minutes.business": _minutes(hold_bus),
    })

    surveyed = score != "unoffered"
    rated = (score == "good") | (score == "bad")
    comments = satisfaction_comments(index.to_numpy()[surveyed], score[surveyed] == "good", seed)
    comments = np.where(rated[surveyed], comments, "")
    ratings = pd.DataFrame({
        "id": ids[surveyed],
        "url": [f"{URL}/satisfaction_ratings/{i}.json" for i in ids[surveyed]],
        "assignee_id": zd_tickets["assignee_id"].to_numpy()[surveyed],
        "group_id": zd_tickets["group_id"].to_numpy()[surveyed],
        "requester_id": zd_tickets["requester_id"].to_numpy()[surveyed],
        "ticket_id": ids[surveyed],
        "score": score[surveyed],
        "comment": comments.astype(object),
        "created_at": _utc(calendar, solved[surveyed]),
        "updated_at": _utc(calendar, solved[surveyed]),
    })
    ratings["assignee_id"] = ratings["assignee_id"].astype("Int64")
    ratings["group_id"] = ratings["group_id"].astype("Int64")

    return {
        "tickets": zd_tickets,
        "ticket_metrics": metrics,
        "satisfaction_ratings": ratings,
        "ticket_metric_events": metric_events(config, native, spans, calendar, horizon),
        "groups": _groups(groups, directory, calendar),
        "users": _users(directory, calendar, config),
        "organizations": _organizations(directory, calendar),
    }


EVENT_ORDER = {"activate": 0, "apply_sla": 1, "pause": 2, "fulfill": 3, "breach": 4}


def metric_events(config: ScenarioConfig, native: pd.DataFrame, spans: pd.DataFrame,
                  calendar: Calendar, horizon: float) -> pd.DataFrame:
    """reply_time (first reply SLA) and requester_wait_time (resolution SLA, paused
    while pending) events: activate, apply_sla, pause, fulfill, breach.

    requester_wait_time is fulfilled at every solve and activated again at each
    reopen, as Zendesk records it; the time solved before a reopen does not count.
    A breach is dated when the SLA clock reaches its target: for reply_time
    exactly; for requester_wait_time the clock is extended by all paused time
    (pending, solved before a reopen) of the ticket, which is exact unless a
    pause starts after the deadline."""
    ticket = native["ticket_id"].to_numpy()
    created = native["created"].to_numpy(dtype=float)
    business = native["sla_business_hours"].to_numpy(dtype=bool)
    policy = (native["customer_tier"].astype(str) + " " + native["priority"].astype(str)).to_numpy()
    parts = []

    def add(mask, metric, kind, time, target=None):
        frame = pd.DataFrame({"ticket": ticket[mask], "metric": metric, "type": kind,
                              "seconds": np.asarray(time, dtype=float)[mask]})
        if target is not None:
            frame["sla.target"] = _minutes(np.asarray(target)[mask])
            frame["sla.business_hours"] = business[mask]
            frame["sla.policy.title"] = policy[mask].astype(object)
        parts.append(frame)

    def deadline(target_minutes, extra_seconds):
        seconds = np.nan_to_num(target_minutes * 60.0, nan=0.0) + extra_seconds
        on_business = calendar.add_business_seconds(created, seconds)
        return np.where(business, on_business, created + seconds)

    everyone = np.ones(len(ticket), dtype=bool)
    frt_target = native["sla_first_response_target_minutes"].to_numpy(dtype=float)
    has_frt = ~np.isnan(frt_target)
    responded = native["first_response_at"].to_numpy(dtype=float)
    add(everyone, "reply_time", "activate", created)
    add(has_frt, "reply_time", "apply_sla", created, frt_target)
    add(~np.isnan(responded), "reply_time", "fulfill", responded)
    frt_deadline = deadline(frt_target, 0.0)
    add(native["sla_first_response_breached"].to_numpy(dtype=bool) & has_frt
        & (frt_deadline <= horizon), "reply_time", "breach", frt_deadline)

    resolution_target = native["sla_resolution_target_minutes"].to_numpy(dtype=float)
    has_resolution = ~np.isnan(resolution_target)
    add(everyone, "requester_wait_time", "activate", created)
    add(has_resolution, "requester_wait_time", "apply_sla", created, resolution_target)
    pending = spans[spans["status"] == "pending"]
    position = native.index.get_indexer(pending["ticket_id"])
    pauses = pd.DataFrame({"ticket": ticket[position], "metric": "requester_wait_time",
                           "type": "pause", "seconds": pending["start"].to_numpy()})
    resumes = pending["end"].to_numpy() < horizon
    resumed = pd.DataFrame({"ticket": ticket[position][resumes], "metric": "requester_wait_time",
                            "type": "activate", "seconds": pending["end"].to_numpy()[resumes]})
    status = spans["status"]
    reopened = (status.eq("solved") & status.shift(-1).eq("open")
                & spans["ticket_id"].shift(-1).eq(spans["ticket_id"])).to_numpy()
    solves, reopens = spans[status.eq("solved").to_numpy()], spans[reopened]
    fulfilled = pd.DataFrame({"ticket": ticket[native.index.get_indexer(solves["ticket_id"])],
                              "metric": "requester_wait_time", "type": "fulfill",
                              "seconds": solves["start"].to_numpy()})
    reactivated = pd.DataFrame({"ticket": ticket[native.index.get_indexer(reopens["ticket_id"])],
                                "metric": "requester_wait_time", "type": "activate",
                                "seconds": reopens["end"].to_numpy()})
    parts += [pauses, resumed, fulfilled, reactivated]
    paused = spans[status.eq("pending").to_numpy() | reopened].assign(status="paused")
    paused_cal, paused_bus = _span_totals(paused, ("paused",), native.index, calendar)
    resolution_deadline = deadline(resolution_target,
                                   np.where(business, paused_bus, paused_cal) * 60.0)
    add(native["sla_resolution_breached"].to_numpy(dtype=bool) & has_resolution
        & (resolution_deadline <= horizon), "requester_wait_time", "breach", resolution_deadline)

    frame = pd.concat(parts, ignore_index=True)
    parts.clear()  # the pieces are copied: free them before the sorted copy is made
    order = np.lexsort((frame["type"].map(EVENT_ORDER).to_numpy(), frame["metric"].to_numpy(),
                        frame["seconds"].to_numpy(), frame["ticket"].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    out = pd.DataFrame({
        "id": np.arange(1, len(frame) + 1),
        "ticket_id": frame["ticket"].to_numpy() + TICKET_ID_OFFSET,
        "metric": as_text(frame["metric"]),
        "instance_id": np.ones(len(frame), dtype=np.int64),
        "type": as_text(frame["type"]),
        "time": _utc(calendar, frame["seconds"].to_numpy()),
        "sla.target": frame["sla.target"].astype("Int64").to_numpy(),
        "sla.business_hours": frame["sla.business_hours"].astype("boolean").to_numpy(),
        "sla.policy.title": frame["sla.policy.title"].to_numpy(dtype=object),
    })
    return out


def _stamp(calendar: Calendar, n: int) -> pd.DatetimeIndex:
    """A fixed creation time for directory objects: the start of the reporting period."""
    return _utc(calendar, np.zeros(n))


def _groups(groups: list[str], directory: Directory, calendar: Calendar) -> pd.DataFrame:
    tiers = directory.agents.drop_duplicates("group").set_index("group")["tier"]
    return pd.DataFrame({
        "id": np.arange(len(groups)) + GROUP_ID_OFFSET,
        "url": [f"{URL}/groups/{i + GROUP_ID_OFFSET}.json" for i in range(len(groups))],
        "name": groups,
        "description": [f"{tiers[g]} agents ({g})" for g in groups],
        "default": np.arange(len(groups)) == 0,
        "deleted": np.zeros(len(groups), dtype=bool),
        "created_at": _stamp(calendar, len(groups)),
        "updated_at": _stamp(calendar, len(groups)),
    })


def _users(directory: Directory, calendar: Calendar, config: ScenarioConfig) -> pd.DataFrame:
    agents, customers = directory.agents, directory.customers
    groups = sorted(agents["group"].unique())
    group_id = agents["group"].map({g: i + GROUP_ID_OFFSET for i, g in enumerate(groups)})
    n_agents, n_customers = len(agents), len(customers)
    locale = config.customers.locale.replace("_", "-")
    return pd.DataFrame({
        "id": np.concatenate([agents["agent_id"].to_numpy() + AGENT_ID_OFFSET,
                              customers["customer"].to_numpy() + CUSTOMER_ID_OFFSET]),
        "name": np.concatenate([agents["assignee_name"], customers["requester_name"]]).astype(object),
        "email": np.concatenate([agents["assignee_email"], customers["requester_email"]]).astype(object),
        "role": np.array(["agent"] * n_agents + ["end-user"] * n_customers, dtype=object),
        "organization_id": pd.array([None] * n_agents + list(
            customers["company_id"].to_numpy() + ORGANIZATION_ID_OFFSET), dtype="Int64"),
        "default_group_id": pd.array(list(group_id) + [None] * n_customers, dtype="Int64"),
        "external_id": np.concatenate([agents["assignee"].to_numpy(dtype=object),
                                       customers["customer"].astype(str).to_numpy(dtype=object)]),
        "time_zone": zendesk_zone_name(config.calendar.timezone),
        "iana_time_zone": config.calendar.timezone,
        "locale": locale,
        "active": np.ones(n_agents + n_customers, dtype=bool),
        "created_at": _stamp(calendar, n_agents + n_customers),
    })


def _organizations(directory: Directory, calendar: Calendar) -> pd.DataFrame:
    companies = directory.companies
    return pd.DataFrame({
        "id": companies["company_id"].to_numpy() + ORGANIZATION_ID_OFFSET,
        "name": companies["company"].to_numpy(dtype=object),
        "domain_names": companies["domain"].to_numpy(dtype=object),
        "created_at": _stamp(calendar, len(companies)),
    })
