"""The data dictionary: every column of every exported table, described once.

``DESCRIPTIONS[shape]`` maps a column name to its description; a key
``"table.column"`` overrides the plain name for one table (``channel`` means
the same in every native table, ``status`` does not). ``describe`` looks a
column up; ``dictionary_frame`` lists the columns of the tables actually
written, with their type, for ``data_dictionary.md`` and the XLSX sheet.
A test checks that every column written has a description here.

Time columns: native tables carry local times of the scenario with their UTC
offset (CSV, JSON Lines) or timezone-aware timestamps (Parquet, DuckDB);
zendesk tables UTC with `Z`; zendesk_warehouse tables naive UTC (no offset,
as the Fivetran connector writes them); XLSX local times with the zone in the column
name. CSV and XLSX flatten a dotted zendesk name (`via.channel`) to
`via_channel`; JSON Lines nests it.
"""

from __future__ import annotations

import pandas as pd

from simulator.dictionary_warehouse import WAREHOUSE, WAREHOUSE_NOTES

MISSING = "(no description yet)"

_CHANNEL = "contact channel: phone, chat, email, web or social"
_SECONDS_FROM_TICKET = "local time (timestamp) when this happened; empty if it has not by the horizon"

NATIVE: dict[str, str] = {
    # tickets
    "ticket_id": "ticket id (the id of the contact that became the ticket)",
    "created": "local time the ticket was created (the contact arrived)",
    "channel": _CHANNEL,
    "category": "issue category (scenario `categories`)",
    "priority": "priority P1 (critical) to P5 (lowest)",
    "customer_tier": "customer tier of the requester (scenario `customers.tiers`)",
    "customer": "customer id in the customer pool; the same customer comes back",
    "source": "base (the everyday demand) or surge (a demand event)",
    "generation": "0 for a first contact, 1 or more for a repeat contact about an unsolved problem",
    "parent_id": "for a repeat contact or redial, the id of the contact it follows up; -1 otherwise",
    "live": "true for phone and chat (answered live), false for asynchronous channels",
    "first_response_at": "local time of the first agent response (live: answered)",
    "first_solved_at": "local time the ticket was first solved",
    "solved_at": "local time the ticket was last solved",
    "closed_at": "local time the ticket was closed (4 days after solved by default)",
    "handle_seconds": "agent work time on the ticket over all touches, seconds",
    "touches": "number of times an agent took the ticket",
    "replies": "agent replies to the customer",
    "escalations": "number of escalations (L1 -> L2 -> L3)",
    "highest_tier": "highest support tier that worked the ticket: L1, L2 or L3",
    "reopens": "times the customer reopened the ticket after it was solved",
    "assignee": "roster name of the last agent assigned (group-number); empty if never assigned",
    "status": "status at the horizon: new, open, pending, hold, solved or closed",
    "frt_calendar_minutes": "first response time, calendar minutes",
    "frt_business_minutes": "first response time, business minutes (scenario business hours)",
    "resolution_calendar_minutes": "full resolution time (created to last solved), calendar minutes",
    "resolution_business_minutes": "full resolution time, business minutes",
    "first_resolution_calendar_minutes": "created to first solved, calendar minutes",
    "pending_seconds": "time pending (waiting on the customer), seconds",
    "on_hold_seconds": "time on hold (waiting on a third party), seconds",
    "sla_first_response_target_minutes": "first-response SLA target for its customer tier and priority",
    "sla_resolution_target_minutes": "resolution SLA target for its customer tier and priority",
    "sla_next_reply_target_minutes": "next-reply SLA target (empty: none)",
    "sla_agent_work_target_minutes": "agent work time SLA target (sla.*.agent_work_minutes; "
                                     "empty: none)",
    "sla_agent_work_elapsed_minutes": "agent work clock (Zendesk's agent work time): time new or "
                                      "open to the last solve (or the horizon), in business or "
                                      "calendar time by the policy",
    "sla_agent_work_breached": "agent work time reached its target (false without one)",
    "sla_business_hours": "true if the SLA clock runs in business hours only",
    "sla_first_response_elapsed_minutes": "first-response SLA clock at response (or horizon), minutes",
    "sla_resolution_elapsed_minutes": "resolution SLA clock (Zendesk's requester wait time): time new, "
                                      "open or on hold to the last solve (or the horizon while unsolved "
                                      "or reopened); pending time and time solved before a reopen "
                                      "excluded",
    "sla_first_response_band": "highest band of the first-response target reached: 0, 0.5, 0.8, 0.9, 1 or 2",
    "sla_resolution_band": "highest band of the resolution target reached: 0, 0.5, 0.8, 0.9, 1 or 2",
    "sla_band": "the higher of the two bands (1 = breached, 2 = severe breach at 200%)",
    "sla_first_response_breached": "first response later than its target",
    "sla_resolution_breached": "resolution later than its target",
    "sla_next_reply_breached": "a customer message waited longer than the next-reply target",
    "sla_severe_breach": "an SLA clock reached 200% of its target",
    "csat_surveyed": "a satisfaction survey was sent (solved tickets only)",
    "csat_score": "satisfaction score 1-5; empty unless surveyed and answered. No rating time is "
                  "drawn: the rating is taken as given at the last solve (so a 1-2 score always "
                  "counts as rated within 48 h of solving in the frustration signals)",
    "repeat_contact": "the customer came back about the same problem within the FCR window",
    "fcr": "first-contact resolution: solved in one touch, no escalation, reopen or repeat contact",
    "truly_resolved": "the problem was really solved (false: a repeat contact follows)",
    "group": "agent group of the last assignee",
    "open_at_horizon": "not solved or closed at the end of the run (kept, not dropped)",
    "requester_name": "requester's name (Faker, one per customer, scenario `customers.locale`)",
    "requester_email": "requester's e-mail; customers of one company share its domain",
    "company": "requester's company (Faker)",
    "subject": "ticket subject, drawn from templates for its category",
    "tags": "space-separated tags for its category (a list in JSON Lines)",
    "assignee_name": "display name of the last assignee (Faker, one per agent)",
    "reopens_within_24h": "times the ticket was reopened within 24 hours of being solved",
    "customer_messages": "messages from the customer after the first contact (replies to pending, reopens)",
    # daily (per day and channel; rates over the tickets created that day)
    "date": "local calendar date",
    "daily.contacts": "contacts that arrived that day (deflected included)",
    "daily.tickets": "tickets created that day",
    "deflection_rate": "deflected / contacts",
    "abandonment_rate": "abandoned / offered (phone, chat)",
    "csat_satisfied_rate": "share of survey answers scoring 4-5",
    "csat_mean": "mean survey score 1-5",
    "csat_responses": "survey answers",
    "frt_mean_minutes": "mean first response time, calendar minutes",
    "frt_median_minutes": "median first response time, calendar minutes",
    "ttr_mean_hours": "mean full resolution time, calendar hours",
    "ttr_median_hours": "median full resolution time, calendar hours",
    "fcr_rate": "first-contact resolution rate among solved tickets",
    "sla_first_response_compliance": "1 - first responses breached / first-response clocks decided",
    "sla_resolution_compliance": "1 - resolutions breached / resolution clocks decided",
    "sla_breaches": "tickets with a breached SLA target (first response, next reply or resolution)",
    "sla_severe_breaches": "tickets at 200% of an SLA target",
    "escalation_rate": "tickets escalated / tickets",
    "reopen_rate": "tickets reopened / tickets solved",
    # agent_daily (a scorecard per agent and day)
    "scheduled_seconds": "seconds of the agent's shift that day (absence and vacation included)",
    "paid_seconds": "paid seconds that day (the shift, vacation and absence included)",
    "logged_in_seconds": "seconds logged in (available, busy, breaks and other in-shift activities)",
    "available_seconds": "seconds available for contacts, idle",
    "busy_seconds": "seconds handling contacts",
    "utilisation": "busy / paid time",
    "adherence": "share of scheduled time spent in the scheduled state (logged in when rostered, "
                 "on break when the break is planned)",
    "tickets_handled": "distinct tickets the agent worked that day",
    "items_handled": "work items completed that day (a ticket can need several)",
    "tickets_solved": "tickets the agent solved that day",
    "qa_reviews": "QA reviews of the agent's tickets that day",
    "qa_score": "QA score 0-100: the rubric's weighted mean",
    # qa_reviews (a seeded sample of solved tickets, scored on the rubric)
    "review_id": "review id",
    "reviewed_date": "local date of the solve that was reviewed",
    "rushed": "0-1: how rushed the agent was (short handle time for the channel and tier, busy queue)",
    "solution_quality": "rubric criterion, 0-100 (weight 30% by default)",
    "communication": "rubric criterion, 0-100 (weight 25% by default)",
    "process_adherence": "rubric criterion, 0-100 (weight 20% by default)",
    "efficiency": "rubric criterion, 0-100 (weight 15% by default)",
    "customer_experience": "rubric criterion, 0-100 (weight 10% by default)",
    # contacts
    "contact_id": "contact id (a ticket id if the contact became a ticket)",
    "day": "index of the simulated day the contact arrived on (warm-up days included)",
    "position": "position of the contact among its day's arrivals (its attribute row)",
    "arrival_time": "local time the contact arrived",
    "deflected": "self-service answered it (drawn at arrival); it never became a ticket",
    "work_seconds": "L1 work content drawn at arrival (phone: talk), seconds",
    "hold_seconds": "phone hold during the call, seconds",
    "wrap_seconds": "phone after-call work, seconds",
    "l1_work_seconds": "L1 handle time (work + hold + wrap), seconds",
    "l2_work_seconds": "L2 work if escalated, seconds",
    "l3_work_seconds": "L3 work if escalated further, seconds",
    "patience_seconds": "how long a phone or chat customer waits before abandoning, seconds",
    "escalates_l2": "the problem needs L2",
    "escalates_l3": "the problem needs L3 (after L2)",
    "goes_pending": "the agent will wait on the customer (pending)",
    "pending_delay_seconds": "how long the customer takes to reply when pending, seconds",
    "goes_on_hold": "the ticket will wait on a third party (on hold)",
    "hold_delay_seconds": "how long the third party takes, seconds",
    "repeat_delay_seconds": "delay before a repeat contact if not truly resolved, seconds",
    "contacts.reopens": "times the customer will reopen after it is solved (drawn at arrival)",
    "reopen_delay_seconds": "delay before a reopen, seconds",
    "redials": "an abandoning caller calls again",
    "redial_delay_seconds": "delay before the redial, seconds",
    "csat_responded": "the customer would answer a survey",
    "csat_noise": "standard normal noise of the CSAT score model",
    "follow_up_offset": "uniform draw placing a follow-up contact within its day",
    "answered_at": "local time an agent answered (live) or first took the contact",
    "abandoned_at": "local time the caller hung up (phone, chat)",
    "wait_seconds": "queue wait until answered or abandoned, seconds",
    "outcome": "ticket, deflected, abandoned or waiting_at_horizon",
    "is_ticket": "the contact became a ticket (not deflected, not abandoned)",
    "contacts.csat_surveyed": "the customer would be surveyed when solved (drawn at arrival)",
    "contacts.truly_resolved": "the problem is really solved by the first resolution (drawn at arrival)",
    "contacts.generation": "0 for a first contact, 1 or more for a repeat contact",
    "contacts.source": "code: 0 base (everyday demand), 1 surge (a demand event)",
    "contacts.channel": "channel code: 0 phone, 1 chat, 2 email, 3 web, 4 social",
    "contacts.customer_tier": "customer tier code: position in scenario `customers.tiers` (0 = first)",
    "contacts.category": "category code: position in scenario `categories` (0 = first)",
    "contacts.priority": "priority code: 0 = P1 ... 4 = P5",
    # events
    "time": "local time of the event",
    "event": "arrive, enqueue, assign, complete, reply, escalate, pending, customer_reply, hold, "
             "release, solve, reopen, close, handover (work handed back at a shift end), ...",
    "from_status": "status before the event (empty if it does not change status)",
    "to_status": "status after the event (empty if it does not change status)",
    "agent": "agent roster name (empty for customer and system events)",
    "tier": "support tier: L1, L2 or L3",
    "item": "work item number of the ticket (1 = first piece of work)",
    # agent_states
    "agent_id": "agent id in the roster",
    "agent_states.agent": "agent roster name (group-number)",
    "agent_states.group": "agent group (scenario `agents`)",
    "state": "available, busy, break, lunch, meeting, training, coaching, supervised, absent, "
             "vacation or logged_out",
    "start": "local start of the spell",
    "end": "local end of the spell",
    "duration_seconds": "length of the spell, seconds",
    # intervals
    "interval_start": "local start of the reporting interval",
    "offered": "contacts offered (arrived, not deflected)",
    "intervals.deflected": "contacts self-service answered",
    "answered": "contacts answered by an agent",
    "abandoned": "callers who hung up before an answer",
    "answered_within_threshold": "answered within the channel's answer_within_seconds",
    "service_level": "service level on the scenario's basis (see service_level_basis)",
    "service_level_basis": "offered, answered, abandon_met or exclude_short",
    "asa_seconds": "average speed of answer, seconds",
    "handled": "work items completed",
    "aht_seconds": "handle time / items completed, seconds (work handed over at a shift "
                   "end counts where it was done)",
    "staffed_agents": "average agents logged in and skilled for the channel",
    "occupancy": "busy / available time of those agents",
    "queue_at_end": "live contacts waiting at the interval end",
    "open_tickets_at_end": "tickets not yet solved at the interval end (backlog)",
}

