"""What the CLI prints: tables on stdout (rich) and the progress bar on stderr.

Kept apart from the commands (planner/cli.py) so each command reads as
options, the work, and one call that shows the result.
"""

from __future__ import annotations

import math
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table


def figure_text(value: float, sign: str = "") -> str:
    """Three significant figures, thousands in full (56,641 rather than 5.66e+04)."""
    if math.isnan(value):  # nothing to measure (e.g. no answered call)
        return "-"
    return f"{value:{sign},.0f}" if abs(value) >= 1000 else f"{value:{sign}.3g}"


def print_comparison(frame, names: list[str], replications: int, confidence: float,
                      folder: Path) -> None:
    table = Table(title=f"{replications} replications, same seeds; {confidence:.0%} intervals; "
                        f"change against {names[0]} paired")
    table.add_column("KPI")
    for index, name in enumerate(names):
        table.add_column(name if index == 0 else f"{name} (change)", justify="right")
    for metric in dict.fromkeys(frame["metric"]):
        cells = [metric]
        for index, name in enumerate(names):
            row = frame[(frame["metric"] == metric) & (frame["scenario"] == name)].iloc[0]
            text = figure_text(row["mean"])
            if index:
                text += (f" ({figure_text(row['difference'], '+')}, "
                         f"{figure_text(row['difference_low'], '+')} to "
                         f"{figure_text(row['difference_high'], '+')})")
            cells.append(text)
        table.add_row(*cells)
    console = Console(width=max(Console().width, 160))
    console.print(table)
    console.print(f"run folder: {folder}")


class progress_bar:
    """A rich bar on stderr driven by (label, done, total) callbacks."""

    def __enter__(self):
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.completed}/{task.total}"),
                            console=Console(stderr=True), transient=True)
        self.bar.__enter__()
        self.task = self.bar.add_task("planning", total=None)
        return self.update

    def update(self, label: str, done: int, total: int) -> None:
        self.bar.update(self.task, description=label, completed=done, total=total)

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)


def print_plan(result, payload: dict, folder: Path) -> None:
    from planner.schedule import schedule_table

    console = Console(width=max(Console().width, 120))
    heads = payload["headcount"]
    table = Table(title=f"{payload['scenario']}: plan for the week of {payload['week_start']}")
    for header in ("skill group", "tier", "channels", "headcount", "of which reserve", "FTE",
                   "Erlang plan"):
        table.add_column(header, justify="left" if header in ("skill group", "channels") else "right")
    for name, row in heads["groups"].items():
        table.add_row(name, row["tier"], "+".join(row["channels"]), str(row["headcount"]),
                      str(row["reserve_for_absence"]), f"{row['fte']:.1f}",
                      str(row["analytic_headcount"]))
    table.add_row("total", "", "", str(heads["total_headcount"]), "", f"{heads['total_fte']:.1f}", "")
    console.print(table)
    console.print("by tier: " + ", ".join(f"{t} {v['headcount']}" for t, v in heads["tiers"].items())
                  + "; by channel (workload share): "
                  + ", ".join(f"{c} {v:g}" for c, v in heads["channels"].items()))
    frame = schedule_table(result.schedule)
    shifts = Table(title="schedule: agents per shift and day")
    for column in frame.columns:
        shifts.add_column(str(column), justify="left" if frame[column].dtype == object else "right")
    for row in frame.itertuples(index=False):
        shifts.add_row(*(str(v) for v in row))
    console.print(shifts)
    kpis = Table(title=f"verified KPIs ({payload['replications']} replications, "
                       f"{payload['confidence']:.0%} intervals, fresh seeds)")
    for header in ("KPI", "mean", "interval", "target", "holds", "days met"):
        kpis.add_column(header, justify="left" if header == "KPI" else "right")
    for row in payload["kpis"]:
        if row["target"] is None:
            continue
        kpis.add_row(row["metric"], f"{row['mean']:.3f}", f"{row['low']:.3f}-{row['high']:.3f}",
                     f"{row['target']:g}", "yes" if row["holds"] else "NO",
                     "" if row["share_of_days_met"] is None else f"{row['share_of_days_met']:.0%}")
    console.print(kpis)
    console.print(f"weekly cost: {payload['weekly_cost']:,.0f}; schedule {payload['schedule']['status']}"
                  f" (gap {payload['schedule']['mip_gap']:.2%}); "
                  f"{len(payload['schedule']['short_intervals'])} intervals short; "
                  f"stopped: {payload['stop_reason']}")
    if "cover" in payload:
        lent = ", ".join(f"{group} lends {hours:,.1f}"
                         for group, hours in payload["cover"]["agent_hours_lent"].items())
        got = ", ".join(f"{group} gets {hours:,.1f}"
                        for group, hours in payload["cover"]["agent_hours_received"].items())
        console.print(f"cover (agent-hours a week): {'; '.join(filter(None, (lent, got))) or 'none'}")
    console.print(f"run folder: {folder}")


