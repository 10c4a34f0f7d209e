"""The README's examples work as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_scenario_example_validates_and_runs(tmp_path):
    block = re.search(r"```yaml\n(extends: baseline.yaml.*?)```", README, re.DOTALL).group(1)
    shutil.copy(ROOT / "scenarios/baseline.yaml", tmp_path / "baseline.yaml")
    (tmp_path / "surge.yaml").write_text(block)
    result = CliRunner().invoke(cli, ["simulate", str(tmp_path / "surge.yaml"), "--days", "2",
                                      "--set", "calendar.warmup_days=1",
                                      "--out", str(tmp_path / "run"), "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "kpis.json").exists()


def test_readme_commands_exist():
    for command in re.findall(r"^supportsim (\w+)", README, re.MULTILINE):
        assert command in cli.commands, command