_CALENDAR = "in calendar minutes (whole minutes, as Zendesk reports)"
_BUSINESS = "in business minutes (the scenario's business hours)"
ZENDESK: dict[str, str] = {
    "id": "Zendesk id of the object",
    "url": "API URL of the object (example.zendesk.com)",
    "created_at": "when the object was created, UTC (ISO 8601 with Z)",
    "updated_at": "when the object last changed, UTC",
    "tickets.id": "ticket id = native ticket_id + 1 (Zendesk ids start at 1)",
    "tickets.external_id": "native ticket_id",
    "tickets.type": "problem (reached L3), incident (P1/P2) or question",
    "subject": "ticket subject, drawn from templates for its category",
    "raw_subject": "the subject as entered (same as subject)",
    "priority": "urgent (P1), high (P2), normal (P3), low (P4, P5)",
    "status": "new, open, pending, hold, solved or closed (native status at the horizon)",
    "requester_id": "user id of the requester (1,000,000 + customer id)",
    "submitter_id": "user id of the submitter (the requester)",
    "assignee_id": "user id of the last assignee (1000 + agent id); empty if never assigned",
    "organization_id": "organization id of the requester's company (500,000 + company id)",
    "group_id": "group id of the last assignee's group (100 + group index)",
    "tags": "space-separated tags (a list in JSON Lines)",
    "via.channel": "voice (phone), chat, email, web or twitter (social)",
    "satisfaction_rating.score": "good (4-5; 3 too with --csat-three good), bad (1-3), "
                                 "offered (surveyed, no answer) or unoffered (not surveyed)",
    "is_public": "the ticket has public comments (always true)",
    # ticket_metrics
    "ticket_metrics.id": "metric set id (the ticket id)",
    "ticket_id": "Zendesk ticket id",
    "group_stations": "number of groups (tiers) the ticket passed through",
    "assignee_stations": "number of different agents assigned",
    "reopens": "times reopened after solved",
    "replies": "agent replies (native replies)",
    "assignee_updated_at": "last time it was assigned, UTC",
    "requester_updated_at": "last customer message (creation, reply or reopen), UTC",
    "status_updated_at": "last status change, UTC",
    "initially_assigned_at": "first assignment, UTC",
    "assigned_at": "last assignment, UTC",
    "solved_at": "last solved, UTC",
    "latest_comment_added_at": "last agent reply or customer message, UTC",
    "reply_time_in_minutes.calendar": f"first reply time {_CALENDAR} (native frt_calendar_minutes)",
    "reply_time_in_minutes.business": f"first reply time {_BUSINESS} (native frt_business_minutes)",
    "first_resolution_time_in_minutes.calendar": f"created to first solved {_CALENDAR}",
    "first_resolution_time_in_minutes.business": f"created to first solved {_BUSINESS}",
    "full_resolution_time_in_minutes.calendar": f"created to last solved {_CALENDAR}",
    "full_resolution_time_in_minutes.business": f"created to last solved {_BUSINESS}",
    "agent_wait_time_in_minutes.calendar": f"time pending (agent waits on the customer) {_CALENDAR}",
    "agent_wait_time_in_minutes.business": f"time pending {_BUSINESS}",
    "requester_wait_time_in_minutes.calendar": f"time new, open or on hold until solved {_CALENDAR}; "
                                               "empty if unsolved",
    "requester_wait_time_in_minutes.business": f"time new, open or on hold until solved {_BUSINESS}",
    "on_hold_time_in_minutes.calendar": f"time on hold {_CALENDAR}",
    "on_hold_time_in_minutes.business": f"time on hold {_BUSINESS}",
    # satisfaction_ratings
    "satisfaction_ratings.id": "rating id (the ticket id)",
    "score": "good, bad or offered (surveyed tickets only)",
    "comment": "customer comment (about half of the answered surveys)",
    "satisfaction_ratings.created_at": "when the survey was offered (the ticket was solved), UTC",
    "satisfaction_ratings.updated_at": "same as created_at",
    # ticket_metric_events
    "ticket_metric_events.id": "event id (sequential)",
    "metric": "reply_time (first-response SLA) or requester_wait_time (resolution SLA, "
              "paused while pending)",
    "instance_id": "metric instance (1: first reply / first resolution)",
    "type": "activate, apply_sla, pause, fulfill or breach",
    "time": "when the event happened, UTC; a breach at the time the SLA clock reached its target",
    "sla.target": "SLA target in minutes (apply_sla rows only)",
    "sla.business_hours": "the SLA counts business hours only (apply_sla rows only)",
    "sla.policy.title": "SLA policy: customer tier and priority (apply_sla rows only)",
    # groups
    "name": "display name",
    "groups.name": "agent group name (scenario `agents`)",
    "description": "tier and group",
    "default": "the account's default group (the first)",
    "deleted": "deleted group (always false)",
    # users
    "users.id": "user id: 1000 + agent id for agents, 1,000,000 + customer id for end-users",
    "email": "e-mail address",
    "role": "agent or end-user",
    "users.organization_id": "organization of an end-user's company; empty for agents",
    "default_group_id": "an agent's group; empty for end-users",
    "users.external_id": "agent roster name or native customer id",
    "time_zone": "the scenario's time zone under Zendesk's name ('Eastern Time (US & Canada)'; "
                 "the IANA name if Zendesk has none)",
    "iana_time_zone": "the scenario's IANA time zone (calendar.timezone)",
    "locale": "the scenario's Faker locale (customers.locale), as a language tag",
    "active": "active user (always true)",
    # organizations
    "organizations.id": "organization id (500,000 + company id)",
    "organizations.name": "company name (Faker)",
    "domain_names": "the company's e-mail domain (a list in JSON Lines)",
}

