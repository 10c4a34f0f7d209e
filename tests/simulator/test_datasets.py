"""Dataset building shares the log's buffers and builds from the whole log; the
tables are the same as those built from copies of the tickets' own rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.attribute_table import attribute_table
from simulator.datasets import (
    build_contacts,
    build_event_table,
    build_tickets,
    event_frame,
    without_locators,
)
from simulator.engine import simulate
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=3",))
    return config, simulate(config, 5)


def test_event_frame_is_the_log_without_locators(run):
    _, result = run
    frame = event_frame(result.events)
    pd.testing.assert_frame_equal(frame, without_locators(result.events.to_pandas()))
    assert np.shares_memory(frame["time"].to_numpy(), result.events.column("time").to_numpy())


def test_tables_from_the_whole_log_equal_tables_from_ticket_rows(run):
    config, result = run
    events = event_frame(result.events)
    contacts = build_contacts(config, events, result.attributes)
    own = events[events["ticket"].isin(contacts.loc[contacts["is_ticket"], "contact_id"])]
    tickets = build_tickets(config, result, events, contacts)
    pd.testing.assert_frame_equal(tickets, build_tickets(config, result, own, contacts))
    audit = build_event_table(events, result, tickets["ticket_id"].to_numpy())
    pd.testing.assert_frame_equal(audit, build_event_table(own, result))


def test_attribute_table_is_by_contact_id_with_parents(run):
    _, result = run
    table = attribute_table(result.events, {})
    ids = table.column("contact_id").to_numpy()
    assert np.all(np.diff(ids) > 0)
    parent = table.column("parent_id").to_numpy()
    assert set(parent[parent >= 0]) <= set(ids)
    assert table.equals(result.attributes.select(table.column_names))


def test_ticket_measures_read_only_the_listed_columns(run):
    from simulator.datasets import build_datasets
    from simulator.kpis import TICKET_MEASURE_COLUMNS, ticket_measures

    config, result = run
    tickets = build_datasets(config, result).tickets
    key = tickets["channel"].to_numpy()
    pd.testing.assert_frame_equal(ticket_measures(tickets[list(TICKET_MEASURE_COLUMNS)], key, 1e6),
                                  ticket_measures(tickets, key, 1e6))


def test_contact_measures_read_only_the_listed_columns(run):
    from simulator.datasets import build_datasets
    from simulator.kpis import CONTACT_MEASURE_COLUMNS, contact_kpis, contact_measures

    config, result = run
    contacts = build_datasets(config, result).contacts
    key = contacts["channel"].to_numpy()
    narrow = contacts[list(CONTACT_MEASURE_COLUMNS)]
    pd.testing.assert_frame_equal(contact_measures(config, narrow, key),
                                  contact_measures(config, contacts, key))
    assert contact_kpis(config, narrow, True, 20.0) == contact_kpis(config, contacts, True, 20.0)
