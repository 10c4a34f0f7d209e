"""Every KPI's name, unit, direction and formula, in one table.

``simulator.kpis`` computes them; ``summary.md``, ``kpis.json`` and the
breakdowns print these descriptions beside the values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KpiDefinition:
    name: str
    unit: str
    higher_is_better: bool
    description: str  # the formula


DEFINITIONS: dict[str, KpiDefinition] = {d.name: d for d in (
    KpiDefinition("contacts", "count", True, "contacts arrived in the period"),
    KpiDefinition("tickets", "count", True, "contacts that became tickets"),
    KpiDefinition("deflection_rate", "fraction", True, "deflected by self-service / contacts"),
    KpiDefinition("service_level", "fraction", True,
                  "answered within threshold / base (basis); async: first responses in SLA"),
    KpiDefinition("asa_seconds", "seconds", False, "sum of waits of answered live contacts / answered"),
    KpiDefinition("abandonment_rate", "fraction", False, "abandoned / offered live contacts"),
    KpiDefinition("frt_mean_minutes", "minutes", False, "mean calendar first response time"),
    KpiDefinition("frt_median_minutes", "minutes", False, "median calendar first response time"),
    KpiDefinition("frt_p90_minutes", "minutes", False, "90th percentile calendar first response time"),
    KpiDefinition("frt_business_mean_minutes", "minutes", False, "mean business-hours first response time"),
    KpiDefinition("frt_business_median_minutes", "minutes", False, "median business-hours FRT"),
    KpiDefinition("frt_business_p90_minutes", "minutes", False, "90th percentile business-hours FRT"),
    KpiDefinition("frt_async_mean_minutes", "minutes", False,
                  "mean calendar FRT of email, web and social tickets"),
    KpiDefinition("ttr_mean_hours", "hours", False, "mean calendar full resolution time (created -> last solve)"),
    KpiDefinition("ttr_median_hours", "hours", False, "median calendar full resolution time"),
    KpiDefinition("ttr_p90_hours", "hours", False, "90th percentile calendar full resolution time"),
    KpiDefinition("ttr_business_mean_hours", "hours", False, "mean business-hours full resolution time"),
    KpiDefinition("ttr_business_median_hours", "hours", False, "median business-hours resolution time"),
    KpiDefinition("ttr_business_p90_hours", "hours", False, "90th percentile business-hours resolution time"),
    KpiDefinition("fcr_rate", "fraction", True, "first-contact resolutions / solved tickets"),
    KpiDefinition("csat_mean", "score 1-5", True, "mean survey score"),
    KpiDefinition("csat_satisfied_rate", "fraction", True, "scores 4-5 / survey responses"),
    KpiDefinition("csat_responses", "count", True, "survey responses"),
    KpiDefinition("sla_first_response_compliance", "fraction", True, "1 - FRT breached / FRT decided"),
    KpiDefinition("sla_next_reply_compliance", "fraction", True, "1 - next reply breached / decided"),
    KpiDefinition("sla_resolution_compliance", "fraction", True, "1 - resolution breached / decided"),
    KpiDefinition("frt_sla_share_mean", "fraction", False,
                  "mean of FRT elapsed on the SLA clock / FRT target, responded tickets with a target"),
    KpiDefinition("sla_breaches", "count", False, "tickets with any SLA clock breached"),
    KpiDefinition("sla_severe_breaches", "count", False, "tickets at 200% of an SLA target"),
    KpiDefinition("escalation_rate", "fraction", False, "tickets escalated from L1 / tickets"),
    KpiDefinition("reopen_rate", "fraction", False, "tickets reopened / solved tickets"),
    KpiDefinition("open_at_horizon", "count", False, "backlog: tickets not solved at the horizon"),
    KpiDefinition("backlog_age_mean_hours", "hours", False, "mean age at the horizon of the backlog"),
    KpiDefinition("reopened_24h_rate", "fraction", False, "tickets reopened within 24 h of a solve / solved"),
    KpiDefinition("severe_reopens", "count", False, "tickets reopened within 24 h three or more times"),
    KpiDefinition("low_rating_rate", "fraction", False,
                  "scores 1-2 / survey responses (rated at the solve: no rating time is drawn)"),
    KpiDefinition("frustration_index", "points per ticket", False,
                  "(reopened 24 h: 1, severe 3) + escalated + rated 1-2 (within 48 h of solving: "
                  "every rating is taken at the solve), summed / tickets"),
    KpiDefinition("occupancy", "fraction", True, "busy / (available + busy)"),
    KpiDefinition("utilisation", "fraction", True, "busy / paid time"),
    KpiDefinition("shrinkage_in_shift", "fraction", False, "in-shift unavailable time / paid time"),
    KpiDefinition("shrinkage_out_of_shift", "fraction", False, "absent + vacation time / paid time"),
    KpiDefinition("shrinkage", "fraction", False, "in-shift + out-of-shift shrinkage"),
    KpiDefinition("paid_hours", "hours", True, "rostered hours, absence and vacation included"),
    KpiDefinition("agent_cost", "currency", False, "paid hours x hourly cost of the tier"),
    KpiDefinition("overtime_hours", "hours", False,
                  "logged in past a shift's end to finish work in hand (in paid hours)"),
    KpiDefinition("cost_per_ticket", "currency", False, "agent cost / tickets"),
    KpiDefinition("tickets_per_agent_day", "tickets per agent-day", True,
                  "tickets an agent completed work on, per agent-day logged in"),
    KpiDefinition("chat_occupancy", "fraction", True, "available time with >= 1 chat"),
    KpiDefinition("chat_slot_fill", "fraction", True, "chat time / (k x available time)"),
    KpiDefinition("adherence", "fraction", True,
                  "scheduled time in the scheduled state / scheduled time (agent_daily)"),
    KpiDefinition("qa_score_mean", "score 0-100", True, "mean weighted QA score of reviewed tickets"),
)}
