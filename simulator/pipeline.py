"""One run, end to end: config -> engine -> datasets -> KPIs -> run folder.

Each stage takes the previous stage's value; nothing here prints. The CLI
passes a ``progress`` callback and prints what comes back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator import __version__
from simulator.alerts import build_alerts
from simulator.breakdowns import kpi_breakdowns
from simulator.config import ScenarioConfig
from simulator.datasets import Datasets, build_datasets
from simulator.engine import EngineResult, simulate
from simulator.export import with_timestamps, write_csv, write_json, write_parquet, write_run_folder
from simulator.kpis import compute_kpis
from simulator.loading import dump_scenario
from simulator.memory import Handover, without_tables
from simulator.summary import summary_markdown

TABLES = ("tickets", "contacts", "events", "agent_states", "intervals", "daily", "agent_daily",
          "qa_reviews")


@dataclass(frozen=True)
class RunOutcome:
    folder: Path
    kpis: dict
    datasets: Datasets
    result: EngineResult


def scenario_hash(config: ScenarioConfig) -> str:
    return hashlib.sha256(dump_scenario(config).encode("utf-8")).hexdigest()


def run_simulation(config: ScenarioConfig, seed: int, out: Path, force: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> RunOutcome:
    """Simulate, write the engine's two tables, build the datasets (which drop the
    engine's tables once read: ``memory.Handover``), then the KPIs and the rest.

    The outcome's ``result`` has the roster and calendar but no event log or attribute
    table (they are in the run folder's Parquet files)."""
    engine = Handover(simulate(config, seed, progress=progress))
    result = without_tables(engine.peek())
    done: dict = {}

    def fill(folder: Path) -> None:
        (folder / "scenario.resolved.yaml").write_text(dump_scenario(config), encoding="utf-8")
        write_parquet(engine.peek().events, folder / "event_log.parquet")
        write_parquet(engine.peek().attributes, folder / "ticket_attributes.parquet")
        datasets = done["datasets"] = build_datasets(config, engine)
        kpis = done["kpis"] = compute_kpis(config, datasets, result.roster)
        breakdowns = kpi_breakdowns(config, datasets)
        alerts = build_alerts(config, result.calendar, datasets.daily, datasets.tickets)
        for name in TABLES:
            frame = with_timestamps(getattr(datasets, name), result.calendar)
            write_parquet(frame, folder / f"{name}.parquet")
            write_csv(frame, folder / f"{name}.csv")
        write_parquet(breakdowns, folder / "kpi_breakdowns.parquet")
        write_csv(breakdowns, folder / "kpi_breakdowns.csv")
        write_csv(alerts, folder / "alerts.csv")
        write_json({"scenario": config.name, "seed": seed, **kpis}, folder / "kpis.json")
        (folder / "summary.md").write_text(summary_markdown(config, seed, kpis, alerts),
                                           encoding="utf-8")

    manifest = {"supportsim_version": __version__, "command": "simulate", "scenario": config.name,
                "seed": seed, "replication": 0, "scenario_sha256": scenario_hash(config),
                "timezone": config.calendar.timezone}
    folder = write_run_folder(out, force, fill, manifest)
    return RunOutcome(folder, done["kpis"], done["datasets"], result)
