"""The plotly figures of report.html (planner/report.py lays them out).

Each takes a run folder's table (coverage, KPIs, trade-off points, the
comparison, the daily and interval tables) and returns a ``go.Figure``; none
reads files or writes HTML.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simulator.config import WEEKDAYS

GOOD, BAD, NEUTRAL = "#2a9d8f", "#e76f51", "#6c757d"
REQUIRED, SCHEDULED, WITH_COVER = "#264653", "#e9c46a", "#e76f51"
PALETTE = (REQUIRED, BAD, GOOD, SCHEDULED, NEUTRAL, "#8ab17d")  # one colour per scenario
# Shown for a comparison: (metric, label); live channels are added as they occur.
COMPARED = (("overall.sla_first_response_compliance", "first-response SLA compliance"),
            ("overall.sla_resolution_compliance", "resolution SLA compliance"),
            ("overall.csat_satisfied_rate", "CSAT (share 4-5)"),
            ("overall.open_at_horizon", "open backlog at the end"),
            ("overall.cost_per_ticket", "cost per ticket"),
            ("overall.agent_cost", "agent cost"))


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


def compared_metrics(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(metric, label) of a comparison: live channels' service level and abandonment, then COMPARED."""
    present = set(frame["metric"])
    live = [(m, m.replace(".", " ").replace("_", " ")) for m in sorted(present)
            if m.endswith((".service_level", ".abandonment_rate")) and not m.startswith("overall")]
    return live + [(m, label) for m, label in COMPARED if m in present]


def comparison_figure(frame: pd.DataFrame) -> go.Figure:
    metrics = compared_metrics(frame)
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
        if "cover_received" in part and (part["cover_received"].any() or part["cover_lent"].any()):
            _add_cover_trace(figure, part, slots, labels, index, shown)
    per_day = len(coverage) // max(len(groups), 1) // 7 or 1
    figure.update_xaxes(tickvals=[d * per_day for d in range(7)], ticktext=list(WEEKDAYS))
    figure.update_layout(height=170 * len(groups) + 80, margin={"l": 40, "r": 20, "t": 40})
    return figure


def _add_cover_trace(figure: go.Figure, part: pd.DataFrame, slots, labels, row: int,
                     shown: set[str]) -> None:
    """With planning.cover: the group's own agents less those lent, plus the cover it gets."""
    name = "scheduled, with cover"
    values = (part["coverage"] - part["cover_lent"] + part["cover_received"]).to_numpy(dtype=float)
    figure.add_trace(go.Scatter(
        x=slots, y=values.tolist(), name=name, line={"shape": "hv", "color": WITH_COVER,
                                                     "dash": "dot"},
        customdata=labels, legendgroup=name, showlegend=name not in shown,
        hovertemplate="%{customdata}: %{y:.1f}<extra>" + name + "</extra>"), row=row, col=1)
    shown.add(name)


def metric_columns(frame: pd.DataFrame, suffixes: Iterable[str]) -> list[str]:
    return [c for c in frame.columns
            if not c.endswith(("_low", "_high")) and c.endswith(tuple(suffixes))]


def curve_figure(frame: pd.DataFrame, suffixes: tuple[str, ...]) -> go.Figure:
    """Each metric against headcount, its confidence interval shaded."""
    metrics = metric_columns(frame, suffixes)
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
    metrics = metric_columns(frame, ("service_level",))
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
    for metric in metric_columns(frame, ("service_level",)):
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
