"""The engine frees what it is done with by reference counting: a reference cycle
per contact would leave the cyclic garbage collector hundreds of thousands of
objects a year to find (time and memory), as an item <-> timer cycle once did."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from simulator.engine import simulate
from simulator.loading import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


@pytest.mark.parametrize("shift_end", ["finish", "resume"])
def test_a_run_leaves_no_cyclic_garbage_per_contact(shift_end):
    config = load_scenario(BASELINE, ("calendar.days=14", f"routing.shift_end={shift_end}"))
    gc.collect()
    gc.disable()
    try:
        result = simulate(config, seed=1)
        garbage = gc.collect()  # what only the cycle collector could free
    finally:
        gc.enable()
    # The run's last state (the engine, its agents, tickets open at the horizon) is a
    # few hundred objects; one cycle per contact would be several per contact.
    assert garbage < 0.25 * result.attributes.num_rows
