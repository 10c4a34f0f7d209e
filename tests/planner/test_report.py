"""report.html: self-contained, reproducible, and drawn by a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.charts import marginal_figure
from planner.cli import cli
from planner.report import ReportError, rebuild_report, write_report
from simulator.config import WEEKDAYS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def kpi(metric, mean, low, high, target, holds):
    return {"metric": metric, "mean": mean, "low": low, "high": high, "target": target,
            "holds": holds, "share_of_days_met": 1.0 if holds else 0.4}


def plan_folder(tmp_path: Path) -> Path:
    """A plan folder's plan.json and coverage.csv, small and hand-made."""
    folder = tmp_path / "plan"
    folder.mkdir()
    kpis = [kpi("phone.service_level", 0.86, 0.84, 0.88, 0.8, True),
            kpi("phone.abandonment_rate", 0.061, 0.052, 0.070, 0.05, False),
            kpi("L1.occupancy", 0.7, 0.68, 0.72, None, None)]
    plan = {
        "scenario": "tiny", "seed": 1, "week_start": "2026-01-05", "replications": 3,
        "confidence": 0.95, "targets_hold": False, "stop_reason": "iteration limit",
        "headcount": {"groups": {"phone": {"tier": "L1", "channels": ["phone"], "headcount": 4,
                                           "reserve_for_absence": 1, "fte": 3.9}},
                      "total_headcount": 4, "total_fte": 3.9},
        "weekly_cost": 4321.0, "schedule": {"status": "optimal", "mip_gap": 0.0},
        "kpis": kpis,
        "sensitivity": {"demand -10%": [kpis[0]], "demand +10%": [kpis[1]]},
        "iterations": [{"number": 0, "headcount": {"phone": 3}, "missed": ["phone.service_level"],
                        "raised": ["phone"], "schedule_status": "optimal"}],
        "erlang_vs_simulation": [{"group": "phone", "analytic_headcount": 3,
                                  "simulated_headcount": 4, "why": "abandonment"}],
    }
    (folder / "plan.json").write_text(json.dumps(plan))
    slots = 7 * 4  # a week of 6-hour intervals keeps the file small
    pd.DataFrame({"group": "phone", "day": [WEEKDAYS[s // 4] for s in range(slots)],
                  "time": [f"{6 * (s % 4):02d}:00" for s in range(slots)],
                  "required_agents": [s % 4 for s in range(slots)],
                  "async_work_hours": 0.0, "coverage": [1 + s % 4 for s in range(slots)],
                  "shortfall": 0.0}).to_csv(folder / "coverage.csv", index=False)
    (folder / "manifest.json").write_text(json.dumps({"command": "plan", "files": {}}))
    return folder


def test_plan_report_is_one_offline_file_and_reproducible(tmp_path):
    folder = plan_folder(tmp_path)
    first = write_report(folder).read_bytes()
    assert write_report(folder).read_bytes() == first  # fixed figure ids: same bytes
    text = first.decode()
    assert "<script src=" not in text and "cdn" not in text.lower().split("</script>", 1)[1]
    assert len(re.findall(r'<div id="figure-\d+"', text)) == 3  # KPIs, headcount, coverage
    assert "some targets are missed (iteration limit)" in text
    assert "<span class='misses'>0.061" in text  # the missed KPI is marked as such
    assert "L1.occupancy" not in text.split("Headcount")[0]  # only targeted KPIs are charted


def test_report_command_rebuilds_and_records_the_file(tmp_path):
    folder = plan_folder(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"]["report.html"]["bytes"] == (folder / "report.html").stat().st_size


def test_report_refuses_folders_it_cannot_draw(tmp_path):
    generated = tmp_path / "gen"
    generated.mkdir()
    (generated / "manifest.json").write_text(json.dumps({"command": "generate"}))
    result = CliRunner().invoke(cli, ["report", str(generated)])
    assert result.exit_code == 2
    assert "needs a simulate, plan, tradeoff or compare run folder, got a 'generate' folder" in result.output
    assert not (generated / "report.html").exists()
    with pytest.raises(ReportError, match="is not a folder"):
        rebuild_report(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "manifest.json").write_text(json.dumps({"command": "plan"}))
    with pytest.raises(ReportError, match="has no plan.json"):
        rebuild_report(empty)


def tradeoff_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "tradeoff"
    folder.mkdir()
    rows = []
    for heads, level in ((10, 0.6), (12, 0.8), (14, 0.9)):
        row = {"headcount": heads, "weekly_cost": heads * 1000.0, "cost_per_ticket": heads / 5}
        for metric, value in (("phone.service_level", level), ("phone.abandonment_rate", 0.1 - level / 10),
                              ("overall.csat_satisfied_rate", level),
                              ("overall.frt_median_minutes", 10 * (1 - level))):
            row |= {metric: value, f"{metric}_low": value - 0.01, f"{metric}_high": value + 0.01}
        rows.append(row)
    pd.DataFrame(rows).to_csv(folder / "tradeoff.csv", index=False)
    return folder


def test_tradeoff_report_shows_what_each_agent_buys(tmp_path):
    text = write_report(tradeoff_folder(tmp_path), "tradeoff").read_text()
    assert len(re.findall(r'<div id="figure-\d+"', text)) == 4
    assert '"x":["10 to 12","12 to 14"]' in text
    bars = marginal_figure(pd.read_csv(tmp_path / "tradeoff" / "tradeoff.csv")).data[0]
    assert list(bars.y) == pytest.approx([0.1, 0.05])  # (0.8 - 0.6) / 2 agents, (0.9 - 0.8) / 2


def compare_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "compare"
    folder.mkdir()
    rows = []
    for scenario, level, extra in (("baseline", 0.9, 0.0), ("outage", 0.7, -0.2)):
        for metric, value in (("phone.service_level", level),
                              ("overall.cost_per_ticket", 20 - 10 * extra)):
            rows.append({"scenario": scenario, "metric": metric, "mean": value,
                         "low": value - 0.02, "high": value + 0.02, "difference": extra,
                         "difference_low": extra - 0.01, "difference_high": extra + 0.01})
    pd.DataFrame(rows).to_csv(folder / "compare.csv", index=False)
    hours = [f"2026-01-05T{h:02d}:00:00+00:00" for h in range(24)]
    pd.DataFrame({"scenario": ["baseline"] * 24 + ["outage"] * 24, "hour": hours * 2,
                  "contacts": [10.0] * 24 + [10.0] * 10 + [40.0] * 6 + [10.0] * 8,
                  "open_backlog": [5.0] * 48}).to_csv(folder / "story.csv", index=False)
    return folder


def test_compare_report_marks_the_change_against_the_first_scenario(tmp_path):
    text = write_report(compare_folder(tmp_path), "compare").read_text()
    assert len(re.findall(r'<div id="figure-\d+"', text)) == 2
    assert "Change against baseline" in text and "-0.2 (-0.21 to -0.19)" in text


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SUPPORTSIM_REQUIRE_CHROMIUM"),
                    reason="Debian's chromium is not installed (CI installs it)")
def test_headless_chromium_draws_every_figure(tmp_path):
    assert CHROMIUM, "SUPPORTSIM_REQUIRE_CHROMIUM is set but chromium is missing"
    for folder in (plan_folder(tmp_path), tradeoff_folder(tmp_path), compare_folder(tmp_path)):
        path = write_report(folder, None if folder.name == "plan" else folder.name)
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--virtual-time-budget=10000", "--dump-dom", path.as_uri()],
            capture_output=True, text=True, timeout=120, check=True).stdout
        figures = len(re.findall(r'<div id="figure-\d+"', path.read_text()))
        drawn = set(re.findall(r'id="(figure-\d+)" class="plotly-graph-div js-plotly-plot"', dom))
        assert len(drawn) == figures, (folder.name, drawn)
        assert dom.count('class="main-svg"') >= 2 * figures  # plotly drew its SVG layers


def test_a_simulate_folder_gets_its_report_and_still_reruns(tmp_path):
    from simulator.rerun import rerun

    folder = tmp_path / "sim"
    mmc = str(Path(__file__).resolve().parents[2] / "scenarios" / "theory" / "mmc.yaml")
    result = CliRunner().invoke(cli, ["simulate", mmc, "--days", "1", "--set",
                                      "channels.phone.volume_per_day=400", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["report", str(folder)]).exit_code == 0
    text = (folder / "report.html").read_text()
    assert len(re.findall(r'<div id="figure-\d+"', text)) == 3  # daily, levels, intraday
    assert "<th>KPI</th><th>target</th><th>overall</th><th>phone</th>" in text
    assert "report.html" in json.loads((folder / "manifest.json").read_text())["files"]
    assert rerun(folder).reproduced  # the report is derived, not part of the run
