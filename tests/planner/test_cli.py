"""The command line, in-process (click's CliRunner), with small horizons."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
MMC = str(ROOT / "scenarios/theory/mmc_abandon.yaml")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_every_command_has_help():
    for command in cli.commands:
        result = invoke(command, "-h")
        assert result.exit_code == 0 and "Usage" in result.output, command


def test_validate_and_schema():
    result = invoke("validate", MMC)
    assert result.exit_code == 0 and "mmc_abandon" in result.output
    schema = json.loads(invoke("schema").output)
    assert "channels" in schema["properties"] and "extends" in schema["properties"]


def test_simulate_writes_a_complete_run_folder(tmp_path):
    out = tmp_path / "run"
    result = invoke("simulate", MMC, "--days", "1", "--seed", "3", "--out", str(out),
                    "--set", "calendar.warmup_days=0", "--json")
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.output)
    assert 0.0 < kpis["channels"]["phone"]["service_level"] < 1.0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and "event_log.parquet" in manifest["files"]
    for name in ("tickets.csv", "tickets.parquet", "agent_states.csv", "intervals.csv",
                 "ticket_attributes.parquet", "kpis.json", "summary.md", "scenario.resolved.yaml"):
        assert (out / name).exists(), name
    assert str(tmp_path) not in (out / "manifest.json").read_text()  # no absolute paths


def test_same_seed_gives_byte_identical_files(tmp_path):
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert invoke("simulate", MMC, "--days", "1", "--out", str(out),
                      "--set", "calendar.warmup_days=0").exit_code == 0
        runs.append(json.loads((out / "manifest.json").read_text())["files"])
    assert runs[0] == runs[1]


def test_existing_folder_needs_force(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    result = invoke("simulate", MMC, "--days", "1", "--out", str(out))
    assert result.exit_code == 2 and "--force" in result.output


BAD_INPUTS = [
    ({"channels": {"phone": {"colour": "red"}}}, "channels.phone.colour: unknown key"),
    ({"channels": {"phone": {"volume_per_day": "lots"}}}, "channels.phone.volume_per_day"),
    ({"channels": {"phone": {"volume_per_day": -5}}}, "greater than or equal to 0"),
    ({"priorities": {"P1": 0.5, "P2": 0.4}}, "priorities: priority shares must sum to 1, got 0.9"),
    ({"agents": [{"name": "a", "tier": "L1", "count": 1, "skills": ["phone"],
                  "shifts": [{"mon": ["09:00-25:00"]}]}]}, "agents.0.shifts"),
    ({"agents": [{"name": "a", "tier": "L1", "count": 1, "skills": ["fax"],
                  "shifts": [{"mon": ["09:00-17:00"]}]}]}, "agents.0.skills.0"),
    ({"agents": [{"name": "a", "tier": "L1", "count": 1, "skills": ["chat"],
                  "shifts": [{"mon": ["09:00-17:00"]}]}]},
     "agents.0.skills: names channel 'chat' that the scenario does not define"),
    ({"extends": "nowhere.yaml"}, "extends: file 'nowhere.yaml' not found"),
    ({"routing": {"shift_end": "sometimes"}}, "routing.shift_end"),
    ({"planning": {"skill_groups": [{"name": "phone", "tier": "L1", "channels": ["phone"]}],
                   "cover": [{"group": "L2", "covers": "phone"}]}},
     "planning.cover.0.group: must name a skill group of planning.skill_groups, got 'L2'"),
    ({"planning": {"skill_groups": [{"name": "phone", "tier": "L1", "channels": ["phone"]},
                                    {"name": "L2", "tier": "L2", "channels": ["phone"]}],
                   "cover": [{"group": "phone", "covers": "L2"}]}},
     "planning.cover.0.covers: must be a group of a lower tier than phone's (L1), got 'L2' (L2)"),
    ({"planning": {"cover": [{"group": "L2", "covers": "phone"}]}},
     "planning.cover: needs planning.skill_groups to name the groups, got no skill groups"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_no_folder(tmp_path, change, message):
    data = yaml.safe_load(Path(ROOT / "scenarios/theory/mmc.yaml").read_text())
    extends = change.pop("extends", None)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **{k: {**data[key].get(k, {}), **v} if isinstance(v, dict)
                                         else v for k, v in value.items()}}
        else:
            data[key] = value
    if extends:
        data["extends"] = extends
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    result = invoke("simulate", str(path), "--out", str(out))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nchannels: [phone\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 2 and "malformed YAML at line" in result.output


def test_bad_override_is_rejected():
    result = invoke("validate", MMC, "--set", "agents.0.count=-1")
    assert result.exit_code == 2
    assert result.output.startswith("error: agents.0.count: ")


def test_console_script_reports_without_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-c", "from planner.cli import main; main()",
                             "validate", str(tmp_path / "missing.yaml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
