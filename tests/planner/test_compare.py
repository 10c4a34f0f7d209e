"""`supportsim compare`: the same seeds for every scenario, paired differences, a report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from planner.cli import cli
from planner.compare import ComparisonRun, ScenarioOutcome, comparison_frame, story_frame

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "scenarios" / "theory" / "mmc.yaml"
SMALL = ("--set", "channels.phone.volume_per_day=1728", "--set", "agents.0.count=6",
         "--set", "calendar.warmup_days=0", "--days", "1")


def run(values: dict[str, float]) -> ComparisonRun:
    return ComparisonRun(values, ["2026-01-05T00:00:00+00:00", "2026-01-05T01:00:00+00:00"],
                         [10.0, 20.0], [1.0, 2.0])


def test_differences_are_paired_over_replications():
    base = ScenarioOutcome("base", tuple(run({"x": v}) for v in (1.0, 5.0, 9.0)))
    more = ScenarioOutcome("more", tuple(run({"x": v}) for v in (2.0, 6.5, 10.0)))
    frame = comparison_frame([base, more], 0.95).set_index("scenario")
    # Differences 1, 1.5, 1: mean 1.1667, sd 0.2887, t(0.975, 2) = 4.303.
    half = stats.t.ppf(0.975, 2) * np.std([1.0, 1.5, 1.0], ddof=1) / np.sqrt(3)
    assert frame.loc["more", "difference"] == pytest.approx(7 / 6)
    assert frame.loc["more", "difference_low"] == pytest.approx(7 / 6 - half)
    # Unpaired, the spread of the levels (1..10) would swamp a change of about 1.
    assert frame.loc["more", "high"] - frame.loc["more", "low"] > 10 * (2 * half)
    assert frame.loc["base", "difference"] == 0.0


def test_story_is_the_mean_over_replications():
    outcome = ScenarioOutcome("s", (run({}), ComparisonRun({}, run({}).hour_start, [20.0, 40.0],
                                                           [3.0, 4.0])))
    story = story_frame([outcome])
    assert story["contacts"].tolist() == [15.0, 30.0] and story["open_backlog"].tolist() == [2.0, 3.0]


def test_compare_command_writes_the_folder_and_keeps_every_baseline_customer(tmp_path):
    outage = tmp_path / "mmc_outage.yaml"
    outage.write_text(f"extends: {MMC}\nname: mmc_outage\ndemand_events:\n"
                      "  - {name: outage, start: 2026-01-05T10:00:00, duration_hours: 6, "
                      "extra_volume_factor: 3.0}\n")
    out = tmp_path / "cmp"
    result = CliRunner().invoke(cli, ["compare", str(MMC), str(outage), *SMALL,
                                      "--replications", "3", "--workers", "1", "--out", str(out),
                                      "--json"])
    assert result.exit_code == 0, result.output
    for name in ("compare.csv", "story.csv", "report.html", "manifest.json"):
        assert (out / name).is_file(), name
    rows = pd.DataFrame(json.loads(result.output)["rows"]).set_index(["scenario", "metric"])
    contacts = rows.loc[("mmc_outage", "overall.contacts")]
    # 6 hours at 3 x 72 calls per hour: about 1,296 more calls, and never fewer (same seeds).
    assert 1000 < contacts["difference"] < 1600 and contacts["difference_low"] > 0
    level = rows.loc[("mmc_outage", "phone.service_level")]
    assert level["difference_high"] < 0  # the outage hurts, beyond doubt
    story = pd.read_csv(out / "story.csv")
    assert len(story) == 2 * 24 and set(story["scenario"]) == {"mmc", "mmc_outage"}
    peak = story[story["scenario"] == "mmc_outage"].set_index("hour")["contacts"]
    assert peak.idxmax().startswith("2026-01-05T1")  # the spike is inside 10:00-16:00


@pytest.mark.parametrize("args, message", [
    ((str(MMC),), "give at least two scenarios"),
    ((str(MMC), str(MMC)), "scenario names must differ"),
])
def test_compare_bad_input_exits_2(args, message):
    result = CliRunner().invoke(cli, ["compare", *args])
    assert result.exit_code == 2 and message in result.output
