"""`supportsim simulate` writes the new tables, KPI breakdowns, status and alerts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from simulator.loading import load_scenario
from simulator.pipeline import TABLES, run_simulation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    config = load_scenario(ROOT / "scenarios/baseline.yaml", ("calendar.days=2",))
    return run_simulation(config, 3, tmp_path_factory.mktemp("runs") / "run")


def test_new_files_are_written_and_listed(run):
    folder = run.folder
    assert {"daily", "agent_daily", "qa_reviews"} <= set(TABLES)
    names = {"alerts.csv", "kpi_breakdowns.csv", "kpi_breakdowns.parquet"}
    for table in ("daily", "agent_daily", "qa_reviews"):
        names |= {f"{table}.csv", f"{table}.parquet"}
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = json.dumps(manifest)
    for name in names:
        assert (folder / name).exists(), name
        assert name in listed, name


@pytest.mark.parametrize("table", ["daily", "agent_daily", "qa_reviews"])
def test_parquet_round_trip(run, table):
    frame = getattr(run.datasets, table)
    back = pd.read_parquet(run.folder / f"{table}.parquet")
    assert list(back.columns) == list(frame.columns)
    assert len(back) == len(frame)
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]):
            pd.testing.assert_series_equal(back[column].astype(float), frame[column].astype(float),
                                           check_names=False)
        else:
            assert back[column].astype(str).tolist() == frame[column].astype(str).tolist(), column


def test_kpis_json_and_summary_list_status_and_alerts(run):
    kpis = json.loads((run.folder / "kpis.json").read_text())
    entry = kpis["status"]["overall"]["csat_satisfied_rate"]
    assert set(entry) == {"value", "target_min", "target_max", "warning_min", "warning_max", "status"}
    assert entry["target_min"] == 0.9 and entry["warning_min"] == 0.85
    summary = (run.folder / "summary.md").read_text()
    assert "## KPI status" in summary and "## Alerts" in summary
    assert "| csat_satisfied_rate |" in summary
    alerts = pd.read_csv(run.folder / "alerts.csv")
    assert list(alerts.columns) == ["date", "alert", "channel", "ticket_id", "clock", "value",
                                    "threshold"]
    breakdowns = pd.read_csv(run.folder / "kpi_breakdowns.csv")
    assert list(breakdowns.columns) == ["dimension", "key", "kpi", "value", "status"]
