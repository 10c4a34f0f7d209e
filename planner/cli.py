"""The ``supportsim`` command line: a thin layer over the library.

Commands parse options, call the library and print. Bad input exits with code
2 and one line naming the field, the rule and the value; an internal error
exits 1; Ctrl-C exits 130. Progress goes to stderr, tables and ``--json`` to
stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from planner.cli_output import (
    print_comparison,
    print_erlang,
    print_plan,
    print_summary,
    print_tradeoff,
    progress_bar,
)
from planner.dask_executor import DaskUnavailable
from simulator.config import ConfigError
from simulator.export import OutputExistsError, clean_json
from simulator.loading import load_scenario, scenario_schema

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class BadInput(click.ClickException):
    """One line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _load(scenario: str, overrides: tuple[str, ...], days: int | None):
    if days is not None:
        if days < 1:
            raise BadInput(f"--days: must be >= 1, got {days}")
        overrides = (*overrides, f"calendar.days={days}")
    try:
        return load_scenario(scenario, overrides)
    except ConfigError as exc:
        raise BadInput(str(exc)) from None


def scenario_options(command):
    command = click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
                           help="Override a scenario field, e.g. --set channels.phone.volume_per_day=120 "
                                "(repeatable).")(command)
    return click.argument("scenario", type=click.Path(dir_okay=False))(command)


def dask_option(command):
    return click.option("--dask", "dask", default=None, metavar="ADDRESS",
                        help="Run the replications on a Dask cluster: a scheduler address "
                             "(tcp://host:8786) or 'local' for a local cluster of --workers "
                             "processes. Results are identical to local processes.")(command)


def replication_options(command):
    """--replications (default 5), --workers, --dask, --confidence and --seed of a sweep or
    comparison."""
    command = dask_option(command)
    command = click.option("--seed", type=int, default=1, show_default=True,
                           help="Random seed.")(command)
    command = click.option("--confidence", type=click.FloatRange(0.5, 1, max_open=True),
                           default=0.95, show_default=True)(command)
    command = click.option("--workers", type=click.IntRange(min=1), default=None,
                           help="Local processes [default: number of cores].")(command)
    return click.option("--replications", type=click.IntRange(min=2), default=5,
                        show_default=True)(command)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="supportsim")
def cli() -> None:
    """supportsim: simulate a support organisation and plan its staffing."""


