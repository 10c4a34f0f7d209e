"""Handing memory back changes no value."""

from __future__ import annotations

from pathlib import Path

from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.memory import return_free_memory, without_tables

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
