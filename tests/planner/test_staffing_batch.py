"""The vectorised search gives exactly the scalar ``required_agents``, interval by interval."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import requirements as req
from planner import staffing_batch
from planner.erlang import erlang_a, erlang_b
from planner.staffing import required_agents
from planner.staffing_batch import required_agents_many
from simulator.config import SkillGroup
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASES = ("offered", "answered", "abandon_met", "exclude_short")


def _scalar(rates, aht, target, within, patience, basis="offered", abandon=None, asa=None,
            occupancy=None):
    ahts = np.broadcast_to(aht, np.shape(rates))
    pats = None if patience is None else np.broadcast_to(patience, np.shape(rates))
    return [required_agents(float(r), float(a), target, within,
                            None if pats is None else float(pats[i]), basis, abandon, asa,
                            occupancy)
            for i, (r, a) in enumerate(zip(rates, ahts, strict=True))]


@settings(max_examples=60, deadline=None)
@given(rates=st.lists(st.floats(0.0, 0.5), min_size=1, max_size=12),
       aht=st.floats(30.0, 900.0), patience=st.one_of(st.none(), st.floats(10.0, 1800.0)),
       target=st.one_of(st.none(), st.floats(0.3, 0.95)), within=st.floats(0.0, 60.0),
       basis=st.sampled_from(BASES), abandon=st.one_of(st.none(), st.floats(0.005, 0.3)),
       asa=st.one_of(st.none(), st.floats(1.0, 120.0)),
       occupancy=st.one_of(st.none(), st.floats(0.5, 0.98)))
def test_batch_equals_the_scalar_search(rates, aht, patience, target, within, basis, abandon,
                                        asa, occupancy):
    if target is None and abandon is None and asa is None and occupancy is None:
        target = 0.8
    got = _outcome(lambda: required_agents_many(np.array(rates), aht, target, within, patience,
                                                basis, abandon, asa, occupancy).tolist())
    assert got == _outcome(lambda: _scalar(rates, aht, target, within, patience, basis, abandon,
                                           asa, occupancy))


def _outcome(search):
    """The answer, or the error (the same inputs must be refused the same way)."""
    try:
        return search()
    except ValueError as error:
        return str(error).split(",")[0]


@pytest.mark.parametrize("basis", BASES)
def test_batch_equals_the_scalar_search_on_a_grid(basis):
    # loads from 0.01 to 300 erlangs, with per-row handle times and patience (a pooled queue)
    rates = np.geomspace(1e-5, 1.0, 40)
    aht = np.resize([180.0, 420.0, 780.0], 40)
    patience = np.resize([60.0, 210.0, 600.0, 1500.0], 40)
    got = required_agents_many(rates, aht, 0.8, 20.0, patience, basis, 0.05)
    assert got.tolist() == _scalar(rates, aht, 0.8, 20.0, patience, basis, 0.05)
    erlang_c = required_agents_many(rates, aht, 0.9, 15.0, max_asa_seconds=10.0)
    assert erlang_c.tolist() == _scalar(rates, aht, 0.9, 15.0, None, asa=10.0)


def test_every_decision_by_the_scalar_code_gives_the_same(monkeypatch):
    rates = np.linspace(0.001, 0.05, 15)
    fast = required_agents_many(rates, 600.0, 0.8, 20.0, 240.0, "answered", 0.05)
    monkeypatch.setattr(staffing_batch, "MARGIN", 2.0)  # every comparison is "too close"
    slow = required_agents_many(rates, 600.0, 0.8, 20.0, 240.0, "answered", 0.05)
    assert fast.tolist() == slow.tolist() == _scalar(rates, 600.0, 0.8, 20.0, 240.0,
                                                      "answered", 0.05)


def test_counts_ruled_out_by_erlang_b_do_miss_a_target():
    rng = np.random.default_rng(3)
    rate, aht = 10 ** rng.uniform(-4, 0, 400), rng.uniform(30, 1200, 400)
    patience, agents = rng.uniform(10, 1800, 400), rng.integers(1, 40, 400)
    queue = staffing_batch._Queue(rate, aht, patience, 20.0, "offered")
    targets = staffing_batch.Targets(0.8, 0.05)
    blocking = np.array([erlang_b(int(c), r * a) for c, r, a in zip(agents, rate, aht,
                                                                      strict=True)])
    short = staffing_batch._falls_short(queue, targets, np.arange(400), agents, blocking)
    assert 50 < short.sum() < 400
    for i in np.flatnonzero(short):
        result = erlang_a(rate[i], aht[i], int(agents[i]), patience[i], 20.0)
        assert result.service_level < 0.8 or result.probability_abandon > 0.05


def test_no_arrivals_need_one_agent_as_in_the_scalar_search():
    assert required_agents_many(np.zeros(2), 300.0, 0.8, 20.0, 200.0).tolist() == [1, 1]
    assert required_agents(0.0, 300.0, 0.8, 20.0, 200.0) == 1


def test_bad_targets_are_refused_as_by_the_scalar_search():
    with pytest.raises(ValueError, match="target service level"):
        required_agents_many(np.ones(1), 60.0, 1.0, 20.0)
    with pytest.raises(ValueError, match="at least one target"):
        required_agents_many(np.ones(1), 60.0, None, 20.0)
    with pytest.raises(ValueError, match="arrival rates"):
        required_agents_many(np.array([-1.0]), 60.0, 0.8, 20.0)
    with pytest.raises(ValueError, match="short_abandon_seconds"):
        required_agents_many(np.ones(1), 60.0, 0.8, 2.0, 100.0, "exclude_short")


def _scalar_many(rate, aht, target, within, patience=None, basis="offered",
                 max_abandonment=None, max_asa_seconds=None, max_occupancy=None):
    return np.array(_scalar(rate, aht, target, within, patience, basis, max_abandonment,
                            max_asa_seconds, max_occupancy))


def test_the_baseline_week_is_the_same_with_the_scalar_search(monkeypatch):
    config = load_scenario(ROOT / "scenarios" / "baseline.yaml", ())
    groups = [*config.planning.skill_groups,
              SkillGroup(name="L1_live", tier="L1", channels=["phone", "chat"])]  # pooled
    config = config.model_copy(update={"planning": config.planning.model_copy(
        update={"skill_groups": groups})})
    req.clear_erlang_cache()
    fast = req.build_requirements(config)
    monkeypatch.setattr(req, "required_agents_many", _scalar_many)
    req.clear_erlang_cache()
    slow = req.build_requirements(config)
    req.clear_erlang_cache()
    assert [g.name for g in fast.groups] == [g.name for g in slow.groups]
    for mine, theirs in zip(fast.groups, slow.groups, strict=True):
        assert np.array_equal(mine.required, theirs.required)
        assert np.array_equal(mine.required_separate, theirs.required_separate)
    assert fast.group("L1_live").required.max() > 0