@cli.command()
@scenario_options
def validate(scenario: str, overrides: tuple[str, ...]) -> None:
    """Check a scenario file (with its `extends` chain and --set overrides)."""
    config = _load(scenario, overrides, None)
    agents = sum(group.count for group in config.agents)
    click.echo(f"ok: {config.name}: {len(config.channels)} channels, {agents} agents, "
               f"{config.calendar.days} days from {config.calendar.start_date}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    click.echo(json.dumps(scenario_schema(), indent=2))


@cli.command()
@scenario_options
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--days", type=int, default=None, help="Simulate this many days (overrides the scenario).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run folder [default: outputs/simulate-<scenario>-s<seed>].")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the KPIs as JSON on stdout.")
def simulate(scenario: str, overrides: tuple[str, ...], seed: int, days: int | None,
             out: str | None, force: bool, as_json: bool) -> None:
    """Simulate a scenario: event log, tables, KPIs and a summary in a run folder."""
    from simulator.pipeline import run_simulation

    config = _load(scenario, overrides, days)
    folder = Path(out) if out else Path("outputs") / f"simulate-{config.name}-s{seed}"
    if folder.exists() and not force:
        raise BadInput(f"--out: folder '{folder}' exists; use --force to replace it")
    err = Console(stderr=True)
    with Progress(TextColumn("simulating {task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} days"), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(config.name, total=None)
        try:
            outcome = run_simulation(config, seed, folder, force,
                                     progress=lambda done, total: bar.update(task, completed=done,
                                                                             total=total))
        except OutputExistsError as exc:
            raise BadInput(str(exc)) from None
    if as_json:
        click.echo(json.dumps(clean_json({"folder": str(folder), **outcome.kpis}), indent=2))
        return
    print_summary(config, seed, outcome.kpis, folder)


@cli.command()
@scenario_options
@click.option("--tickets", type=int, default=None,
              help="Size the run to about N tickets (days from the scenario's tickets per day).")
@click.option("--days", type=int, default=None, help="Simulate this many days instead.")
@click.option("--shape", default="native", show_default=True, metavar="native|zendesk|simple|zendesk_warehouse",
              help="Table layout: the native tables, Zendesk API objects, a flat log or the "
                   "tables a Fivetran Zendesk connector lands.")
@click.option("--format", "formats", default="csv", show_default=True,
              metavar="csv,xlsx,parquet,jsonl,duckdb", help="File formats, comma-separated.")
@click.option("--tables", default=None, metavar="NAME,...",
              help="Tables to write [default: all; XLSX: tickets, daily, intervals].")
@click.option("--messy", default="none", show_default=True, metavar="none|light|heavy",
              help="Inject the flaws of real exports into the tickets, with an answer_key/ folder.")
@click.option("--csat-three", default="bad", show_default=True, metavar="good|bad",
              help="Zendesk shape: whether a CSAT score of 3 counts as good or bad.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run folder [default: outputs/generate-<scenario>-s<seed>].")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
def generate(scenario: str, overrides: tuple[str, ...], tickets: int | None, days: int | None,
             shape: str, formats: str, tables: str | None, messy: str, csat_three: str, seed: int,
             out: str | None, force: bool) -> None:
    """Generate a practice dataset: simulated tickets in a chosen shape and formats."""
    from simulator.generate import GenerateRequest, check_tables, run_generate, sizing_overrides
    from simulator.messiness import MessyError, check_level
    from simulator.shapes import ShapeError, ShapeOptions, table_names
    from simulator.writers import FormatError, parse_formats

    if tickets is not None and days is not None:
        raise BadInput("--tickets and --days: give one or the other, not both")
    if tickets is not None and tickets < 1:
        raise BadInput(f"--tickets: must be >= 1, got {tickets}")
    if csat_three not in ("good", "bad"):
        raise BadInput(f"--csat-three: must be good or bad, got '{csat_three}'")
    try:
        table_names(shape)
        chosen = tuple(t.strip() for t in tables.split(",") if t.strip()) if tables else None
        if tables is not None and not chosen:
            raise ShapeError(f"--tables: must name at least one table, got '{tables}'")
        check_tables(shape, chosen)
        check_level(messy)
        request = GenerateRequest(shape, parse_formats(formats), chosen, ShapeOptions(csat_three),
                                  messy)
    except (ShapeError, FormatError, MessyError) as exc:
        raise BadInput(str(exc)) from None
    config = _load(scenario, overrides, days)
    if tickets is not None:
        try:
            config = _load(scenario, (*overrides, *sizing_overrides(config, tickets)), None)
        except ShapeError as exc:
            raise BadInput(str(exc)) from None
    folder = Path(out) if out else Path("outputs") / f"generate-{config.name}-s{seed}"
    if folder.exists() and not force:
        raise BadInput(f"--out: folder '{folder}' exists; use --force to replace it")
    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("simulating", total=None, count="")

        def progress(stage: str, done: int, total: int | None) -> None:
            unit = "days" if stage == "simulating" else "rows"
            count = f"{done:,}/{total:,} {unit}" if total else ""
            bar.update(task, description=stage, completed=done, total=total, count=count)

        try:
            outcome = run_generate(config, seed, folder, request, force, progress)
        except OutputExistsError as exc:
            raise BadInput(str(exc)) from None
    rows = ", ".join(f"{name} {count:,}" for name, count in outcome.rows.items())
    click.echo(f"{config.name}, seed {seed}, {shape} shape: {rows}")
    click.echo(f"run folder: {folder} ({len(outcome.files)} data files, data_dictionary.md)")


@cli.command()
@click.option("--calls", type=click.FloatRange(min=0, min_open=True), required=True,
              help="Contacts offered per interval.")
@click.option("--interval-minutes", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True)
@click.option("--aht-seconds", type=click.FloatRange(min=0, min_open=True), required=True,
              help="Average handle time.")
@click.option("--answer-within-seconds", type=click.FloatRange(min=0), default=20.0,
              show_default=True, help="Service-level threshold.")
@click.option("--target-service-level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=None, help="Find the fewest agents meeting it, e.g. 0.8.")
@click.option("--agents", type=click.IntRange(min=1), default=None,
              help="Centre the table on this many agents.")
@click.option("--patience-seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Mean patience: Erlang A (callers abandon) instead of Erlang C.")
@click.option("--shrinkage", type=click.FloatRange(0, 1, max_open=True), default=0.0,
              show_default=True, help="Share of paid time unavailable (for 'scheduled').")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON on stdout.")
def erlang(calls: float, interval_minutes: float, aht_seconds: float,
           answer_within_seconds: float, target_service_level: float | None, agents: int | None,
           patience_seconds: float | None, shrinkage: float, as_json: bool) -> None:
    """Erlang C/A calculator: service level, ASA and occupancy by agent count."""
    from dataclasses import asdict

    from planner.staffing import required_agents, staffing_table

    rate = calls / (interval_minutes * 60.0)
    required = None
    if target_service_level is not None:
        required = required_agents(rate, aht_seconds, target_service_level,
                                   answer_within_seconds, patience_seconds)
    centre = agents or required or max(1, round(rate * aht_seconds) + 1)
    counts = range(max(1, centre - 3), centre + 4)
    rows = staffing_table(rate, aht_seconds, counts, answer_within_seconds, patience_seconds,
                          shrinkage=shrinkage)
    model = "Erlang A" if patience_seconds is not None else "Erlang C"
    if as_json:
        payload = {"model": model, "offered_load_erlangs": rate * aht_seconds,
                   "answer_within_seconds": answer_within_seconds,
                   "rows": [asdict(row) for row in rows]}
        if required is not None:
            payload["required_agents"] = required
        click.echo(json.dumps(clean_json(payload), indent=2))
        return
    print_erlang(rows, model, calls, interval_minutes, aht_seconds, answer_within_seconds,
                 patience_seconds is not None, required, target_service_level)

class TargetsUnmet(click.ClickException):
    """The plan was written but misses targets: exit code 3 (not an error line)."""

    exit_code = 3

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


@cli.command()
@scenario_options
@click.option("--replications", type=click.IntRange(min=2), default=10, show_default=True,
              help="Simulated weeks per candidate plan.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local processes for the replications [default: number of cores].")
@click.option("--confidence", type=click.FloatRange(0.5, 1, max_open=True), default=0.95,
              show_default=True, help="Confidence level of the KPI intervals.")
@dask_option
@click.option("--max-headcount", type=click.IntRange(min=1), default=None,
              help="Hiring limit over all skill groups (overrides planning.max_headcount).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run folder [default: outputs/plan-<scenario>-s<seed>].")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
@click.option("--json", "as_json", is_flag=True, help="Print plan.json on stdout.")
def plan(scenario: str, overrides: tuple[str, ...], replications: int, workers: int | None,
         confidence: float, dask: str | None, max_headcount: int | None, seed: int,
         out: str | None, force: bool, as_json: bool) -> None:
    """Headcount, shift schedule, roster and KPIs verified by simulation.

    Exit code 0 when every target holds, 3 when the best plan within the
    limits still misses some (the plan is written with its shortfalls).
    """
    from planner.plan import PlanOptions, make_plan
    from planner.plan_output import plan_payload, write_plan_folder
    from planner.runner import default_workers

    config = _load(scenario, overrides, None)
    folder = Path(out) if out else Path("outputs") / f"plan-{config.name}-s{seed}"
    if folder.exists() and not force:
        raise BadInput(f"--out: folder '{folder}' exists; use --force to replace it")
    options = PlanOptions(seed=seed, replications=replications,
                          workers=workers or default_workers(), confidence=confidence,
                          max_headcount=max_headcount, dask=dask)
    with progress_bar() as update:
        result = make_plan(config, options, progress=update)
        try:
            write_plan_folder(result, folder, force, seed, replications, confidence)
        except OutputExistsError as exc:
            raise BadInput(str(exc)) from None
    payload = plan_payload(result, seed, replications, confidence)
    if as_json:
        click.echo(json.dumps(clean_json({"folder": str(folder), **payload}), indent=2))
    else:
        print_plan(result, payload, folder)
    if not result.targets_hold:
        missed = [k["metric"] for k in payload["kpis"] if k["holds"] is False]
        raise TargetsUnmet(f"targets missed: {', '.join(missed)} ({result.stop_reason})")


@cli.command()
@scenario_options
@click.option("--headcount", "headcount_range", default=None, metavar="LO:HI:STEP",
              help="Sweep total headcount, e.g. 40:70:5.")
@click.option("--budget", "budget_range", default=None, metavar="LO:HI:STEP",
              help="Sweep the weekly paid-cost budget instead, e.g. 30000:60000:5000.")
@replication_options
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run folder [default: outputs/tradeoff-<scenario>-s<seed>].")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the curve as JSON on stdout.")
def tradeoff(scenario: str, overrides: tuple[str, ...], headcount_range: str | None,
             budget_range: str | None, replications: int, workers: int | None,
             confidence: float, seed: int, dask: str | None, out: str | None, force: bool,
             as_json: bool) -> None:
    """What each extra agent (or budget step) buys: KPIs with intervals per point."""
    from planner.plan import PlanOptions
    from planner.report import write_report
    from planner.runner import default_workers
    from planner.tradeoff import parse_range, sweep, tradeoff_frame
    from simulator.export import write_csv, write_run_folder

    if (headcount_range is None) == (budget_range is None):
        raise BadInput("--headcount/--budget: give exactly one of them")
    kind, text = ("headcount", headcount_range) if headcount_range else ("budget", budget_range)
    try:
        limits = parse_range(text, f"--{kind}")
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    config = _load(scenario, overrides, None)
    folder = Path(out) if out else Path("outputs") / f"tradeoff-{config.name}-s{seed}"
    if folder.exists() and not force:
        raise BadInput(f"--out: folder '{folder}' exists; use --force to replace it")
    options = PlanOptions(seed=seed, replications=replications,
                          workers=workers or default_workers(), confidence=confidence, dask=dask)
    with progress_bar() as update:
        points = sweep(config, kind, limits, options, progress=update)
    frame = tradeoff_frame(points, kind)
    manifest = {"command": "tradeoff", "scenario": config.name, "seed": seed,
                "replications": replications, kind: text}
    def fill(path: Path) -> None:
        write_csv(frame, path / "tradeoff.csv")
        write_report(path, "tradeoff")

    write_run_folder(folder, force, fill, manifest)
    if as_json:
        click.echo(json.dumps(clean_json({"folder": str(folder),
                                          "points": frame.to_dict(orient="records")}), indent=2))
        return
    print_tradeoff(frame, config.name, kind, replications, confidence, folder)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a field in every scenario (repeatable).")
@click.option("--days", type=int, default=None, help="Days to simulate (default: each scenario's).")
@replication_options
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run folder [default: outputs/compare-<first>-<n>-scenarios-s<seed>].")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON on stdout.")
def compare(scenarios: tuple[str, ...], overrides: tuple[str, ...], days: int | None,
            replications: int, workers: int | None, confidence: float, seed: int,
            dask: str | None, out: str | None, force: bool, as_json: bool) -> None:
    """Scenarios side by side (same seeds): KPIs, cost and the change each one makes."""
    from planner.compare import comparison_frame, run_comparison, story_frame
    from planner.report import write_report
    from planner.runner import default_workers
    from simulator.export import write_csv, write_run_folder

    if len(scenarios) < 2:
        raise BadInput("SCENARIOS: give at least two scenarios to compare")
    configs = [_load(path, overrides, days) for path in scenarios]
    names = [c.name for c in configs]
    if len(set(names)) != len(names):
        raise BadInput(f"SCENARIOS: scenario names must differ, got {', '.join(names)}")
    label = f"compare-{names[0]}-{len(names)}-scenarios-s{seed}"
    folder = Path(out) if out else Path("outputs") / label
    if folder.exists() and not force:
        raise BadInput(f"--out: folder '{folder}' exists; use --force to replace it")
    with progress_bar() as update:
        outcomes = run_comparison(configs, seed, replications, workers or default_workers(),
                                  progress=lambda done, total: update("simulating", done, total),
                                  dask=dask)
    frame = comparison_frame(outcomes, confidence)
    story = story_frame(outcomes)

    def fill(path: Path) -> None:
        write_csv(frame, path / "compare.csv")
        write_csv(story, path / "story.csv")
        write_report(path, "compare")

    manifest = {"command": "compare", "scenarios": names, "seed": seed,
                "replications": replications, "confidence": confidence}
    write_run_folder(folder, force, fill, manifest)
    if as_json:
        click.echo(json.dumps(clean_json({"folder": str(folder),
                                          "rows": frame.to_dict(orient="records")}), indent=2))
        return
    print_comparison(frame, names, replications, confidence, folder)


