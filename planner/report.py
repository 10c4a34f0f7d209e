"""report.html: a run folder's charts and tables in one self-contained, offline file.

Built from the folder's own files (kpis.json, daily, intervals and alerts for a
simulation, plan.json and coverage.csv for a plan, tradeoff.csv for a
trade-off sweep, compare.csv and story.csv for a comparison), so ``supportsim report RUN_DIR`` can
rebuild it at any time and it never disagrees with the numbers beside it.
Figures are plotly; plotly.js is embedded once, so the file opens without a
network. Every figure gets a fixed element id, so the same folder gives the
same bytes.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from planner.charts import (
    compared_metrics,
    comparison_figure,
    cost_figure,
    coverage_figure,
    curve_figure,
    daily_figure,
    daily_level_figure,
    headcount_figure,
    intraday_figure,
    kpi_figure,
    marginal_figure,
    story_figure,
)
from planner.cli_output import figure_text
from simulator.export import manifest_entry, write_json

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.holds { color: #2a9d8f; } .misses { color: #e76f51; font-weight: 600; }
.warning { color: #b8860b; }
.note { color: #555; font-size: 0.9rem; }
"""


class ReportError(ValueError):
    """The folder is not a plan or trade-off run folder (or lacks its files)."""


# --------------------------------------------------------------------------- entry points

def write_report(folder: Path, command: str | None = None) -> Path:
    """Write ``folder/report.html`` for a plan or trade-off folder; returns its path."""
    folder = Path(folder)
    command = command or _command_of(folder)
    if command == "plan":
        text = plan_report(folder)
    elif command == "tradeoff":
        text = tradeoff_report(folder)
    elif command == "compare":
        text = compare_report(folder)
    elif command == "simulate":
        text = simulate_report(folder)
    else:
        raise ReportError(f"RUN_DIR: a report needs a simulate, plan, tradeoff or compare run folder, "
                          f"got a '{command}' folder")
    path = folder / "report.html"
    staging = folder / ".report.html.tmp"
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)  # never a half-written report
    return path


