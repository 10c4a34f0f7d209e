"""`supportsim plan` and `supportsim tradeoff` in-process, on a small M/M/c week."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
MMC_PLAN = str(ROOT / "scenarios/theory/mmc_plan.yaml")
SMALL = ("--set", "channels.phone.volume_per_day=1728")  # 3.6 Erlangs


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_plan_writes_its_folder_and_exits_0_when_targets_hold(tmp_path):
    out = tmp_path / "plan"
    result = invoke("plan", MMC_PLAN, *SMALL, "--replications", "2", "--workers", "1",
                    "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["targets_hold"] and payload["headcount"]["total_headcount"] > 0
    for name in ("plan.json", "schedule.csv", "roster.csv", "rotation.csv", "coverage.csv",
                 "verification.csv", "manifest.json", "scenario.planned.yaml", "report.html"):
        assert (out / name).is_file(), name
    roster = pd.read_csv(out / "roster.csv")
    assert len(roster) == payload["headcount"]["total_headcount"]
    rotation = pd.read_csv(out / "rotation.csv")  # fixed days off: one week per agent
    assert sorted(rotation["name"]) == sorted(roster["name"]) and set(rotation["week"]) == {1}
    assert len(pd.read_csv(out / "verification.csv")) == 2
    assert {"demand -10%", "demand +10%"} == set(payload["sensitivity"])


def test_plan_exits_3_and_still_writes_when_targets_are_missed(tmp_path):
    out = tmp_path / "plan"
    result = invoke("plan", MMC_PLAN, *SMALL, "--set", "targets.service_level.phone=0.8",
                    "--max-headcount", "9", "--replications", "2", "--workers", "1",
                    "--out", str(out))
    assert result.exit_code == 3, result.output
    assert "phone.service_level" in result.output
    plan = json.loads((out / "plan.json").read_text())
    assert not plan["targets_hold"] and plan["schedule"]["short_intervals"]


def test_plan_refuses_an_existing_folder(tmp_path):
    result = invoke("plan", MMC_PLAN, "--out", str(tmp_path))
    assert result.exit_code == 2 and "--force" in result.output


def test_tradeoff_curve_rises_with_headcount(tmp_path):
    out = tmp_path / "curve"
    result = invoke("tradeoff", MMC_PLAN, *SMALL, "--headcount", "15:18:3", "--replications",
                    "2", "--workers", "1", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    points = json.loads(result.output)["points"]
    assert [p["headcount"] for p in points] == [15, 18]
    assert points[1]["phone.service_level"] > points[0]["phone.service_level"]
    assert (out / "tradeoff.csv").is_file() and (out / "report.html").is_file()


def test_tradeoff_bad_ranges_exit_2():
    for args in (("--headcount", "10:5:1"), ("--headcount", "a:b"),
                 ("--headcount", "10:20:5", "--budget", "1:2:1"), ()):
        result = invoke("tradeoff", MMC_PLAN, *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.count("\n") == 1
