"""The data dictionary of the ``zendesk_warehouse`` shape (simulator/warehouse.py):
every column the Fivetran-shaped tables hold, and how supportsim's events become
ticket comments and field-history rows. Part of simulator/dictionary.py."""

from __future__ import annotations

_SYNCED = "when the connector last synced the row: the run's horizon, UTC"
_WH_USER = "user id: 1000 + agent id for agents, 1,000,000 + customer id for end-users"
WAREHOUSE: dict[str, str] = {
    "id": "id of the row",
    "_fivetran_synced": _SYNCED,
    "_fivetran_deleted": "deleted in Zendesk (always false)",
    "created_at": "when the row was created, UTC without offset",
    "updated_at": "when the row last changed, UTC without offset",
    "url": "API URL of the object (example.zendesk.com)",
    "name": "display name",
    "external_id": "supportsim's own id (native ticket_id, roster name, customer or company id)",
    "time_zone": "the scenario's time zone (calendar.timezone) under Zendesk's name, e.g. "
                 "'Eastern Time (US & Canada)' for America/New_York; a zone Zendesk has no name "
                 "for keeps its IANA name (schedule, time_zone, daylight_time and user agree)",
    # ticket
    "ticket.id": "ticket id = native ticket_id + 1 (Zendesk ids start at 1)",
    "ticket.created_at": "when the ticket arrived (native created), UTC without offset, floored "
                         "to the second",
    "ticket.updated_at": "last event of the ticket by the horizon, UTC",
    "assignee_id": "user id of the last assignee (1000 + agent id); empty if never assigned",
    "brand_id": "brand (a single brand, id 1)",
    "description": "the ticket's first comment (its subject, written by the requester)",
    "due_at": "due date of task tickets (always empty)",
    "group_id": "group of the last assignee (100 + group index); empty if never assigned",
    "has_incidents": "a problem ticket with linked incidents (always false)",
    "is_public": "the ticket has public comments (always true)",
    "organization_id": "organization of the requester's company (500,000 + company id)",
    "priority": "urgent (P1), high (P2), normal (P3), low (P4, P5)",
    "problem_id": "the problem an incident is linked to (always empty)",
    "recipient": "e-mail address the ticket was sent to (always empty)",
    "requester_id": "user id of the requester (1,000,000 + customer id)",
    "status": "new, open, pending, hold, solved or closed: native status at the horizon",
    "subject": "ticket subject, drawn from templates for its category",
    "submitter_id": "user id of the submitter (the requester)",
    "ticket_form_id": "ticket form (always empty)",
    "type": "problem (reached L3), incident (P1/P2) or question",
    "via_channel": "voice (phone), chat, email, web or twitter (social)",
    # ticket_comment
    "body": "comment text from a template and the subject: the description for the first comment",
    "created": "when the comment was made, UTC without offset (event time floored to the second)",
    "public": "public comment (false: an internal note, i.e. an escalation hand-off)",
    "ticket_id": "ticket id (native ticket_id + 1)",
    "ticket_comment.user_id": f"author: {_WH_USER}",
    "voice_comment": "the answer of a phone call",
    "facebook_comment": "comment from Facebook (always false)",
    "tweet": "public comment on a social ticket",
    # ticket_field_history
    "field_name": "status, priority, assignee_id, group_id, sla_policy, first_reply_time, "
                  "next_reply_time, requester_wait_time or agent_work_time",
    "updated": "when the field got this value, UTC without offset, floored to the second; "
               "changes within one second of a ticket are one update (last value kept)",
    "ticket_field_history.user_id": "who made the change: the requester (creation, customer "
                                    "reply, reopen) or the agent; empty for SLA rows (system)",
    "value": "the new value as text: status name, priority, user or group id, SLA policy name "
             "(customer tier and priority), or for SLA targets JSON such as "
             '{"minutes":60,"in_business_hours":true} (whole minutes of the scenario\'s SLA matrix)',
    # user
    "user.id": _WH_USER,
    "active": "active (always true)",
    "email": "e-mail address",
    "locale": "the scenario's Faker locale (customers.locale), as a language tag",
    "user.name": "Faker name of the agent or customer",
    "user.organization_id": "organization of an end-user's company; empty for agents",
    "role": "agent or end-user",
    "suspended": "suspended user (always false)",
    # group, organization
    "group.id": "group id (100 + group index, groups sorted by name)",
    "group.name": "agent group name (scenario `agents`)",
    "organization.id": "organization id (500,000 + company id)",
    "organization.name": "company name (Faker)",
    # domain_name
    "index": "position of the domain in its organization's list (0: each company has one)",
    "domain_name.organization_id": "organization the domain belongs to (500,000 + company id)",
    "domain_name": "the company's e-mail domain",
    # ticket_tag
    "tag": "one tag of the ticket (from its subject template)",
    # satisfaction_rating
    "satisfaction_rating.id": "rating id (the ticket id)",
    "satisfaction_rating.assignee_id": "assignee of the rated ticket",
    "satisfaction_rating.group_id": "group of the rated ticket",
    "satisfaction_rating.requester_id": "requester of the rated ticket",
    "satisfaction_rating.created_at": "when the survey was offered (the ticket was solved), UTC",
    "satisfaction_rating.updated_at": "same as created_at",
    "comment": "customer comment (about half of the answered surveys)",
    "score": "good (4-5; 3 too with --csat-three good), bad or offered (surveyed, no answer)",
    # brand
    "brand.id": "brand id (1)",
    "brand.name": "the scenario's name",
    "brand_url": "the brand's URL",
    "default": "the account's default brand (true)",
    "has_help_center": "the brand has a help center (true)",
    "help_center_state": "help center state (enabled)",
    "subdomain": "Zendesk subdomain (example)",
    # schedules
    "schedule.id": "schedule id (1: the scenario's business hours)",
    "schedule.name": "schedule name",
    "schedule.created_at": "start of the reporting period, UTC",
    "start_time": "start of a weekly open interval in minutes from Sunday 00:00 local "
                  "(Monday 09:00 is 1980)",
    "end_time": "end of the weekly open interval in minutes from Sunday 00:00 local (exclusive)",
    "standard_offset": "the time zone's standard UTC offset, +HH:MM",
    "year": "year of the daylight saving period",
    "daylight_start_utc": "when daylight saving starts that year, UTC",
    "daylight_end_utc": "when daylight saving ends that year, UTC",
    "daylight_offset": "hours added to the standard offset during daylight saving",
    "schedule_holiday.id": "holiday id: schedule id x 100,000,000 + the date as YYYYMMDD",
    "schedule_id": "schedule id (1)",
    "schedule_holiday.name": "holiday name (Holiday and its date; the scenario lists dates only)",
    "start_date": "first day of the holiday, local date",
    "end_date": "last day of the holiday, inclusive",
    "ticket_schedule.created_at": "when the schedule was applied: the ticket's creation, UTC",
}

