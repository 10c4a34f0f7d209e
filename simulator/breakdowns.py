"""KPIs by dimension: one tidy table (dimension, key, kpi, value, status).

Every value comes from the grouped measures of ``simulator.kpis`` (one
formula per KPI), so a breakdown row and ``kpis.json`` always agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.config import CHANNELS, TIERS, KpiBand, ScenarioConfig
from simulator.kpis import (
    DEFINITIONS,
    band_for,
    channel_occupancy,
    contact_measures,
    period_keys,
    safe_divide,
    scorecard_measures,
    staffing_measures,
    status,
    ticket_measures,
    tickets_per_agent_day,
)

if TYPE_CHECKING:
    from simulator.datasets import Datasets

TICKET_DIMENSIONS = ("channel", "category", "priority", "customer_tier")


def kpi_breakdowns(config: ScenarioConfig, datasets: Datasets) -> pd.DataFrame:
    """Tidy KPIs (dimension, key, kpi, value, status) overall and by channel, tier,
    category, priority, customer tier, agent, day, week and month.

    Tickets count by their channel, category, priority and customer tier, by the
    highest tier they reached, by their (last) assignee and by the period they were
    created in; contacts by their channel and arrival period; staffing by the agent,
    the agent's tier and the period of the (midnight-split) spell. Cost per ticket is
    reported overall, by tier (cost of the tier / tickets it worked on) and by period.
    """
    tickets, contacts, horizon = datasets.tickets, datasets.contacts, datasets.horizon_seconds
    by_day = datasets.agent_states_by_day
    work = datasets.work
    ticket_periods = period_keys(datasets, tickets["created"].to_numpy())
    contact_periods = period_keys(datasets, contacts["arrival_time"].to_numpy())
    spell_periods = {"day": by_day["date"].to_numpy(),
                     "week": period_keys(datasets, by_day["start"].to_numpy())["week"],
                     "month": by_day["date"].str[:7].to_numpy()}
    cards, reviews = datasets.agent_daily, datasets.qa_reviews
    days = period_keys(datasets, datasets.calendar.day_start[:-1])
    week_of = dict(zip(days["day"], days["week"]))
    card_periods = {"day": cards["date"].to_numpy(), "week": cards["date"].map(week_of).to_numpy(),
                    "month": cards["date"].str[:7].to_numpy()}
    review_periods = {"day": reviews["reviewed_date"].to_numpy(),
                      "week": reviews["reviewed_date"].map(week_of).to_numpy(),
                      "month": reviews["reviewed_date"].str[:7].to_numpy()}
    work_periods = {"day": work["date"].to_numpy(),
                    "week": period_keys(datasets, work["time"].to_numpy())["week"],
                    "month": work["date"].str[:7].to_numpy()}
    frames = []

    def add(dimension: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        long = frame.rename_axis("key").reset_index().melt(id_vars="key", var_name="kpi")
        long.insert(0, "dimension", dimension)
        frames.append(long)

    overall = ticket_measures(tickets, np.full(len(tickets), "all"), horizon)
    overall = overall.join(contact_measures(config, contacts, np.full(len(contacts), "all")), how="outer")
    staff = staffing_measures(config, by_day, np.full(len(by_day), "all"))
    overall = overall.join(staff, how="outer")
    overall["cost_per_ticket"] = safe_divide(overall["agent_cost"], overall["tickets"])
    overall["tickets_per_agent_day"] = tickets_per_agent_day(
        work, by_day, np.full(len(work), "all"), np.full(len(by_day), "all"))
    overall = overall.join(scorecard_measures(cards, reviews, np.full(len(cards), "all"),
                                              np.full(len(reviews), "all")), how="outer")
    add("overall", overall)
    channel_names = np.array(CHANNELS)[contacts["channel"].to_numpy()]
    by_channel = ticket_measures(tickets, tickets["channel"].to_numpy(), horizon).join(
        contact_measures(config, contacts, channel_names), how="outer")
    for name in by_channel.index:
        if name not in config.synchronous_channels and "service_level" in by_channel:
            by_channel.loc[name, "service_level"] = by_channel.loc[name, "sla_first_response_compliance"]
    by_channel["occupancy"] = [channel_occupancy(datasets.intervals, c) for c in by_channel.index]
    qa_by = {d: reviews.groupby(d)["qa_score"].mean().rename("qa_score_mean")
             for d in TICKET_DIMENSIONS if d in reviews}
    add("channel", by_channel.join(qa_by["channel"], how="left"))
    for dimension in TICKET_DIMENSIONS[1:]:
        frame = ticket_measures(tickets, tickets[dimension].to_numpy(), horizon)
        add(dimension, frame.join(qa_by[dimension], how="left") if dimension in qa_by else frame)
    tier_tickets = ticket_measures(tickets, tickets["highest_tier"].to_numpy(), horizon)
    tier_staff = staffing_measures(config, by_day, by_day["tier"].to_numpy())
    tiers = tier_tickets.join(tier_staff, how="outer")
    worked = work.drop_duplicates(["tier", "ticket_id"]).groupby("tier").size()
    tiers["cost_per_ticket"] = safe_divide(tiers["agent_cost"], worked.reindex(tiers.index).to_numpy())
    tiers["tickets_per_agent_day"] = tickets_per_agent_day(
        work, by_day, work["tier"].to_numpy(), by_day["tier"].to_numpy())
    tiers = tiers.join(scorecard_measures(cards, reviews, cards["tier"].to_numpy(),
                                          reviews["tier"].to_numpy()), how="left")
    add("tier", tiers.loc[[t for t in TIERS if t in tiers.index]])
    assigned = tickets[tickets["assignee"] != ""]
    agents = ticket_measures(assigned, assigned["assignee"].to_numpy(), horizon).join(
        staffing_measures(config, by_day, by_day["agent"].to_numpy()), how="outer")
    agents["tickets_per_agent_day"] = tickets_per_agent_day(
        work, by_day, work["agent"].to_numpy(), by_day["agent"].to_numpy())
    agents = agents.join(scorecard_measures(cards, reviews, cards["agent"].to_numpy(),
                                            reviews["agent"].to_numpy()), how="left")
    add("agent", agents.drop(columns=["agent_cost"]))
    for period in ("day", "week", "month"):
        frame = ticket_measures(tickets, ticket_periods[period], horizon).join(
            contact_measures(config, contacts, contact_periods[period]), how="outer").join(
            staffing_measures(config, by_day, spell_periods[period]), how="outer")
        frame["cost_per_ticket"] = safe_divide(frame["agent_cost"], frame["tickets"])
        frame["tickets_per_agent_day"] = tickets_per_agent_day(
            work, by_day, work_periods[period], spell_periods[period])
        frame = frame.join(scorecard_measures(cards, reviews, card_periods[period],
                                              review_periods[period]), how="left")
        add(period, frame)
    table = pd.concat(frames, ignore_index=True)
    table["key"] = table["key"].astype(str)
    table["value"] = table["value"].astype(float)
    table = table[table["kpi"].isin(DEFINITIONS.keys())]
    channel = np.where(table["dimension"] == "channel", table["key"], None)
    bands: dict[tuple, KpiBand | None] = {}
    for pair in set(zip(table["kpi"], channel)):
        bands[pair] = band_for(config, *pair)
    table["status"] = [status(v, bands[(k, c)])
                       for v, k, c in zip(table["value"], table["kpi"], channel)]
    return table.reset_index(drop=True)
