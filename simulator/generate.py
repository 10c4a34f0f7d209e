"""Practice datasets: simulate, shape and write a run folder (``supportsim generate``).

Sizing by tickets (``tickets``): the expected tickets of each day are the
demand model's expected arrivals (day of week, seasonality, demand events
included), minus self-service deflection (category shares x deflection
shares); the run gets the number of days, from the start date, whose expected
tickets add up closest to N, so volume and staffing stay exactly as the
scenario has them and the operation is as healthy or strained as it says.
Only when N is below the first day's tickets does the run shrink: one day,
with every channel's volume and every agent group's headcount multiplied by
``N / first day's tickets`` (a group keeps at least one agent). Repeat
contacts and reopens are not in the estimate, so a run holds a few more.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator import __version__
from simulator.calendar import calendar_for
from simulator.config import ScenarioConfig
from simulator.datasets import build_datasets
from simulator.demand import build_demand
from simulator.dictionary import dictionary_frame, dictionary_markdown
from simulator.engine import simulate
from simulator.enrich import build_directory
from simulator.export import file_sha256, with_timestamps, write_json, write_run_folder
from simulator.loading import dump_scenario
from simulator.memory import Handover, only_tables, return_free_memory, without_tables
from simulator.messiness import check_level, expected_answers, make_messy, true_parameters
from simulator.pipeline import scenario_hash
from simulator.shapes import SHAPE_INPUTS, ShapeError, ShapeOptions, build_shape, table_names
from simulator.writers import XLSX_DEFAULT_TABLES, rows_to_write, write_csv, write_tables

MAX_DAYS = 3660


@dataclass(frozen=True)
class GenerateRequest:
    shape: str = "native"
    formats: tuple[str, ...] = ("csv",)
    tables: tuple[str, ...] | None = None  # None: every table (XLSX: the defaults)
    options: ShapeOptions = field(default_factory=ShapeOptions)
    messy: str = "none"  # messiness.LEVELS


@dataclass(frozen=True)
class GenerateOutcome:
    folder: Path
    rows: dict[str, int]
    files: list[str]


def expected_daily_tickets(config: ScenarioConfig, days: int | None = None) -> np.ndarray:
    """Expected tickets on each reporting day: the demand model's arrivals minus deflection."""
    if days is not None:
        config = config.model_copy(update={"calendar": config.calendar.model_copy(
            update={"days": days})})
    calendar = calendar_for(config)
    demand = build_demand(config, calendar)
    reporting = calendar.interval_start >= 0.0
    day = calendar.interval_day[reporting] - calendar.warmup_days
    arrivals = np.zeros(config.calendar.days)
    for channel in config.channels:
        intensity = demand.base[channel][reporting] + demand.surge[channel][reporting]
        arrivals += np.bincount(day, weights=intensity, minlength=config.calendar.days)
    deflected = sum(c.share * c.deflection_share for c in config.categories.values())
    return arrivals * (1.0 - deflected)


def expected_tickets_per_day(config: ScenarioConfig) -> float:
    """Mean expected tickets per reporting day over the scenario's horizon."""
    return float(expected_daily_tickets(config).mean())


def sizing_overrides(config: ScenarioConfig, tickets: int) -> tuple[str, ...]:
    """``--set`` overrides that size the run to about ``tickets`` tickets: the number
    of days whose expected tickets add up closest to it (from the start date)."""
    per_day = expected_tickets_per_day(config)
    if per_day <= 0:
        raise ShapeError(f"--tickets: scenario '{config.name}' expects no tickets per day")
    horizon = min(MAX_DAYS, math.ceil(tickets / per_day * 1.5) + 7)
    cumulative = np.cumsum(expected_daily_tickets(config, horizon))
    if tickets > cumulative[-1] * 1.05:
        raise ShapeError(f"--tickets: {tickets:,} tickets need about {tickets / per_day:,.0f} days of "
                         f"scenario '{config.name}', more than the {MAX_DAYS:,}-day limit")
    if tickets >= cumulative[0]:
        days = int(np.argmin(np.abs(cumulative - tickets))) + 1
        return (f"calendar.days={days}",)
    scale = float(tickets / cumulative[0])
    sets = ["calendar.days=1"]
    for name, channel in config.channels.items():
        sets.append(f"channels.{name}.volume_per_day={channel.volume_per_day * scale!r}")
    for index, group in enumerate(config.agents):
        if group.count > 0:
            sets.append(f"agents.{index}.count={max(1, math.floor(group.count * scale + 0.5))}")
    return tuple(sets)


