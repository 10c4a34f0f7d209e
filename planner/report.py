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
import itertools
import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from simulator.config import WEEKDAYS
from simulator.export import file_sha256, write_json

GOOD, BAD, NEUTRAL = "#2a9d8f", "#e76f51", "#6c757d"
REQUIRED, SCHEDULED = "#264653", "#e9c46a"
PALETTE = (REQUIRED, BAD, GOOD, SCHEDULED, NEUTRAL, "#8ab17d")  # one colour per scenario
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
    files["report.html"] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
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


def daily_figure(daily: pd.DataFrame) -> go.Figure:
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                           subplot_titles=["contacts", "open tickets at the day's end"])
    for index, channel in enumerate(dict.fromkeys(daily["channel"])):
        part = daily[daily["channel"] == channel]
        colour = PALETTE[index % len(PALETTE)]
        figure.add_trace(go.Bar(x=part["date"].tolist(), y=part["contacts"].tolist(), name=channel,
                                marker_color=colour, legendgroup=channel), row=1, col=1)
        figure.add_trace(go.Scatter(x=part["date"].tolist(), y=part["open_tickets_at_end"].tolist(),
                                    name=channel, line={"color": colour}, legendgroup=channel,
                                    showlegend=False), row=2, col=1)
    figure.update_layout(barmode="stack", height=560, margin={"l": 50, "r": 20, "t": 40})
    return figure