@cli.command()
@click.argument("run_dir", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON on stdout.")
def rerun(run_dir: str, as_json: bool) -> None:
    """Repeat a simulate or generate run from its folder and check every file's sha256.

    Exit 0 when every file is byte-identical, 3 when one differs or is missing.
    """
    from simulator.rerun import RerunError
    from simulator.rerun import rerun as repeat

    try:
        result = repeat(Path(run_dir))
    except RerunError as exc:
        raise BadInput(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"command": result.command, "reproduced": result.reproduced,
                               "identical": list(result.identical),
                               "different": list(result.different),
                               "missing": list(result.missing)}, indent=2))
    else:
        click.echo(f"{len(result.identical)} files identical, {len(result.different)} differ, "
                   f"{len(result.missing)} missing")
        for name in (*result.different, *result.missing):
            click.echo(f"  not reproduced: {name}")
    if not result.reproduced:
        raise TargetsUnmet(f"not reproduced: {', '.join((*result.different, *result.missing))}")


@cli.command()
@click.argument("run_dir", type=click.Path())
def report(run_dir: str) -> None:
    """Rebuild report.html (plotly charts, one offline file) of a plan, tradeoff or compare folder."""
    from planner.report import ReportError, rebuild_report

    try:
        path = rebuild_report(Path(run_dir))
    except ReportError as exc:
        raise BadInput(str(exc)) from None
    click.echo(f"report: {path}")


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except TargetsUnmet as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        if not isinstance(exc, BadInput):
            exc = BadInput(exc.format_message())
        exc.show()
        sys.exit(exc.exit_code)
    except DaskUnavailable as exc:
        BadInput(str(exc)).show()
        sys.exit(BadInput.exit_code)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 -- an internal error: one line, no traceback
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
