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


def test_readme_cover_example_validates_over_the_baseline(tmp_path):
    from planner.plan import cover_pairs, cover_skills
    from simulator.loading import load_scenario

    block = re.search(r"```yaml\n(planning:\n  skill_groups:.*?cover:.*?)```", README,
                      re.DOTALL).group(1)
    shutil.copy(ROOT / "scenarios/baseline.yaml", tmp_path / "baseline.yaml")
    (tmp_path / "cover.yaml").write_text("extends: baseline.yaml\n" + block)
    config = load_scenario(tmp_path / "cover.yaml", ())
    assert [(c.group, c.covers, c.weight) for c in cover_pairs(config)] == [
        ("L2", "L1_phone", 1.0), ("L2", "L1_chat", 1 / config.channels["chat"].concurrency)]
    assert cover_skills(config) == {"L2": {"L1": ["phone", "chat"]}}
