"""summary.md: the KPIs a person reads first, each KPI's status against its
target, and the alerts (Markdown)."""

from __future__ import annotations

import math

import pandas as pd

from simulator.kpis import DEFINITIONS

MAX_ALERT_ROWS = 40

ROWS = (
    ("service level", "service_level", "pct"),
    ("ASA (s)", "asa_seconds", "num"),
    ("abandonment", "abandonment_rate", "pct"),
    ("FRT mean (min)", "frt_mean_minutes", "num"),
    ("TTR mean (h)", "ttr_mean_hours", "num"),
    ("FCR", "fcr_rate", "pct"),
    ("CSAT (4-5)", "csat_satisfied_rate", "pct"),
    ("FRT SLA met", "sla_first_response_compliance", "pct"),
    ("resolution SLA met", "sla_resolution_compliance", "pct"),
    ("occupancy", "occupancy", "pct"),
    ("tickets", "tickets", "int"),
    ("open at horizon", "open_at_horizon", "int"),
)


def fmt(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "num2":
        return f"{value:,.2f}"
    return f"{value:,.1f}"


def summary_rows(kpis: dict) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per KPI, one column per channel plus overall."""
    channels = list(kpis["channels"])
    header = ["KPI", *channels, "overall"]
    rows = []
    for label, key, kind in ROWS:
        values = [fmt(kpis["channels"][c].get(key), kind) for c in channels]
        rows.append([label, *values, fmt(kpis["overall"].get(key), kind)])
    return header, rows


def _kind(name: str) -> str:
    unit = DEFINITIONS[name].unit if name in DEFINITIONS else ""
    return {"fraction": "pct", "count": "int", "points per ticket": "num2"}.get(unit, "num")


def band_text(entry: dict, kind: str) -> tuple[str, str]:
    """Target and warning columns: '70.0%-80.0%', '>= 90.0%'; '< 60.0% or > 90.0%'."""
    low, high = entry["target_min"], entry["target_max"]
    if low is None and high is None:
        return "-", "-"
    if low is not None and high is not None:
        target = f"{fmt(low, kind)}-{fmt(high, kind)}"
    else:
        target = f">= {fmt(low, kind)}" if low is not None else f"<= {fmt(high, kind)}"
    warnings = []
    # Bounds a fraction cannot pass (0%, 100%) are not worth a word.
    if entry["warning_min"] is not None and entry["warning_min"] != low and \
            not (kind == "pct" and entry["warning_min"] <= 0.0):
        warnings.append(f"< {fmt(entry['warning_min'], kind)}")
    if entry["warning_max"] is not None and entry["warning_max"] != high and \
            not (kind == "pct" and entry["warning_max"] >= 1.0):
        warnings.append(f"> {fmt(entry['warning_max'], kind)}")
    return target, " or ".join(warnings) or "-"


def status_lines(kpis: dict) -> list[str]:
    """Every overall KPI, then each channel's KPIs that have a target."""
    lines = ["| KPI | value | target | missed when | status |", "|---|---|---|---|---|"]
    for name, entry in kpis["status"]["overall"].items():
        kind = _kind(name)
        target, warning = band_text(entry, kind)
        lines.append(f"| {name} | {fmt(entry['value'], kind)} | {target} | {warning} | {entry['status']} |")
    lines += ["", "| channel | KPI | value | target | missed when | status |", "|---|---|---|---|---|---|"]
    for channel, entries in kpis["status"]["channels"].items():
        for name, entry in entries.items():
            if entry["status"] == "n/a":
                continue
            kind = _kind(name)
            target, warning = band_text(entry, kind)
            lines.append(f"| {channel} | {name} | {fmt(entry['value'], kind)} | {target} | {warning} "
                         f"| {entry['status']} |")
    return lines


def alert_lines(alerts: pd.DataFrame) -> list[str]:
    if alerts is None or alerts.empty:
        return ["No alerts."]
    counts = alerts["alert"].value_counts().sort_index()
    lines = [", ".join(f"{count} {name}" for name, count in counts.items())
             + " (all in `alerts.csv`).", "",
             "| date | alert | channel | ticket | clock | value | threshold |",
             "|---|---|---|---|---|---|---|"]
    for row in alerts.head(MAX_ALERT_ROWS).itertuples(index=False):
        surge = row.alert == "volume_surge"
        value = fmt(row.value, "int" if surge else "pct")
        threshold = fmt(row.threshold, "num" if surge else "pct")
        ticket = "" if row.ticket_id < 0 else str(row.ticket_id)
        lines.append(f"| {row.date} | {row.alert} | {row.channel} | {ticket} | {row.clock} "
                     f"| {value} | {threshold} |")
    if len(alerts) > MAX_ALERT_ROWS:
        lines.append(f"\n... and {len(alerts) - MAX_ALERT_ROWS} more.")
    return lines


def summary_markdown(config, seed: int, kpis: dict, alerts: pd.DataFrame | None = None) -> str:
    header, rows = summary_rows(kpis)
    lines = [f"# {config.name} (seed {seed})", "",
             (f"{config.calendar.days} days from {config.calendar.start_date} "
             f"({config.calendar.timezone}), after {config.calendar.warmup_days} warm-up days. "
             f"Service level basis: `{kpis['service_level_basis']}`."), "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "| target | value | met |", "|---|---|---|"]
    for name, check in kpis["targets"].items():
        lines.append(f"| {name} (target {check['target']}) | {fmt(check['value'], 'num' if 'breaches' in name else 'pct')} "
                     f"| {'yes' if check['met'] else 'NO'} |")
    overall = kpis["overall"]
    lines += ["", (f"Occupancy {fmt(overall['occupancy'], 'pct')}, "
              f"utilisation {fmt(overall['utilisation'], 'pct')}.")]
    lines += ["", "## KPI status", "",
              ("`met` inside the target, `warning` outside it but not past the warning "
              "threshold, `missed` past it; formulas in `kpis.json` (`definitions`)."), ""]
    lines += status_lines(kpis)
    lines += ["", "## Alerts", ""] + alert_lines(alerts)
    return "\n".join(lines) + "\n"
