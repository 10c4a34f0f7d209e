"""`supportsim rerun`: a run folder is repeated from itself, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from simulator.rerun import rerun

ROOT = Path(__file__).resolve().parents[2]
MMC = str(ROOT / "scenarios" / "theory" / "mmc.yaml")
SMALL = ("--days", "1", "--set", "channels.phone.volume_per_day=400", "--set",
         "calendar.warmup_days=0")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_simulate_folder_is_reproduced_and_a_changed_file_is_caught(tmp_path):
    folder = tmp_path / "sim"
    assert invoke("simulate", MMC, *SMALL, "--seed", "4", "--out", str(folder)).exit_code == 0
    result = rerun(folder)
    assert result.reproduced and "tickets.csv" in result.identical
    assert "event_log.parquet" in result.identical and not result.different
    (folder / "tickets.csv").write_text("tampered\n")
    cli_result = invoke("rerun", str(folder), "--json")
    assert cli_result.exit_code == 3
    payload = json.loads(cli_result.stdout)
    assert payload["different"] == ["tickets.csv"] and not payload["reproduced"]


def test_a_messy_generate_folder_is_reproduced(tmp_path):
    folder = tmp_path / "gen"
    result = invoke("generate", MMC, *SMALL, "--shape", "zendesk", "--format", "csv,jsonl",
                    "--messy", "light", "--csat-three", "good", "--out", str(folder))
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["messy"] == "light" and manifest["csat_three"] == "good"
    again = invoke("rerun", str(folder))
    assert again.exit_code == 0, again.output
    assert " 0 differ, 0 missing" in again.output


def test_rerun_refuses_what_it_cannot_repeat(tmp_path):
    folder = tmp_path / "sim"
    assert invoke("simulate", MMC, *SMALL, "--out", str(folder)).exit_code == 0
    scenario = folder / "scenario.resolved.yaml"
    scenario.write_text(scenario.read_text().replace("volume_per_day: 400", "volume_per_day: 500"))
    edited = invoke("rerun", str(folder))
    assert edited.exit_code == 2 and "was edited since the run" in edited.output
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "manifest.json").write_text(json.dumps({"command": "plan"}))
    assert "repeats simulate and generate folders" in invoke("rerun", str(plan)).output
    missing = invoke("rerun", str(tmp_path / "nothing"))
    assert missing.exit_code == 2 and "is not a run folder" in missing.output