def _answer_key(config: ScenarioConfig, datasets, result, clean, flaws, level: str):
    """A function writing ``answer_key/``: the flaws, the clean tickets, the KPIs of the
    clean data, the parameters behind it and the expected answers to standard exercises."""
    from simulator.kpis import compute_kpis

    native = with_timestamps(datasets.tickets, result.calendar)
    kpis = compute_kpis(config, datasets, result.roster)

    def write(folder: Path) -> None:
        write_csv(flaws, folder / "flaws.csv")
        write_csv(clean, folder / "tickets_clean.csv")
        write_json(kpis, folder / "kpis_clean.json")
        write_json(true_parameters(config, native, level), folder / "parameters.json")
        write_json(expected_answers(native, config.calendar.timezone), folder / "expected_answers.json")

    return write


def check_tables(shape: str, tables: tuple[str, ...] | None) -> None:
    known = table_names(shape)
    for name in tables or ():
        if name not in known:
            raise ShapeError(f"--tables: the {shape} shape has no table '{name}' "
                             f"(it has {', '.join(known)})")


def run_generate(config: ScenarioConfig, seed: int, out: Path, request: GenerateRequest,
                 force: bool = False, progress: Callable[[str, int, int | None], None] | None = None
                 ) -> GenerateOutcome:
    """Simulate ``config``, shape its tables and write them in every format, atomically."""
    check_tables(request.shape, request.tables)
    check_level(request.messy)
    report = progress or (lambda stage, done, total: None)
    manifest = {"supportsim_version": __version__, "command": "generate", "scenario": config.name,
                "seed": seed, "replication": 0, "scenario_sha256": scenario_hash(config),
                "timezone": config.calendar.timezone, "shape": request.shape,
                "formats": list(request.formats),
                "tables": list(request.tables) if request.tables else None,
                "messy": request.messy, "csat_three": request.options.csat_three}
    engine = Handover(simulate(config, seed,
                               progress=lambda done, total: report("simulating", done, total)))
    report("shaping tables", 0, None)
    result = without_tables(engine.peek())  # every shape is built from the datasets
    datasets = build_datasets(config, engine)  # (which drops the engine's tables once read)
    if request.messy == "none" and SHAPE_INPUTS[request.shape] is not None:
        datasets = only_tables(datasets, SHAPE_INPUTS[request.shape])  # (messy: KPIs read all)
        return_free_memory()
    directory = build_directory(config, result.roster, seed)
    tables = build_shape(request.shape, config, datasets, result, seed, request.options, directory)
    if request.tables:
        tables = {name: tables[name] for name in request.tables if name in tables}
    answer_key = None
    if request.messy != "none" and "tickets" in tables:
        clean = tables["tickets"]
        tables["tickets"], flaws = make_messy(clean, request.messy, seed, config.calendar.timezone)
        answer_key = _answer_key(config, datasets, result, clean, flaws, request.messy)
    del datasets  # what the shapes did not take is freed before writing
    return_free_memory()
    xlsx_tables = request.tables or tuple(t for t in XLSX_DEFAULT_TABLES if t in tables)
    dictionary = dictionary_frame(request.shape, tables)
    total = rows_to_write(tables, request.formats, xlsx_tables, len(dictionary))
    done = [0]

    def advance(rows: int) -> None:
        done[0] += rows
        report("writing", done[0], total)

    files: list[str] = []

    def fill(folder: Path) -> None:
        (folder / "scenario.resolved.yaml").write_text(dump_scenario(config), encoding="utf-8")
        (folder / "data_dictionary.md").write_text(dictionary_markdown(request.shape, dictionary),
                                                   encoding="utf-8")
        files.extend(write_tables(tables, request.formats, folder, shape=request.shape,
                                  timezone=config.calendar.timezone, dictionary=dictionary,
                                  xlsx_tables=xlsx_tables, progress=advance))
        if answer_key is not None:
            key_folder = folder / "answer_key"
            key_folder.mkdir()
            answer_key(key_folder)
            manifest["answer_key"] = {p.name: {"sha256": file_sha256(p), "bytes": p.stat().st_size}
                                      for p in sorted(key_folder.iterdir())}

    manifest.update({"rows": {n: len(f) for n, f in tables.items()}, "messy": request.messy})
    folder = write_run_folder(out, force, fill, manifest)
    return GenerateOutcome(folder, {n: len(f) for n, f in tables.items()}, files)