def print_summary(config, seed: int, kpis: dict, folder: Path) -> None:
    from simulator.summary import summary_rows

    header, rows = summary_rows(kpis)
    table = Table(title=f"{config.name}, seed {seed} (service level basis: "
                        f"{kpis['service_level_basis']})")
    for index, name in enumerate(header):
        table.add_column(name, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console = Console()
    console.print(table)
    unmet = [name for name, check in kpis["targets"].items() if not check["met"]]
    console.print(f"targets not met: {', '.join(unmet)}" if unmet else "all service targets met")
    console.print(f"run folder: {folder}")


def print_tradeoff(frame, name: str, kind: str, replications: int, confidence: float,
                   folder: Path) -> None:
    """The trade-off curve as a table: each KPI with its interval per point."""
    table = Table(title=f"{name}: trade-off by {kind} ({replications} replications, "
                        f"{confidence:.0%} intervals)")
    shown = [kind, "headcount", "weekly_cost"] + [
        m for m in frame.columns if m.endswith(("service_level", "abandonment_rate"))
        or m in ("overall.csat_satisfied_rate", "overall.frt_median_minutes", "cost_per_ticket")]
    for column in shown:
        table.add_column(column.replace("overall.", ""), justify="right")
    for _, row in frame.iterrows():
        cells = []
        for column in shown:
            value = row[column]
            if column in (kind, "headcount", "weekly_cost"):
                cells.append(f"{value:,.0f}")
            else:
                cells.append(f"{value:.3g} ({row[column + '_low']:.3g}-{row[column + '_high']:.3g})")
        table.add_row(*cells)
    console = Console(width=max(Console().width, 160))
    console.print(table)
    console.print(f"run folder: {folder}")


def print_erlang(rows, model: str, calls: float, interval_minutes: float, aht_seconds: float,
                 answer_within_seconds: float, abandonment: bool, required: int | None,
                 target_service_level: float | None) -> None:
    """The calculator's table around the requirement, the required row in bold."""
    rate = calls / (interval_minutes * 60.0)
    table = Table(title=f"{model}: {calls:g} contacts per {interval_minutes:g} min, AHT "
                        f"{aht_seconds:g} s, load {rate * aht_seconds:.2f} Erlangs")
    headers = ["agents", "scheduled", f"SL {answer_within_seconds:g}s", "P(wait)", "ASA (s)",
               "occupancy"] + (["abandon"] if abandonment else [])
    for header in headers:
        table.add_column(header, justify="right")
    for row in rows:
        cells = [str(row.agents), str(row.scheduled), f"{row.service_level:.1%}",
                 f"{row.probability_wait:.1%}", f"{row.asa_seconds:.1f}", f"{row.occupancy:.1%}"]
        if abandonment:
            cells.append(f"{row.probability_abandon:.1%}")
        table.add_row(*cells, style="bold" if row.agents == required else None)
    console = Console()
    console.print(table)
    if required is not None:
        console.print(f"required agents for {target_service_level:.0%} within "
                      f"{answer_within_seconds:g} s: {required}")
