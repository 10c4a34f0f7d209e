"""The ``zendesk_warehouse`` shape: the tables a Fivetran Zendesk connector lands.

Built from the native events table (the audit trail), never by re-simulating.
Column names and types follow Fivetran's Zendesk connector (its ERD and the
open-source ``dbt_zendesk`` staging models). Timestamps are naive UTC to the
second (sim float seconds floored), as the connector writes them. Ids and
value mappings are those of the ``zendesk`` shape (shapes.py).

Events become rows as follows:

- ``arrive``: the ticket's description, the first public comment, by the
  requester at ``created_at``; field history ``status`` = new, ``priority``,
  then the SLA rows (``sla_policy``, ``first_reply_time``,
  ``next_reply_time``, ``requester_wait_time``, and ``agent_work_time`` where
  the policy sets ``agent_work_minutes``), all at ``created_at``.
- a live (phone, chat) ticket's answer: a public comment by the answering
  agent at the time it was answered (native ``first_response_at``).
- ``reply``: a public comment by the agent.
- ``note`` (escalation hand-off): a private comment by the agent.
- ``customer_reply`` and ``reopen``: a public comment by the requester.
- every status change: a ``status`` row; ``assign``: ``assignee_id`` and
  ``group_id`` rows when they change. Changes within one second of a ticket
  are one update: only its final value is kept, so (ticket_id, field_name,
  updated) is unique, as in the connector.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from simulator.calendar import Calendar
from simulator.config import ScenarioConfig
from simulator.datasets import Datasets
from simulator.engine import EngineResult
from simulator.enrich import Directory
from simulator.shapes import (
    AGENT_ID_OFFSET,
    CHANNEL_MAP,
    CUSTOMER_ID_OFFSET,
    GROUP_ID_OFFSET,
    ORGANIZATION_ID_OFFSET,
    PRIORITY_MAP,
    STATUS_MAP,
    TICKET_ID_OFFSET,
    URL,
    ShapeOptions,
    csat_labels,
    satisfaction_comments,
)
from simulator.zendesk_zones import zendesk_zone_name

WAREHOUSE_TABLES = ("ticket", "ticket_comment", "ticket_field_history", "user", "group",
                    "organization", "domain_name", "ticket_tag", "satisfaction_rating", "brand", "schedule",
                    "time_zone", "daylight_time", "schedule_holiday", "ticket_schedule")
DUCKDB_SCHEMA = "zendesk"
BRAND_ID, SCHEDULE_ID = 1, 1
SCHEDULE_NAME = "Business hours"
AGENT_EVENTS = ("assign", "complete", "reply", "note", "escalate", "pending", "hold", "release",
                "solve")
CUSTOMER_EVENTS = ("arrive", "customer_reply", "reopen")


def _naive(calendar: Calendar, seconds) -> pd.Series:
    """Sim seconds as naive UTC timestamps floored to the second (microsecond unit)."""
    values = np.floor(np.asarray(seconds, dtype=float))
    utc = calendar.to_datetimes(values).tz_convert("UTC").tz_localize(None)
    return pd.Series(utc.astype("datetime64[us]"))


def _int_ids(values, offset: int) -> pd.arrays.IntegerArray:
    values = np.asarray(values, dtype=np.int64)
    return pd.Series(values + offset, dtype="Int64").mask(values < 0).array


def warehouse_tables(config: ScenarioConfig, datasets: Datasets, tickets: pd.DataFrame,
                     result: EngineResult, directory: Directory, seed: int,
                     options: ShapeOptions | None = None) -> dict[str, pd.DataFrame]:
    options = options or ShapeOptions()
    calendar, horizon = result.calendar, datasets.horizon_seconds
    synced = _naive(calendar, [horizon])[0]
    native = tickets.set_index("ticket_id", drop=False)
    index = native.index
    ids = index.to_numpy() + TICKET_ID_OFFSET
    n = len(ids)
    agents = directory.agents
    groups = sorted(agents["group"].unique())
    group_code = {g: i for i, g in enumerate(groups)}
    agent_user = dict(zip(agents["assignee"], agents["agent_id"] + AGENT_ID_OFFSET, strict=True))
    agent_group = dict(zip(agents["assignee"],
                           agents["group"].map(group_code) + GROUP_ID_OFFSET, strict=True))
    customer = native["customer"].to_numpy()
    requester = customer.astype(np.int64) + CUSTOMER_ID_OFFSET
    requester_of = pd.Series(requester, index=index)
    company = directory.customers["company_id"].to_numpy()[customer]

    events = datasets.events.reset_index(drop=True)
    events = events[events["ticket_id"].isin(index)].reset_index(drop=True)
    kind = events["event"].astype(str).to_numpy()
    ev_ticket = events["ticket_id"].to_numpy()
    ev_time = events["time"].to_numpy(dtype=float)
    ev_agent = events["agent"].astype(object).map(agent_user).to_numpy(dtype=float)
    ev_requester = requester_of.reindex(ev_ticket).to_numpy(dtype=float)
    seq = np.arange(len(events))

    # ----------------------------------------------------------------- comments
    subject = native["subject"].astype(str)
    parts = []

    def add_comments(mask, user, public, body_kind, time=None, order=None):
        parts.append(pd.DataFrame({
            "ticket": ev_ticket[mask] if order is None else order[0],
            "time": ev_time[mask] if time is None else time,
            "seq": seq[mask] if order is None else order[1],
            "user": user,
            "public": public,
            "kind": body_kind,
        }))

    arrive = kind == "arrive"
    add_comments(arrive, ev_requester[arrive], True, "description")
    live = native["live"].to_numpy(dtype=bool) & native["first_response_at"].notna().to_numpy()
    assign_positions = np.flatnonzero(kind == "assign")
    first_positions = assign_positions[np.unique(ev_ticket[assign_positions], return_index=True)[1]]
    position_of = pd.Series(first_positions, index=ev_ticket[first_positions])
    live_ids = index.to_numpy()[live]
    live_positions = position_of.reindex(live_ids).to_numpy(dtype=float)
    if np.isnan(live_positions).any():
        raise ValueError("a live ticket was answered without an assign event")
    live_positions = live_positions.astype(np.int64)
    add_comments(None, ev_agent[live_positions], True, "answer",
                 time=native["first_response_at"].to_numpy(dtype=float)[live],
                 order=(live_ids, live_positions))
    for name, public, body_kind in (("reply", True, "reply"), ("note", False, "note")):
        mask = kind == name
        add_comments(mask, ev_agent[mask], public, body_kind)
    asks = np.isin(kind, ["customer_reply", "reopen"])
    add_comments(asks, ev_requester[asks], True, "customer")
    comments = pd.concat(parts, ignore_index=True)
    order = np.lexsort((comments["seq"].to_numpy(), comments["time"].to_numpy(),
                        comments["ticket"].to_numpy()))
    comments = comments.iloc[order].reset_index(drop=True)
    if comments["user"].isna().any():
        raise ValueError("a comment has no author")
    c_subject = subject.reindex(comments["ticket"]).to_numpy(dtype=object)
    templates = {
        "description": "",
        "answer": "Hi, thanks for contacting us. Let me look into this: ",
        "reply": "Thanks for your patience. An update on: ",
        "note": "Escalation hand-off, context for the next tier: ",
        "customer": "Following up on: ",
    }
    prefix = comments["kind"].map(templates).to_numpy(dtype=object)
    bodies = prefix + c_subject
    ticket_comment = pd.DataFrame({
        "id": np.arange(1, len(comments) + 1, dtype=np.int64),
        "_fivetran_synced": synced,
        "_fivetran_deleted": np.zeros(len(comments), dtype=bool),
        "body": bodies.astype(object),
        "created": _naive(calendar, comments["time"].to_numpy()),
        "public": comments["public"].to_numpy(dtype=bool),
        "ticket_id": comments["ticket"].to_numpy() + TICKET_ID_OFFSET,
        "user_id": comments["user"].to_numpy().astype(np.int64),
        "voice_comment": (comments["kind"].eq("answer").to_numpy()
                          & native["channel"].reindex(comments["ticket"]).eq("phone").to_numpy()),
        "facebook_comment": np.zeros(len(comments), dtype=bool),
        "tweet": (native["channel"].reindex(comments["ticket"]).eq("social").to_numpy()
                  & comments["public"].to_numpy(dtype=bool)),
    })

    # ----------------------------------------------------------------- field history
    history = _field_history(config, native, events, kind, ev_time, ev_agent, ev_requester,
                             agent_group, calendar, synced)

    # ----------------------------------------------------------------- ticket
    created = native["created"].to_numpy(dtype=float)
    updated = np.fmax(events.groupby("ticket_id")["time"].max().reindex(index).to_numpy(), created)
    assignee_user = native["assignee"].astype(str).map(agent_user)
    assignee_group = native["assignee"].astype(str).map(agent_group)
    ticket_type = np.select([native["highest_tier"].to_numpy() == "L3",
                             native["priority"].isin(["P1", "P2"]).to_numpy()],
                            ["problem", "incident"], "question").astype(object)
    ticket = pd.DataFrame({
        "id": ids,
        "_fivetran_synced": synced,
        "_fivetran_deleted": np.zeros(n, dtype=bool),
        "assignee_id": pd.array(assignee_user.to_numpy(dtype=float), dtype="Int64"),
        "brand_id": np.full(n, BRAND_ID, dtype=np.int64),
        "created_at": _naive(calendar, created),
        "description": subject.to_numpy(dtype=object),
        "due_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]"),
        "external_id": native["ticket_id"].astype(str).to_numpy(dtype=object),
        "group_id": pd.array(assignee_group.to_numpy(dtype=float), dtype="Int64"),
        "has_incidents": np.zeros(n, dtype=bool),
        "is_public": np.ones(n, dtype=bool),
        "organization_id": company + ORGANIZATION_ID_OFFSET,
        "priority": native["priority"].map(PRIORITY_MAP).to_numpy(dtype=object),
        "problem_id": pd.array([None] * n, dtype="Int64"),
        "recipient": pd.Series([None] * n, dtype=object),
        "requester_id": requester,
        "status": native["status"].map(STATUS_MAP).to_numpy(dtype=object),
        "subject": subject.to_numpy(dtype=object),
        "submitter_id": requester,
        "ticket_form_id": pd.array([None] * n, dtype="Int64"),
        "type": ticket_type,
        "updated_at": _naive(calendar, updated),
        "url": pd.Series([f"{URL}/tickets/{i}.json" for i in ids], dtype=object),
        "via_channel": native["channel"].map(CHANNEL_MAP).to_numpy(dtype=object),
    })
    ticket["recipient"] = ticket["recipient"].astype(object)

    # ----------------------------------------------------------------- tags
    tags = native["tags"].astype(str).str.split()
    exploded = pd.DataFrame({"ticket_id": ids, "tag": tags.to_numpy()}).explode("tag")
    exploded = exploded.dropna(subset=["tag"]).drop_duplicates()
    ticket_tag = pd.DataFrame({"tag": exploded["tag"].to_numpy(dtype=object),
                               "ticket_id": exploded["ticket_id"].to_numpy(dtype=np.int64),
                               "_fivetran_synced": synced})

    # ----------------------------------------------------------------- satisfaction
    score = csat_labels(native["csat_score"].to_numpy(), native["csat_surveyed"].to_numpy(),
                        options.csat_three)
    surveyed = score != "unoffered"
    rated = (score == "good") | (score == "bad")
    remarks = satisfaction_comments(index.to_numpy()[surveyed], score[surveyed] == "good", seed)
    remarks = np.where(rated[surveyed], remarks, "")
    solved = native["solved_at"].to_numpy(dtype=float)
    satisfaction_rating = pd.DataFrame({
        "id": ids[surveyed],
        "_fivetran_synced": synced,
        "assignee_id": ticket["assignee_id"].to_numpy()[surveyed],
        "comment": remarks.astype(object),
        "created_at": _naive(calendar, solved[surveyed]),
        "group_id": ticket["group_id"].to_numpy()[surveyed],
        "requester_id": requester[surveyed],
        "score": score[surveyed],
        "ticket_id": ids[surveyed],
        "updated_at": _naive(calendar, solved[surveyed]),
        "url": pd.Series([f"{URL}/satisfaction_ratings/{i}.json" for i in ids[surveyed]],
                         dtype=object),
    })
    satisfaction_rating["assignee_id"] = satisfaction_rating["assignee_id"].astype("Int64")
    satisfaction_rating["group_id"] = satisfaction_rating["group_id"].astype("Int64")

    start = _naive(calendar, [0.0])[0]
    schedule, time_zone, daylight, holidays = schedule_tables(config, calendar, synced, start)
    ticket_schedule = pd.DataFrame({"created_at": ticket["created_at"], "schedule_id": SCHEDULE_ID,
                                    "ticket_id": ids, "_fivetran_synced": synced})
    return {
        "ticket": ticket,
        "ticket_comment": ticket_comment,
        "ticket_field_history": history,
        "user": _users(directory, config, groups, start, synced),
        "group": _groups(groups, start, synced),
        "organization": _organizations(directory, start, synced),
        "domain_name": _domain_names(directory, synced),
        "ticket_tag": ticket_tag,
        "satisfaction_rating": satisfaction_rating,
        "brand": pd.DataFrame({
            "id": [BRAND_ID], "_fivetran_synced": [synced], "_fivetran_deleted": [False],
            "active": [True], "brand_url": ["https://example.zendesk.com"], "default": [True],
            "has_help_center": [True], "help_center_state": ["enabled"],
            "name": [config.name], "subdomain": ["example"], "url": [f"{URL}/brands/1.json"]}),
        "schedule": schedule,
        "time_zone": time_zone,
        "daylight_time": daylight,
        "schedule_holiday": holidays,
        "ticket_schedule": ticket_schedule,
    }


def _json(minutes, business) -> np.ndarray:
    return np.array([json.dumps({"minutes": round(float(m)), "in_business_hours": bool(b)},
                                separators=(",", ":"))
                     for m, b in zip(minutes, business, strict=True)], dtype=object)


def _field_history(config, native, events, kind, ev_time, ev_agent, ev_requester, agent_group,
                   calendar, synced) -> pd.DataFrame:
    ev_ticket = events["ticket_id"].to_numpy()
    seq = np.arange(len(events), dtype=np.int64)
    actor = np.where(np.isin(kind, CUSTOMER_EVENTS), ev_requester, ev_agent)
    parts = []

    def add(ticket, time, order, field, value, user):
        parts.append(pd.DataFrame({"ticket": ticket, "time": time, "seq": order, "field": field,
                                   "value": np.asarray(value, dtype=object), "user": user}))

    # status: every change of status (the audit trail's to_status where it differs)
    to_status = events["to_status"].astype(object).to_numpy()
    from_status = events["from_status"].astype(object).to_numpy()
    changed = pd.notna(to_status) & (to_status != from_status)
    add(ev_ticket[changed], ev_time[changed], seq[changed], "status", to_status[changed],
        actor[changed])
    # assignee and group on each assignment
    assign = kind == "assign"
    groups = events["agent"].astype(object).map(agent_group).to_numpy(dtype=float)
    add(ev_ticket[assign], ev_time[assign], seq[assign], "assignee_id",
        pd.Series(ev_agent[assign]).astype("Int64").astype(str).to_numpy(), ev_agent[assign])
    add(ev_ticket[assign], ev_time[assign], seq[assign], "group_id",
        pd.Series(groups[assign]).astype("Int64").astype(str).to_numpy(), ev_agent[assign])
    # priority and SLA rows at creation (priority never changes in supportsim)
    arrive = np.flatnonzero(kind == "arrive")
    t_ticket, t_time, t_seq = ev_ticket[arrive], ev_time[arrive], seq[arrive]
    rows = native.loc[t_ticket]
    requester = ev_requester[arrive]
    system = np.full(len(arrive), np.nan)
    add(t_ticket, t_time, t_seq, "priority", rows["priority"].map(PRIORITY_MAP).to_numpy(), requester)
    business = rows["sla_business_hours"].to_numpy(dtype=bool)
    policy = (rows["customer_tier"].astype(str) + " " + rows["priority"].astype(str)).to_numpy()
    has = rows["sla_first_response_target_minutes"].notna().to_numpy()
    add(t_ticket[has], t_time[has], t_seq[has], "sla_policy", policy[has], system[has])
    for field, column in (("first_reply_time", "sla_first_response_target_minutes"),
                          ("next_reply_time", "sla_next_reply_target_minutes"),
                          ("requester_wait_time", "sla_resolution_target_minutes"),
                          ("agent_work_time", "sla_agent_work_target_minutes")):
        target = rows[column].to_numpy(dtype=float)
        ok = ~np.isnan(target)
        add(t_ticket[ok], t_time[ok], t_seq[ok], field, _json(target[ok], business[ok]), system[ok])
    frame = pd.concat(parts, ignore_index=True)
    field_order = {"status": 0, "priority": 1, "assignee_id": 2, "group_id": 3, "sla_policy": 4,
                   "first_reply_time": 5, "next_reply_time": 6, "requester_wait_time": 7,
                   "agent_work_time": 8}
    frame["second"] = np.floor(frame["time"].to_numpy())
    frame["rank"] = frame["field"].map(field_order).to_numpy()
    order = np.lexsort((frame["seq"].to_numpy(), frame["rank"].to_numpy(),
                        frame["second"].to_numpy(), frame["ticket"].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    # one update per ticket and second: keep each field's last value in that second
    frame = frame.drop_duplicates(["ticket", "field", "second"], keep="last")
    # keep only real changes of each field
    previous = frame.groupby(["ticket", "field"], sort=False)["value"].shift()
    frame = frame[frame["value"].to_numpy() != previous.to_numpy()].reset_index(drop=True)
    return pd.DataFrame({
        "field_name": frame["field"].to_numpy(dtype=object),
        "ticket_id": frame["ticket"].to_numpy() + TICKET_ID_OFFSET,
        "updated": _naive(calendar, frame["second"].to_numpy()),
        "_fivetran_synced": synced,
        "user_id": pd.array(frame["user"].to_numpy(dtype=float), dtype="Int64"),
        "value": frame["value"].to_numpy(dtype=object),
    })


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def schedule_tables(config: ScenarioConfig, calendar: Calendar, synced, start):
    """schedule (weekly intervals in minutes from Sunday 00:00 local), time_zone,
    daylight_time (one row per year with daylight saving) and schedule_holiday."""
    zone_name = config.calendar.timezone
    zendesk_zone = zendesk_zone_name(zone_name)  # the spelling every table carries
    rows = []
    for weekday, ranges in calendar.business_hours:  # weekday: Monday 0
        day = (weekday + 1) % 7  # minutes count from Sunday 00:00
        for begin, end in ranges:
            first = day * 1440 + begin.hour * 60 + begin.minute
            last = day * 1440 + (1440 if end == dt.time(0, 0) else end.hour * 60 + end.minute)
            rows.append((first, last))
    rows.sort()
    schedule = pd.DataFrame({
        "end_time": np.array([r[1] for r in rows], dtype=np.int64),
        "id": SCHEDULE_ID,
        "start_time": np.array([r[0] for r in rows], dtype=np.int64),
        "_fivetran_deleted": False,
        "_fivetran_synced": synced,
        "created_at": start,
        "name": SCHEDULE_NAME,
        "time_zone": zendesk_zone,
    })
    years = sorted({d.year for d in calendar.day_dates})
    zone = ZoneInfo(zone_name)
    standard = min(dt.datetime(y, m, 1, tzinfo=zone).utcoffset()
                   for y in years for m in (1, 7))
    time_zone = pd.DataFrame({"time_zone": [zendesk_zone], "_fivetran_synced": [synced],
                              "standard_offset": [_offset_text(standard)]})
    daylight = []
    for year in years:
        begin = pd.Timestamp(year, 1, 1, tz="UTC")
        hours = pd.date_range(begin, begin + pd.DateOffset(years=1), freq="h", inclusive="left")
        offsets = hours.tz_convert(zone_name).map(lambda t: t.utcoffset())
        shifted = np.array([o != standard for o in offsets])
        if not shifted.any():
            continue
        on = np.flatnonzero(shifted)
        daylight.append((year, hours[on[0]].tz_localize(None), hours[on[-1]].tz_localize(None)
                         + pd.Timedelta(hours=1),
                         int((offsets[on[0]] - standard).total_seconds() // 3600)))
    daylight_time = pd.DataFrame({
        "time_zone": [zendesk_zone] * len(daylight),
        "year": np.array([d[0] for d in daylight], dtype=np.int64),
        "_fivetran_synced": [synced] * len(daylight),
        "daylight_end_utc": pd.Series([d[2] for d in daylight], dtype="datetime64[us]"),
        "daylight_offset": np.array([d[3] for d in daylight], dtype=np.int64),
        "daylight_start_utc": pd.Series([d[1] for d in daylight], dtype="datetime64[us]"),
    })
    dates = sorted(calendar.holidays)
    holidays = pd.DataFrame({
        "id": np.array([SCHEDULE_ID * 100_000_000 + int(d.strftime("%Y%m%d")) for d in dates],
                       dtype=np.int64),  # the connector's ids are integers
        "schedule_id": np.full(len(dates), SCHEDULE_ID, dtype=np.int64),
        "_fivetran_deleted": np.zeros(len(dates), dtype=bool),
        "_fivetran_synced": [synced] * len(dates),
        "end_date": pd.Series(dates, dtype="datetime64[s]").astype("datetime64[s]").dt.date,
        "name": [f"Holiday {d.isoformat()}" for d in dates],
        "start_date": pd.Series(dates, dtype="datetime64[s]").dt.date,
    })
    return schedule, time_zone, daylight_time, holidays


def _users(directory: Directory, config: ScenarioConfig, groups, start, synced) -> pd.DataFrame:
    agents, customers = directory.agents, directory.customers
    n_agents, n_customers = len(agents), len(customers)
    ids = np.concatenate([agents["agent_id"].to_numpy() + AGENT_ID_OFFSET,
                          customers["customer"].to_numpy() + CUSTOMER_ID_OFFSET])
    return pd.DataFrame({
        "id": ids,
        "_fivetran_synced": synced,
        "_fivetran_deleted": False,
        "active": True,
        "created_at": start,
        "email": np.concatenate([agents["assignee_email"], customers["requester_email"]]).astype(object),
        "external_id": np.concatenate([agents["assignee"].to_numpy(dtype=object),
                                       customers["customer"].astype(str).to_numpy(dtype=object)]),
        "locale": config.customers.locale.replace("_", "-"),
        "name": np.concatenate([agents["assignee_name"], customers["requester_name"]]).astype(object),
        "organization_id": pd.array([None] * n_agents + list(
            customers["company_id"].to_numpy() + ORGANIZATION_ID_OFFSET), dtype="Int64"),
        "role": np.array(["agent"] * n_agents + ["end-user"] * n_customers, dtype=object),
        "suspended": False,
        "time_zone": zendesk_zone_name(config.calendar.timezone),
        "updated_at": start,
        "url": [f"{URL}/users/{i}.json" for i in ids],
    })


def _groups(groups, start, synced) -> pd.DataFrame:
    ids = np.arange(len(groups), dtype=np.int64) + GROUP_ID_OFFSET
    return pd.DataFrame({
        "id": ids, "_fivetran_synced": synced, "_fivetran_deleted": False,
        "created_at": start, "name": np.array(groups, dtype=object), "updated_at": start,
        "url": [f"{URL}/groups/{i}.json" for i in ids]})


def _organizations(directory: Directory, start, synced) -> pd.DataFrame:
    companies = directory.companies
    ids = companies["company_id"].to_numpy() + ORGANIZATION_ID_OFFSET
    return pd.DataFrame({
        "id": ids, "_fivetran_synced": synced, "created_at": start,
        "external_id": companies["company_id"].astype(str).to_numpy(dtype=object),
        "name": companies["company"].to_numpy(dtype=object), "updated_at": start,
        "url": [f"{URL}/organizations/{i}.json" for i in ids]})


def _domain_names(directory: Directory, synced) -> pd.DataFrame:
    """One row per organization domain, as the connector lands them (each company has one)."""
    companies = directory.companies
    return pd.DataFrame({
        "index": np.zeros(len(companies), dtype=np.int64),
        "organization_id": companies["company_id"].to_numpy() + ORGANIZATION_ID_OFFSET,
        "_fivetran_synced": synced,
        "domain_name": companies["domain"].to_numpy(dtype=object)})