WAREHOUSE_NOTES = """How supportsim's events become rows (ticket_comment, ticket_field_history):

| supportsim event | ticket_comment | ticket_field_history |
|---|---|---|
| `arrive` | the description: public, by the requester, at `created_at` | `status` new, `priority`, `sla_policy`, `first_reply_time`, `next_reply_time`, `requester_wait_time`, `agent_work_time` |
| answer of a phone or chat contact | public, by the answering agent, at native `first_response_at` | - |
| `assign` | - | `status` open (if it changes), `assignee_id`, `group_id` (when they change) |
| `reply` | public, by the agent | - |
| `note` (escalation hand-off) | private, by the agent | - |
| `customer_reply` | public, by the requester | `status` open |
| `reopen` | public, by the requester | `status` open |
| `pending`, `hold`, `release`, `solve`, `close` | - | `status` |

SLA rows come from the scenario's SLA matrix (customer tier x priority): the
policy name (`enterprise P2`), then first response as `first_reply_time`, next
reply as `next_reply_time` (when the policy sets one) and resolution as
`requester_wait_time` (time new, open or on hold, paused while pending), and
the optional agent work target as `agent_work_time` (time new or open).
Priority never changes in supportsim, so each ticket has one priority row.
supportsim's resolution clock is Zendesk's requester wait time: it runs from
creation to the last solve (to the horizon while unsolved or reopened and not
solved again) and stops while pending and while solved before a reopen, so a
reopened ticket's clock resumes at the reopen. `agent_work_time` (Zendesk's
agent work time: time new or open, so the resolution clock without on-hold
time) is written for policies that set the optional `agent_work_minutes`;
a policy without it gets no row, as in Zendesk, where an SLA policy sets only
the metrics it targets. The scenarios shipped set none.

Running dbt_zendesk on these tables: the connector's optional tables that
supportsim has nothing for (`organization_tag`, `user_tag`,
`ticket_form_history`, `sla_policy_metric_history`, `ticket_sla_policy`,
`audit_log`, `ticket_chat`) are not written, so set the package's variables
`using_organization_tags`, `using_user_tags`, `using_ticket_form_history`,
`using_sla_policy_metric_history` and `using_ticket_sla_policy` to false
(`using_audit_log` and `using_ticket_chat` are false by default). Columns the
connector lands that supportsim cannot fill (e.g. `ticket.system_*`,
`user.phone`) are left out; the package's staging models fill them with nulls.

Time zones: Zendesk and the connector name zones the Rails way
(`Eastern Time (US & Canada)`, `London`), and dbt_zendesk joins
`schedule.time_zone` to `time_zone.time_zone` and `daylight_time.time_zone`.
Every table here carries the Zendesk name of the scenario's IANA zone
(simulator/zendesk_zones.py lists the mapping; where Rails has several names
for one zone the one after the IANA city is used); a zone without a Zendesk
name is written under its IANA name everywhere, so the joins still hold.

Seconds to minutes: supportsim keeps float seconds. Every timestamp here is the
UTC instant floored to the whole second, so a duration computed from two of
them (e.g. first reply time = first public agent comment after the first
comment minus `created_at`) is within one second of supportsim's own float
(native `frt_calendar_minutes` x 60). Minutes are that difference / 60; SLA
targets are the scenario's whole minutes.
"""