SIMPLE: dict[str, str] = {
    "Ticket ID": "ticket id (native ticket_id + 1)",
    "Date opened": "local date and time the ticket was created (scenario time zone, no offset)",
    "Channel": "Phone, Chat, Email, Web or Social",
    "Issue type": "category, capitalised (login_access -> Login access)",
    "Time to resolution (minutes)": "created to last solved, calendar minutes, one decimal",
    "Status": "Reopened if ever reopened, else Escalated if ever escalated, else Resolved "
              "(only tickets solved or closed by the horizon are listed)",
}

# The zendesk_warehouse shape's columns and notes: dictionary_warehouse.py.
DESCRIPTIONS: dict[str, dict[str, str]] = {"native": NATIVE, "zendesk": ZENDESK, "simple": SIMPLE,
                                           "zendesk_warehouse": WAREHOUSE}
NOTES: dict[str, str] = {"zendesk_warehouse": WAREHOUSE_NOTES}


def describe(shape: str, table: str, column: str) -> str | None:
    """The description of one column, or None if it has none."""
    described = DESCRIPTIONS.get(shape, {})
    return described.get(f"{table}.{column}", described.get(column))


def _type_name(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    return "text"


def dictionary_frame(shape: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per column of ``tables``: table, column, type, description."""
    rows = [(name, column, _type_name(frame[column]), describe(shape, name, column) or MISSING)
            for name, frame in tables.items() for column in frame.columns]
    return pd.DataFrame(rows, columns=["table", "column", "type", "description"])


def dictionary_markdown(shape: str, frame: pd.DataFrame, notes: str = "") -> str:
    lines = [f"# Data dictionary ({shape} shape)", "", __doc__.split("\n\n")[2].strip(), ""]
    notes = notes or NOTES.get(shape, "")
    if notes:
        lines += [notes, ""]
    for table, rows in frame.groupby("table", sort=False):
        lines += [f"## {table}", "", "| column | type | description |", "|---|---|---|"]
        lines += [f"| `{r.column}` | {r.type} | {r.description.replace('|', '/')} |"
                  for r in rows.itertuples()]
        lines.append("")
    return "\n".join(lines)