def daily_level_figure(daily: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for index, channel in enumerate(dict.fromkeys(daily["channel"])):
        part = daily[daily["channel"] == channel]
        figure.add_trace(go.Scatter(x=part["date"].tolist(), y=part["service_level"].tolist(),
                                    mode="lines+markers", name=channel,
                                    line={"color": PALETTE[index % len(PALETTE)]}))
    figure.update_layout(height=360, yaxis_title="service level (live) / first responses in SLA",
                         margin={"l": 60, "r": 20, "t": 20})
    return figure


def intraday_figure(intervals: pd.DataFrame) -> go.Figure:
    live = [c for c in dict.fromkeys(intervals["channel"]) if c in ("phone", "chat")]
    figure = make_subplots(rows=max(len(live), 1), cols=1, shared_xaxes=True,
                           vertical_spacing=0.08, subplot_titles=live or ["no live channel"])
    for index, channel in enumerate(live, start=1):
        part = intervals[intervals["channel"] == channel].head(7 * 96)
        stamps = part["interval_start"].dt.strftime("%Y-%m-%d %H:%M").tolist()
        for column, name, colour in (("offered", "offered", REQUIRED),
                                     ("staffed_agents", "staffed agents", SCHEDULED)):
            figure.add_trace(go.Scatter(x=stamps, y=part[column].tolist(), name=name,
                                        line={"shape": "hv", "color": colour}, legendgroup=name,
                                        showlegend=index == 1), row=index, col=1)
    figure.update_layout(height=260 * max(len(live), 1) + 60, margin={"l": 50, "r": 20, "t": 40})
    return figure


# Shown for a comparison: (metric, label); live channels are added as they occur.
COMPARED = (("overall.sla_first_response_compliance", "first-response SLA compliance"),
            ("overall.sla_resolution_compliance", "resolution SLA compliance"),
            ("overall.csat_satisfied_rate", "CSAT (share 4-5)"),
            ("overall.open_at_horizon", "open backlog at the end"),
            ("overall.cost_per_ticket", "cost per ticket"),
            ("overall.agent_cost", "agent cost"))


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


def _compared_metrics(frame: pd.DataFrame) -> list[tuple[str, str]]:
    present = set(frame["metric"])
    live = [(m, m.replace(".", " ").replace("_", " ")) for m in sorted(present)
            if m.endswith((".service_level", ".abandonment_rate")) and not m.startswith("overall")]
    return live + [(m, label) for m, label in COMPARED if m in present]


def comparison_figure(frame: pd.DataFrame) -> go.Figure:
    metrics = _compared_metrics(frame)
    cols = 2
    rows = max(1, -(-len(metrics) // cols))
    figure = make_subplots(rows=rows, cols=cols, subplot_titles=[label for _, label in metrics],
                           vertical_spacing=0.35 / rows)
    colours = PALETTE
    for index, (metric, _) in enumerate(metrics):
        part = frame[frame["metric"] == metric]
        figure.add_trace(go.Bar(
            x=part["scenario"].tolist(), y=part["mean"].tolist(),
            marker_color=[colours[i % len(colours)] for i in range(len(part))],
            error_y={"type": "data", "symmetric": False,
                     "array": (part["high"] - part["mean"]).tolist(),
                     "arrayminus": (part["mean"] - part["low"]).tolist()},
            showlegend=False, name=metric), row=index // cols + 1, col=index % cols + 1)
    figure.update_layout(height=260 * rows + 40, margin={"l": 50, "r": 20, "t": 40})
    return figure


def story_figure(story: pd.DataFrame) -> go.Figure:
    figure = make_subplots(rows=2, cols=1, shared_xaxes=False, vertical_spacing=0.12,
                           subplot_titles=["contacts per hour (all channels)",
                                           "open tickets at the hour's end"])
    for index, scenario in enumerate(dict.fromkeys(story["scenario"])):
        part = story[story["scenario"] == scenario]
        hours = part["hour"].str.slice(0, 16).tolist()
        colour = PALETTE[index % len(PALETTE)]
        for row, column in ((1, "contacts"), (2, "open_backlog")):
            figure.add_trace(go.Scatter(x=hours, y=part[column].tolist(), mode="lines",
                                        name=scenario, legendgroup=scenario,
                                        line={"color": colour},
                                        showlegend=row == 1), row=row, col=1)
    figure.update_layout(height=620, margin={"l": 50, "r": 20, "t": 40})
    return figure


def _signed(value: float) -> str:
    return f"{value:+,.0f}" if abs(value) >= 1000 else f"{value:+.3g}"


def _difference_table(frame: pd.DataFrame) -> str:
    scenarios = list(dict.fromkeys(frame["scenario"]))
    rows = []
    for metric, _ in _compared_metrics(frame):
        row = [metric]
        for scenario in scenarios[1:]:
            item = frame[(frame["metric"] == metric) & (frame["scenario"] == scenario)].iloc[0]
            row.append(f"{_signed(item['difference'])} ({_signed(item['difference_low'])} to "
                       f"{_signed(item['difference_high'])})")
        rows.append(row)
    return _table(["KPI", *scenarios[1:]], rows)


# --------------------------------------------------------------------------- figures

def kpi_figure(kpis: list[dict]) -> go.Figure:
    """One row per targeted KPI: mean with its interval, the target as a black tick."""
    rows = [k for k in kpis if k.get("target") is not None]
    count = max(len(rows), 1)
    figure = make_subplots(rows=count, cols=1, vertical_spacing=0.5 / count,
                           subplot_titles=[k["metric"] for k in rows] or ["no targets"])
    for index, kpi in enumerate(rows, start=1):
        colour = GOOD if kpi["holds"] else BAD
        figure.add_trace(go.Scatter(
            x=[kpi["mean"]], y=[0], mode="markers", marker={"color": colour, "size": 11},
            error_x={"type": "data", "symmetric": False, "color": colour,
                     "array": [kpi["high"] - kpi["mean"]], "arrayminus": [kpi["mean"] - kpi["low"]]},
            showlegend=False,
            hovertemplate=f"{kpi['metric']}: %{{x:.3f}} ({kpi['low']:.3f}-{kpi['high']:.3f})"
                          "<extra></extra>"), row=index, col=1)
        figure.add_trace(go.Scatter(
            x=[kpi["target"]], y=[0], mode="markers", showlegend=False,
            marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": "#111"}},
            hovertemplate=f"target {kpi['target']:g}<extra></extra>"), row=index, col=1)
        low, high = min(kpi["low"], kpi["target"]), max(kpi["high"], kpi["target"])
        pad = (high - low) * 0.15 or 0.01
        figure.update_xaxes(range=[low - pad, high + pad], row=index, col=1)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=110 * count + 40, margin={"l": 30, "r": 30, "t": 40, "b": 20})
    return figure


def headcount_figure(plan: dict) -> go.Figure:
    rows = plan["erlang_vs_simulation"]
    groups = plan["headcount"]["groups"]
    names = [r["group"] for r in rows]
    figure = go.Figure([
        go.Bar(name="Erlang / fluid model", x=names, y=[r["analytic_headcount"] for r in rows],
               marker_color=NEUTRAL),
        go.Bar(name="verified plan", x=names, y=[r["simulated_headcount"] for r in rows],
               marker_color=REQUIRED),
        go.Bar(name="of which reserve (absence, vacation)", x=names,
               y=[groups[n]["reserve_for_absence"] for n in names], marker_color=SCHEDULED),
    ])
    figure.update_layout(barmode="group", height=380, yaxis_title="agents",
                         margin={"l": 50, "r": 20, "t": 20})
    return figure


def coverage_figure(coverage: pd.DataFrame) -> go.Figure:
    groups = list(dict.fromkeys(coverage["group"]))
    shown: set[str] = set()
    figure = make_subplots(rows=len(groups), cols=1, shared_xaxes=True, vertical_spacing=0.03,
                           subplot_titles=groups)
    for index, group in enumerate(groups, start=1):
        part = coverage[coverage["group"] == group]
        slots = list(range(len(part)))
        labels = (part["day"] + " " + part["time"]).tolist()
        required = part["required_agents"].to_numpy(dtype=float)
        if not required.any() and "async_work_hours" in part and part["async_work_hours"].any():
            # Async work is planned against deadlines, not per interval: show the work
            # arriving, as the agents it would take to clear it in its own interval.
            hours_per_slot = 24.0 / (len(part) / 7)
            required = part["async_work_hours"].to_numpy(dtype=float) / hours_per_slot
            first = "work arriving (agents to clear it at once)"
        else:
            first = "required"
        for values, name, colour in ((required, first, REQUIRED),
                                     (part["coverage"].to_numpy(dtype=float), "scheduled",
                                      SCHEDULED)):
            figure.add_trace(go.Scatter(
                x=slots, y=values.tolist(), name=name, line={"shape": "hv", "color": colour},
                customdata=labels, legendgroup=name, showlegend=name not in shown,
                hovertemplate="%{customdata}: %{y:.1f}<extra>" + name + "</extra>"),
                row=index, col=1)
            shown.add(name)
    per_day = len(coverage) // max(len(groups), 1) // 7 or 1
    figure.update_xaxes(tickvals=[d * per_day for d in range(7)], ticktext=list(WEEKDAYS))
    figure.update_layout(height=170 * len(groups) + 80, margin={"l": 40, "r": 20, "t": 40})
    return figure


def _metric_columns(frame: pd.DataFrame, suffixes: Iterable[str]) -> list[str]:
    return [c for c in frame.columns
            if not c.endswith(("_low", "_high")) and c.endswith(tuple(suffixes))]


def curve_figure(frame: pd.DataFrame, suffixes: tuple[str, ...]) -> go.Figure:
    """Each metric against headcount, its confidence interval shaded."""
    metrics = _metric_columns(frame, suffixes)
    figure = make_subplots(rows=1, cols=max(len(metrics), 1), subplot_titles=metrics or ["-"])
    x = frame["headcount"].tolist()
    for col, metric in enumerate(metrics, start=1):
        figure.add_trace(go.Scatter(x=x + x[::-1], y=frame[f"{metric}_high"].tolist()
                                    + frame[f"{metric}_low"].tolist()[::-1], fill="toself",
                                    mode="lines", line={"width": 0},
                                    fillcolor="rgba(38,70,83,0.15)",
                                    hoverinfo="skip", showlegend=False), row=1, col=col)
        figure.add_trace(go.Scatter(x=x, y=frame[metric].tolist(), mode="lines+markers",
                                    name=metric, line={"color": REQUIRED}, showlegend=False),
                         row=1, col=col)
    figure.update_xaxes(title_text="headcount")
    figure.update_layout(height=360, margin={"l": 50, "r": 20, "t": 40})
    return figure


def marginal_figure(frame: pd.DataFrame) -> go.Figure:
    metrics = _metric_columns(frame, ("service_level",))
    heads = frame["headcount"].to_numpy(dtype=float)
    figure = go.Figure()
    for metric in metrics:
        values = frame[metric].to_numpy(dtype=float)
        added = heads[1:] - heads[:-1]
        per_agent = [(v1 - v0) / a if a else 0.0
                     for v0, v1, a in zip(values[:-1], values[1:], added, strict=True)]
        figure.add_trace(go.Bar(x=[f"{a:.0f} to {b:.0f}" for a, b in itertools.pairwise(heads)],
                                y=per_agent, name=metric))
    figure.update_layout(barmode="group", height=340, yaxis_title="service level per agent",
                         xaxis_title="headcount step", margin={"l": 60, "r": 20, "t": 20})
    return figure


def cost_figure(frame: pd.DataFrame) -> go.Figure:
    figure = make_subplots(rows=1, cols=2, subplot_titles=["weekly cost against service level",
                                                           "cost per ticket"])
    for metric in _metric_columns(frame, ("service_level",)):
        figure.add_trace(go.Scatter(x=frame["weekly_cost"].tolist(), y=frame[metric].tolist(),
                                    mode="lines+markers", name=metric,
                                    text=[f"{h:.0f} agents" for h in frame["headcount"]]),
                         row=1, col=1)
    if "cost_per_ticket" in frame.columns:
        figure.add_trace(go.Scatter(x=frame["headcount"].tolist(),
                                    y=frame["cost_per_ticket"].tolist(), mode="lines+markers",
                                    name="cost per ticket", line={"color": NEUTRAL}), row=1, col=2)
    figure.update_xaxes(title_text="weekly paid cost", row=1, col=1)
    figure.update_xaxes(title_text="headcount", row=1, col=2)
    figure.update_layout(height=360, margin={"l": 50, "r": 20, "t": 40})
    return figure


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
