"""summary.md: the KPIs a person reads first, as a Markdown table."""

from __future__ import annotations

import math

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


def summary_markdown(config, seed: int, kpis: dict) -> str:
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
    return "\n".join(lines) + "\n"