def rebuild_report(folder: Path) -> Path:
    """``supportsim report RUN_DIR``: write report.html again and record it in the manifest."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"RUN_DIR: '{folder}' is not a folder")
    path = write_report(folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = dict(manifest.get("files", {}))
    files["report.html"] = manifest_entry(path)
    manifest["files"] = dict(sorted(files.items()))
    write_json(manifest, manifest_path)
    return path


def _command_of(folder: Path) -> str:
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise ReportError(f"RUN_DIR: no manifest.json in '{folder}'")
    return str(json.loads(manifest.read_text(encoding="utf-8")).get("command"))


def _read(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise ReportError(f"RUN_DIR: '{folder}' has no {name}")
    return path


def plan_report(folder: Path) -> str:
    plan = json.loads(_read(folder, "plan.json").read_text(encoding="utf-8"))
    coverage = pd.read_csv(_read(folder, "coverage.csv"))
    title = f"Staffing plan: {plan['scenario']}, week of {plan['week_start']}"
    sections = [
        _plan_summary(plan),
        ("Verified KPIs against their targets", kpi_figure(plan["kpis"]),
         ("Mean and confidence interval from replications with fresh seeds; a target holds "
         "when the bound on the unsafe side meets it.")),
        ("Headcount: Erlang's answer and the verified plan", headcount_figure(plan), None),
        ("Coverage against the requirement, per 15-minute interval",
         coverage_figure(coverage), ("Scheduled agents (breaks placed) against the "
         "requirement the schedule was solved for.")),
        ("If demand is 10% off the forecast", _sensitivity_table(plan), None),
        ("How the plan was reached", _iteration_table(plan), None),
    ]
    return _page(title, sections)


def tradeoff_report(folder: Path) -> str:
    frame = pd.read_csv(_read(folder, "tradeoff.csv"))
    kind = "budget" if "budget" in frame.columns else "headcount"
    title = f"Trade-off by {kind}"
    sections = [
        ("Service level and abandonment by headcount", curve_figure(frame, (
            "service_level", "abandonment_rate")), "Shaded: confidence interval."),
        ("What each extra agent buys", marginal_figure(frame),
         "Change in service level per added agent between consecutive points."),
        ("Cost against service", cost_figure(frame), None),
        ("Customer experience", curve_figure(frame, ("csat_satisfied_rate",
                                                     "frt_median_minutes")), None),
        ("The points", _frame_table(frame), None),
    ]
    return _page(title, sections)


def simulate_report(folder: Path) -> str:
    kpis = json.loads(_read(folder, "kpis.json").read_text(encoding="utf-8"))
    daily = pd.read_parquet(_read(folder, "daily.parquet"))
    intervals = pd.read_parquet(_read(folder, "intervals.parquet"))
    alerts = pd.read_csv(_read(folder, "alerts.csv"))
    title = f"Simulation: {kpis['scenario']}, seed {kpis['seed']}"
    sections = [
        ("KPIs against their targets", _status_table(kpis),
         (f"Service level basis: {kpis['service_level_basis']}. Green: met; amber: between "
          "the target and the warning threshold; red: missed.")),
        ("Contacts per day and the open backlog", daily_figure(daily), None),
        ("Service level per day", daily_level_figure(daily), None),
        ("Offered contacts and staffed agents per interval (first week, live channels)",
         intraday_figure(intervals), None),
        (f"Alerts ({len(alerts)})", _frame_table(alerts.head(40)),
         "Volume surges and tickets at SLA risk at a day's end (the first 40; all in alerts.csv)."),
    ]
    return _page(title, sections)


def _status_table(kpis: dict) -> str:
    """KPIs down, overall and each channel across; each value coloured by its status."""
    scopes = {"overall": kpis["status"]["overall"], **kpis["status"]["channels"]}
    metrics = list(dict.fromkeys(m for items in scopes.values() for m, item in items.items()
                                 if item["status"] != "n/a" and item["value"] is not None))
    rows = []
    for metric in metrics:
        target = next(item for items in scopes.values() for m, item in items.items()
                      if m == metric)
        bound = " - ".join(f"{v:g}" for v in (target["target_min"], target["target_max"])
                           if v is not None)
        cells = []
        for items in scopes.values():
            item = items.get(metric)
            if item is None or item["value"] is None or item["status"] == "n/a":
                cells.append("-")
                continue
            cls = {"met": "holds", "missed": "misses"}.get(item["status"], "warning")
            cells.append(f"<span class='{cls}'>{item['value']:.3g}</span>")
        rows.append([metric, bound, *cells])
    return _table(["KPI", "target", *scopes], rows)


def compare_report(folder: Path) -> str:
    frame = pd.read_csv(_read(folder, "compare.csv"))
    story = pd.read_csv(_read(folder, "story.csv"))
    scenarios = list(dict.fromkeys(frame["scenario"]))
    title = "Scenarios compared: " + ", ".join(scenarios)
    sections = [
        ("Key KPIs by scenario", comparison_figure(frame),
         "Mean and confidence interval over replications with the same seeds."),
        (f"Change against {scenarios[0]}", _difference_table(frame),
         ("Paired over replications (common random numbers): an interval that excludes 0 is "
         "a real difference.")),
        ("The story: contacts per hour and open backlog", story_figure(story), None),
    ]
    return _page(title, sections)


def _difference_table(frame: pd.DataFrame) -> str:
    scenarios = list(dict.fromkeys(frame["scenario"]))
    rows = []
    for metric, _ in compared_metrics(frame):
        row = [metric]
        for scenario in scenarios[1:]:
            item = frame[(frame["metric"] == metric) & (frame["scenario"] == scenario)].iloc[0]
            row.append(f"{figure_text(item['difference'], '+')} "
                       f"({figure_text(item['difference_low'], '+')} to "
                       f"{figure_text(item['difference_high'], '+')})")
        rows.append(row)
    return _table(["KPI", *scenarios[1:]], rows)


# --------------------------------------------------------------------------- figures

# --------------------------------------------------------------------------- tables and page

def _plan_summary(plan: dict) -> tuple[str, str, None]:
    heads = plan["headcount"]
    status = "every target holds" if plan["targets_hold"] else "some targets are missed"
    reason = "" if plan["stop_reason"] == "targets hold" else f" ({plan['stop_reason']})"
    cls = "holds" if plan["targets_hold"] else "misses"
    schedule = plan["schedule"]
    gap = schedule.get("mip_gap")
    lines = [
        f"<p class='{cls}'>{html.escape(status + reason)}</p>",
        _table(["", "value"], [
            ["headcount", f"{heads['total_headcount']}"],
            ["FTE (40 h)", f"{heads['total_fte']:.1f}"],
            ["weekly paid cost", f"{plan['weekly_cost']:,.0f}"],
            ["schedule", f"{schedule['status']}" + (f", gap {gap:.1%}" if gap is not None else "")],
            ["replications", f"{plan['replications']} at {plan['confidence']:.0%} confidence"],
        ]),
        _table(["skill group", "tier", "channels", "headcount", "reserve", "FTE"], [
            [name, g["tier"], "+".join(g["channels"]), g["headcount"], g["reserve_for_absence"],
             f"{g['fte']:.1f}"] for name, g in heads["groups"].items()]),
    ]
    return ("Recommendation", "".join(lines), None)


def _sensitivity_table(plan: dict) -> str:
    base = {k["metric"]: k for k in plan["kpis"] if k.get("target") is not None}
    cases = list(plan.get("sensitivity", {}))
    rows = []
    for metric, kpi in base.items():
        row = [metric, f"{kpi['target']:g}", _cell(kpi)]
        for case in cases:
            found = next((k for k in plan["sensitivity"][case] if k["metric"] == metric), None)
            row.append(_cell(found) if found else "-")
        rows.append(row)
    return _table(["KPI", "target", "forecast", *cases], rows)


def _cell(kpi: dict) -> str:
    cls = "holds" if kpi.get("holds") else "misses"
    return f"<span class='{cls}'>{kpi['mean']:.3f} ({kpi['low']:.3f}-{kpi['high']:.3f})</span>"


def _iteration_table(plan: dict) -> str:
    rows = [[it["number"], sum(it["headcount"].values()), ", ".join(it["missed"]) or "-",
             ", ".join(it["raised"]) or "-", it["schedule_status"]]
            for it in plan.get("iterations", [])]
    return _table(["iteration", "headcount", "targets missed", "raised", "schedule"], rows)


def _frame_table(frame: pd.DataFrame) -> str:
    shown = [c for c in frame.columns if not c.endswith(("_low", "_high"))]
    rows = [[f"{v:,.4g}" if isinstance(v, float) else str(v) for v in record]
            for record in frame[shown].itertuples(index=False)]
    return _table(shown, rows)


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c if str(c).startswith('<span') else html.escape(str(c))}"
                                    "</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, sections: list[tuple[str, object, str | None]]) -> str:
    parts = []
    for index, (heading, content, note) in enumerate(sections):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if note:
            parts.append(f"<p class='note'>{html.escape(note)}</p>")
        if isinstance(content, go.Figure):
            content.update_layout(template="plotly_white")
            parts.append(pio.to_html(content, full_html=False, include_plotlyjs=False,
                                     div_id=f"figure-{index}",
                                     config={"displaylogo": False, "responsive": True}))
        else:
            parts.append(str(content))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head>"
            f"<body><h1>{html.escape(title)}</h1>{''.join(parts)}</body></html>\n")
