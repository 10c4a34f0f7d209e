"""Properties every run must keep, over small random scenarios (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from scenario_factory import small_scenarios

from simulator.config import CHANNELS
from simulator.datasets import EVENT_TO_STATUS, build_datasets
from simulator.engine import simulate
from simulator.lifecycle import TRANSITIONS
from simulator.loading import validate_scenario
from simulator.recorder import AgentState, Event, Status


def _run(data: dict, seed: int = 7):
    config = validate_scenario(data)
    result = simulate(config, seed)
    return config, result, build_datasets(config, result)


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_every_contact_arrives_once_and_ends_in_one_state(data, seed):
    _config, result, datasets = _run(data, seed)
    events = result.events.to_pandas()
    arrivals = events[events["event"] == int(Event.ARRIVE)]["ticket"]
    assert arrivals.is_unique
    assert sorted(arrivals) == sorted(result.attributes.column("contact_id").to_pylist())
    contacts = datasets.contacts
    assert set(contacts["outcome"]) <= {"deflected", "abandoned", "ticket", "waiting_at_horizon"}
    tickets = datasets.tickets
    assert set(tickets["ticket_id"]) == set(contacts.loc[contacts["is_ticket"], "contact_id"])
    ended = tickets["status"].isin(["solved", "closed"])
    assert (ended != tickets["open_at_horizon"]).all()
    deflected = contacts.loc[contacts["outcome"] == "deflected", "contact_id"]
    touched = events[events["event"].isin([int(Event.ASSIGN), int(Event.ABANDON)])]
    assert not touched["ticket"].isin(deflected).any()
    abandoned = set(events.loc[events["event"] == int(Event.ABANDON), "ticket"])
    solved = set(events.loc[events["event"] == int(Event.SOLVE), "ticket"])
    assert not abandoned & solved


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_lifecycles_follow_legal_transitions(data, seed):
    _, result, _ = _run(data, seed)
    events = result.events.to_pandas()
    status = events["event"].map(EVENT_TO_STATUS)
    rows = events.assign(status=status).dropna(subset=["status"])
    previous = rows.groupby("ticket")["status"].shift(1).fillna(int(Status.NONE))
    for before, after in set(zip(previous.astype(int), rows["status"].astype(int))):
        assert Status(after) in TRANSITIONS[Status(before)], (Status(before), Status(after))


def _held_by_agent(events: pd.DataFrame) -> pd.DataFrame:
    work = events[events["event"].isin([int(Event.ASSIGN), int(Event.COMPLETE),
                                        int(Event.HANDOVER)])].copy()
    work["delta"] = np.where(work["event"] == int(Event.ASSIGN), 1, -1)
    work = work.sort_values("agent", kind="stable")
    work["held"] = work.groupby("agent")["delta"].cumsum()
    return work


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_no_agent_holds_more_than_its_concurrency(data, seed):
    config, result, _ = _run(data, seed)
    events = result.events.to_pandas()
    work = _held_by_agent(events)
    limit = config.channels["chat"].concurrency
    assert work["held"].between(0, limit).all()
    chat = CHANNELS.index("chat")
    starts = work[work["event"] == int(Event.ASSIGN)]
    # Anything but a live chat (item 1 of a chat ticket) is taken only by an idle agent.
    solo = starts[~((starts["channel"] == chat) & (starts["item"] == 1) & (starts["tier"] == 0))]
    assert (solo["held"] == 1).all()


@given(small_scenarios(cover=True), st.integers(0, 2**31 - 1))
def test_covering_agents_take_one_item_at_a_time_and_every_ticket_ends_once(data, seed):
    config, result, datasets = _run(data, seed)
    events = result.events.to_pandas()
    work = _held_by_agent(events)
    l1 = {a.id for a in result.roster if a.tier == "L1"}
    assert work["held"].between(0, config.channels["chat"].concurrency).all()
    assert (work.loc[~work["agent"].isin(l1), "held"] <= 1).all()
    tickets = datasets.tickets
    ended = tickets["status"].isin(["solved", "closed"])
    assert (ended != tickets["open_at_horizon"]).all()
    assert events[events["event"] == int(Event.ARRIVE)]["ticket"].is_unique


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_agents_work_only_while_logged_in(data, seed):
    _, result, datasets = _run(data, seed)
    events = result.events.to_pandas()
    agent_rows = events[events["agent"] >= 0]
    state_rows = agent_rows["event"] == int(Event.AGENT_STATE)
    state = agent_rows["code"].where(state_rows).groupby(agent_rows["agent"]).ffill()
    assigns = agent_rows["event"] == int(Event.ASSIGN)
    assert (state[assigns] == int(AgentState.AVAILABLE)).all()
    states = datasets.agent_states
    per_agent = states.pivot_table(index="agent_id", columns="state", values="duration_seconds",
                                   aggfunc="sum", fill_value=0.0)
    per_agent = per_agent.reindex(columns=["busy", "available"], fill_value=0.0)
    busy = per_agent["busy"]
    logged_in = busy + per_agent["available"]
    assert (busy <= logged_in + 1e-6).all()


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_no_work_and_no_resolution_clock_while_pending(data, seed):
    _, result, datasets = _run(data, seed)
    events = result.events.to_pandas()
    rows = events[events["event"].isin([int(Event.PENDING), int(Event.CUSTOMER_REPLY),
                                        int(Event.ASSIGN)])]
    pending = rows["event"].map({int(Event.PENDING): 1, int(Event.CUSTOMER_REPLY): 0})
    state = pending.groupby(rows["ticket"]).ffill().fillna(0)
    assert (state[rows["event"] == int(Event.ASSIGN)] == 0).all()
    # the clock also stops while a ticket sits solved before a reopen
    audit = datasets.events[datasets.events["event"].isin(["solve", "reopen"])]
    since_solve = audit["time"] - audit.groupby("ticket_id")["time"].shift()
    solved_gap = since_solve[audit["event"] == "reopen"].groupby(audit["ticket_id"]).sum()
    tickets = datasets.tickets.set_index("ticket_id")
    settled = tickets["status"].isin(["solved", "closed"])
    calendar_policy = tickets[~tickets["sla_business_hours"] & settled]
    clock = calendar_policy["sla_resolution_elapsed_minutes"] * 60.0
    wall = calendar_policy["solved_at"] - calendar_policy["created"]
    paused = calendar_policy["pending_seconds"] + solved_gap.reindex(clock.index, fill_value=0.0)
    np.testing.assert_allclose(clock + paused, wall, atol=1e-6)


@given(small_scenarios())
def test_same_seed_same_log_and_a_different_seed_differs(data):
    config = validate_scenario(data)
    first, again = simulate(config, 11), simulate(config, 11)
    pd.testing.assert_frame_equal(first.events.to_pandas(), again.events.to_pandas())
    pd.testing.assert_frame_equal(first.attributes.to_pandas(), again.attributes.to_pandas())
    other = simulate(config, 12).attributes.to_pandas()
    assert not first.attributes.to_pandas()["arrival_time"].equals(other["arrival_time"])


@given(small_scenarios(), st.integers(0, 2**31 - 1))
def test_demand_change_on_one_day_leaves_other_days_customers_unchanged(data, seed):
    base = validate_scenario(data)
    changed = dict(data, seasonality={"holiday_factor": 2.5})  # 2026-03-30 only
    other = validate_scenario(changed)
    key = ["source", "channel", "day", "generation", "position"]
    columns = key + ["arrival_time", "customer", "category", "priority", "work_seconds",
                     "patience_seconds", "escalates_l2", "reopens"]
    a = simulate(base, seed).attributes.to_pandas()[columns]
    b = simulate(other, seed).attributes.to_pandas()[columns]
    holiday = 2  # warm-up day 0 = 03-28, 1 = 03-29 (DST), 2 = 03-30 (calendar index)
    a0 = a[(a["generation"] == 0) & (a["day"] != holiday)].sort_values(key).reset_index(drop=True)
    b0 = b[(b["generation"] == 0) & (b["day"] != holiday)].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a0, b0)
    more = b[(b["generation"] == 0) & (b["day"] == holiday)]
    fewer = a[(a["generation"] == 0) & (a["day"] == holiday)]
    assert len(more) > len(fewer)


def test_a_demand_event_keeps_every_baseline_customer_and_adds_more():
    from simulator.loading import load_scenario

    path = "scenarios/theory/mmc_abandon.yaml"
    days = ("calendar.days=2", "calendar.warmup_days=0")
    outage = ("demand_events=[{name: outage, start: 2026-01-05T10:00:00, duration_hours: 6, "
              "extra_volume_factor: 3.0, channels: [phone]}]")
    base = simulate(load_scenario(path, days), 5).attributes.to_pandas()
    surge = simulate(load_scenario(path, (*days, outage)), 5).attributes.to_pandas()
    key = ["source", "channel", "day", "generation", "position"]
    columns = [*key, "arrival_time", "customer", "work_seconds", "patience_seconds"]
    first = base[base["generation"] == 0][columns].sort_values(key).reset_index(drop=True)
    kept = surge[(surge["generation"] == 0) & (surge["source"] == 0)][columns]
    pd.testing.assert_frame_equal(first, kept.sort_values(key).reset_index(drop=True))
    extra = surge[surge["source"] == 1]
    in_window = extra["arrival_time"].between(10 * 3600, 16 * 3600)
    assert len(extra) > 0 and in_window.all()
    expected = 3.0 * 8640 * 6 / 24  # +300% of 0.1 calls/s over six hours
    assert abs(len(extra) - expected) < 5 * expected**0.5
