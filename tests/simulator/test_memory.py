"""Handing memory back changes no value."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.memory import Handover, return_free_memory, without_tables

ROOT = Path(__file__).resolve().parents[2]


def test_without_tables_keeps_everything_but_the_rows():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=1",))
    result = simulate(config, 2)
    light = without_tables(result)
    assert light.events.num_rows == 0 and light.attributes.num_rows == 0
    assert light.events.schema == result.events.schema
    assert light.attributes.schema == result.attributes.schema
    assert (light.roster, light.calendar, light.seed) == (result.roster, result.calendar, result.seed)
    assert result.events.num_rows > 0  # the original is untouched


def test_return_free_memory_changes_no_table():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=1",))
    result = simulate(config, 2)
    before = build_datasets(config, result).tickets.copy()
    return_free_memory()
    assert build_datasets(config, result).tickets.equals(before)


def test_only_tables_empties_the_others_keeping_their_columns():
    from simulator.memory import only_tables

    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=1",))
    result = simulate(config, 2)
    datasets = build_datasets(config, result)
    kept = only_tables(datasets, ("tickets", "events"))
    assert kept.tickets is datasets.tickets and kept.events is datasets.events
    for name in ("contacts", "agent_states", "intervals", "daily", "agent_daily", "qa_reviews",
                 "work"):
        frame, before = getattr(kept, name), getattr(datasets, name)
        assert len(frame) == 0 and list(frame.columns) == list(before.columns)
        assert (frame.dtypes == before.dtypes).all()
    assert kept.horizon_seconds == datasets.horizon_seconds


def test_handover_gives_its_value_once():
    handover = Handover([1, 2])
    assert handover.peek() == [1, 2]
    assert handover.take() == [1, 2]
    with pytest.raises(RuntimeError):
        handover.take()
    with pytest.raises(RuntimeError):
        handover.peek()


def test_datasets_from_a_handover_equal_those_from_the_result():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=3",))
    kept = build_datasets(config, simulate(config, 2))
    handover = Handover(simulate(config, 2))
    handed = build_datasets(config, handover)
    for name in (*kept.tables(), "work", "agent_states_by_day"):
        assert getattr(handed, name).equals(getattr(kept, name)), name
    with pytest.raises(RuntimeError):  # the engine's tables went with the handover
        handover.peek()


def test_without_tables_can_drop_the_attribute_table_alone():
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=1",))
    result = simulate(config, 2)
    light = without_tables(result, ("attributes",))
    assert light.attributes.num_rows == 0 and light.attributes.schema == result.attributes.schema
    assert light.events is result.events
