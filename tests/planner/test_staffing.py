"""Required agents and the shrinkage gross-up, and the `supportsim erlang` calculator."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from planner.cli import cli
from planner.erlang import erlang_a, erlang_c
from planner.staffing import gross_up, required_agents, staffing_table


def test_required_agents_is_minimal_for_the_published_case():
    # 100 calls per 30 min, AHT 180 s: 13 agents give 0.7956 within 20 s, 14 give 0.8884.
    rate = 100 / 1800
    assert required_agents(rate, 180.0, 0.8, 20.0) == 14
    assert erlang_c(rate, 180.0, 13, 20.0).service_level < 0.8


def test_required_agents_with_abandonment_uses_erlang_a():
    # c = 20 gives 0.797 on the offered basis (just short of 80%), so 21 are needed.
    assert erlang_a(0.1, 180.0, 20, 180.0, 20.0).service_level < 0.8
    assert required_agents(0.1, 180.0, 0.8, 20.0, patience_seconds=180.0) == 21


@given(st.floats(0.001, 2.0), st.floats(30.0, 900.0), st.floats(0.5, 0.95))
def test_required_agents_meets_the_target_and_one_fewer_does_not(rate, aht, target):
    needed = required_agents(rate, aht, target, 20.0)
    assert erlang_c(rate, aht, needed, 20.0).service_level >= target
    if needed > 1:
        assert erlang_c(rate, aht, needed - 1, 20.0).service_level < target


def test_gross_up_has_no_floating_point_off_by_one():
    assert gross_up(21, 0.3) == 30  # 21 / 0.7 is 30.000000000000004 in floating point
    assert gross_up(10, 0.0) == 10
    assert gross_up(10, 0.25) == 14  # 13.33 -> 14
    with pytest.raises(ValueError, match="shrinkage"):
        gross_up(10, 1.0)


def test_staffing_table_rows_rise_with_agents():
    rows = staffing_table(100 / 1800, 180.0, range(12, 16), 20.0, shrinkage=0.3)
    assert [row.agents for row in rows] == [12, 13, 14, 15]
    assert [row.scheduled for row in rows] == [18, 19, 20, 22]
    levels = [row.service_level for row in rows]
    assert levels == sorted(levels)


def test_erlang_command_prints_rows_and_the_requirement_as_json():
    result = CliRunner().invoke(cli, ["erlang", "--calls", "100", "--interval-minutes", "30",
                                      "--aht-seconds", "180", "--target-service-level", "0.8",
                                      "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["required_agents"] == 14
    row = next(r for r in payload["rows"] if r["agents"] == 14)
    assert row["service_level"] == pytest.approx(0.8884, abs=1e-4)
    assert row["asa_seconds"] == pytest.approx(7.84, abs=0.01)


def test_erlang_command_rejects_bad_input_with_exit_2():
    result = CliRunner().invoke(cli, ["erlang", "--calls", "-5", "--aht-seconds", "180"])
    assert result.exit_code == 2 and "--calls" in result.output


def test_required_agents_meets_every_target_and_is_minimal():
    from planner.erlang import erlang_a
    from planner.staffing import required_agents

    rate, aht, patience = 0.05, 300.0, 120.0
    n = required_agents(rate, aht, 0.8, 20.0, patience, max_abandonment=0.02)
    assert erlang_a(rate, aht, n, patience, 20.0).probability_abandon <= 0.02
    assert erlang_a(rate, aht, n, patience, 20.0).service_level >= 0.8
    below = erlang_a(rate, aht, n - 1, patience, 20.0)
    assert below.probability_abandon > 0.02 or below.service_level < 0.8
    # Abandonment alone can set the requirement: a lax SL target, a strict abandon cap.
    assert required_agents(rate, aht, 0.5, 20.0, patience, max_abandonment=0.005) > \
        required_agents(rate, aht, 0.5, 20.0, patience)
