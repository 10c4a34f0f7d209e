"""``supportsim generate`` in-process: run folders, sizing, reproducible files, bad arguments."""

from __future__ import annotations

import json
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli import cli
from simulator.generate import expected_daily_tickets, expected_tickets_per_day, sizing_overrides
from simulator.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = str(ROOT / "scenarios/baseline.yaml")
SHORT = ("--set", "calendar.warmup_days=1")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_generate_writes_every_format_with_a_manifest(tmp_path):
    out = tmp_path / "run"
    result = invoke("generate", BASELINE, "--days", "1", *SHORT, "--shape", "zendesk",
                    "--format", "csv,parquet,jsonl,xlsx,duckdb", "--seed", "4", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "zendesk shape" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "generate" and manifest["shape"] == "zendesk"
    for name in ("tickets.csv", "ticket_metrics.parquet", "users.jsonl", "zendesk.xlsx",
                 "zendesk.duckdb", "data_dictionary.md", "scenario.resolved.yaml"):
        assert name in manifest["files"], name
    book = openpyxl.load_workbook(out / "zendesk.xlsx", read_only=True)
    assert book.sheetnames == ["tickets", "data_dictionary"]
    assert "`via.channel`" in (out / "data_dictionary.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_default_xlsx_sheets_and_tables_option(tmp_path):
    out = tmp_path / "run"
    result = invoke("generate", BASELINE, "--days", "1", *SHORT, "--format", "xlsx,csv",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "native.xlsx", read_only=True)
    assert book.sheetnames == ["tickets", "daily", "intervals", "data_dictionary"]
    assert (out / "contacts.csv").exists()
    out2 = tmp_path / "run2"
    result = invoke("generate", BASELINE, "--days", "1", *SHORT, "--format", "xlsx,csv",
                    "--tables", "agent_states", "--out", str(out2))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out2 / "native.xlsx", read_only=True)
    assert book.sheetnames == ["agent_states", "data_dictionary"]
    assert sorted(p.name for p in out2.glob("*.csv")) == ["agent_states.csv"]


def test_same_seed_gives_byte_identical_files(tmp_path):
    manifests, databases = [], []
    for name in ("a", "b"):
        out = tmp_path / name
        result = invoke("generate", BASELINE, "--days", "1", *SHORT, "--shape", "native",
                        "--format", "csv,parquet,jsonl,xlsx,duckdb", "--seed", "9", "--out", str(out))
        assert result.exit_code == 0, result.output
        manifests.append(json.loads((out / "manifest.json").read_text())["files"])
        databases.append(out / "native.duckdb")
    reproducible = {k: v for k, v in manifests[0].items() if not k.endswith(".duckdb")}
    assert {k: manifests[1][k] for k in reproducible} == reproducible
    assert any(k.endswith(".xlsx") for k in reproducible)
    import duckdb

    tables = []
    for path in databases:  # a DuckDB file is compared by content
        with duckdb.connect(str(path), read_only=True) as connection:
            tables.append(connection.execute("SELECT * FROM tickets ORDER BY ticket_id").df())
    pd.testing.assert_frame_equal(tables[0], tables[1])


def test_tickets_sizes_by_days_and_keeps_staffing():
    config = load_scenario(BASELINE)
    per_day = expected_tickets_per_day(config)
    assert 150 < per_day < 600  # weekends included
    daily = expected_daily_tickets(config, 28)
    assert sizing_overrides(config, round(daily[:10].sum())) == ("calendar.days=10",)
    scale = round(daily[0] / 4) / daily[0]
    small = sizing_overrides(config, round(daily[0] / 4))
    assert small[0] == "calendar.days=1"
    sized = load_scenario(BASELINE, small)
    phone = sized.channels["phone"].volume_per_day / config.channels["phone"].volume_per_day
    assert phone == pytest.approx(scale)
    for before, after in zip(config.agents, sized.agents, strict=True):
        assert after.count == max(1, math.floor(before.count * scale + 0.5))


def test_tickets_option_gives_about_that_many(tmp_path):
    out = tmp_path / "run"
    result = invoke("generate", BASELINE, "--tickets", "120", *SHORT, "--out", str(out),
                    "--tables", "tickets")
    assert result.exit_code == 0, result.output
    tickets = pd.read_csv(out / "tickets.csv")
    assert 60 < len(tickets) < 200


BAD = [
    (("--shape", "freshdesk"), "--shape: must be one of native, zendesk, simple"),
    (("--format", "csv,pdf"), "--format: "),
    (("--tables", "tickets,bogus"), "--tables: the native shape has no table 'bogus'"),
    (("--shape", "simple", "--tables", "events"), "--tables: the simple shape has no table 'events'"),
    (("--tickets", "0"), "--tickets: must be >= 1, got 0"),
    (("--tickets", "-5"), "--tickets: must be >= 1, got -5"),
    (("--tickets", "10", "--days", "2"), "--tickets and --days"),
    (("--tickets", "50000000"), "more than the 3,660-day limit"),
    (("--days", "0"), "--days: must be >= 1"),
    (("--csat-three", "maybe"), "--csat-three: must be good or bad"),
    (("--messy", "extreme"), "--messy: must be one of none, light, heavy, got 'extreme'"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_arguments_exit_2_with_one_line(tmp_path, args, message):
    out = tmp_path / "out"
    result = invoke("generate", BASELINE, *args, "--out", str(out))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert not out.exists()


def test_existing_folder_needs_force(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    result = invoke("generate", BASELINE, "--days", "1", "--out", str(out))
    assert result.exit_code == 2 and "--force" in result.output


def test_messy_run_has_an_answer_key(tmp_path):
    out = tmp_path / "run"
    result = invoke("generate", BASELINE, "--days", "1", *SHORT, "--messy", "heavy",
                    "--tables", "tickets", "--format", "csv,parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    key = out / "answer_key"
    for name in ("flaws.csv", "tickets_clean.csv", "kpis_clean.json", "parameters.json",
                 "expected_answers.json"):
        assert (key / name).exists(), name
    flaws = pd.read_csv(key / "flaws.csv")
    messy, clean = pd.read_csv(out / "tickets.csv"), pd.read_csv(key / "tickets_clean.csv")
    added = flaws["flaw"].isin(["duplicate", "test_ticket", "bot_ticket"]).sum()
    assert len(messy) == len(clean) + added and len(flaws) > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["messy"] == "heavy" and "flaws.csv" in manifest["answer_key"]
    assert json.loads((key / "parameters.json").read_text())["messy_level"] == "heavy"


NO_VOLUME = tuple(arg for channel in ("phone", "chat", "email", "web", "social")
                  for arg in ("--set", f"channels.{channel}.volume_per_day=0"))


def _strict_json(path: Path):
    """JSON without NaN or Infinity (json.loads accepts both by default)."""
    def refuse(constant):
        raise AssertionError(f"{path.name}: {constant}")
    return json.loads(path.read_text(), parse_constant=refuse)


def test_simulate_without_contacts_writes_empty_tables_and_null_kpis(tmp_path):
    out = tmp_path / "run"
    result = invoke("simulate", BASELINE, "--days", "1", *SHORT, *NO_VOLUME, "--out", str(out))
    assert result.exit_code == 0, result.output
    tickets = pd.read_parquet(out / "tickets.parquet")
    assert tickets.empty and {"ticket_id", "created", "sla_resolution_elapsed_minutes"} <= set(tickets)
    assert pd.read_csv(out / "tickets.csv").columns.tolist() == tickets.columns.tolist()
    kpis = _strict_json(out / "kpis.json")
    assert kpis["overall"]["tickets"] == 0 and kpis["overall"]["sla_severe_breaches"] == 0
    assert kpis["overall"]["csat_satisfied_rate"] is None
    assert kpis["channels"]["phone"]["service_level"] is None


@pytest.mark.parametrize("shape", ["native", "zendesk", "simple", "zendesk_warehouse"])
def test_generate_without_contacts_writes_every_table_empty(tmp_path, shape):
    out = tmp_path / shape
    result = invoke("generate", BASELINE, "--days", "1", *SHORT, *NO_VOLUME, "--shape", shape,
                    "--format", "csv,parquet,jsonl,xlsx,duckdb", "--messy", "light",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = _strict_json(out / "manifest.json")
    ticket_table = {"native": "tickets", "zendesk": "tickets", "simple": "tickets",
                    "zendesk_warehouse": "ticket"}[shape]
    frame = pd.read_parquet(out / f"{ticket_table}.parquet")
    assert frame.empty and len(frame.columns) >= 6
    assert pd.read_csv(out / f"{ticket_table}.csv").columns.tolist() == frame.columns.tolist()
    for name in manifest["files"]:
        if name.endswith(".json"):
            _strict_json(out / name)
