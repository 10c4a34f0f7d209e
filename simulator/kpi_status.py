"""A KPI's status against its band: met, warning or missed (kpis.json, summary.md).

The band of a KPI comes from the scenario: ``targets.kpis`` (target and
warning thresholds, playbook defaults in config_targets.DEFAULT_KPI_BANDS)
and the legacy target fields (service level per channel, abandonment, SLA
compliance, severe breaches), which set the target and keep the warning on
the same side of it.
"""

from __future__ import annotations

import math

from simulator.config import TARGET_FIELDS, KpiBand, ScenarioConfig
from simulator.kpi_definitions import DEFINITIONS


def band_for(config: ScenarioConfig, name: str, channel: str | None = None) -> KpiBand | None:
    """The KPI's target and warning band: legacy target fields plus ``targets.kpis``."""
    targets = config.targets
    band = targets.band(name)
    if name not in TARGET_FIELDS:
        return band
    warning = band or KpiBand()
    if name == "service_level":
        target = targets.service_level.get(channel) if channel else None
        if target is None:
            return None
        return KpiBand(target_min=target, warning_min=min(warning.warning_min or target, target))
    if name in ("sla_first_response_compliance", "sla_resolution_compliance"):
        target = getattr(targets, TARGET_FIELDS[name])
        return KpiBand(target_min=target, warning_min=min(warning.warning_min or target, target))
    if name == "abandonment_rate" and channel is None:
        return None
    target = float(getattr(targets, TARGET_FIELDS[name]))
    return KpiBand(target_max=target, warning_max=max(warning.warning_max or target, target))


def status(value: float, band: KpiBand | None) -> str:
    """``met`` / ``warning`` / ``missed``; ``n/a`` without a band or a value."""
    if band is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    low, high = band.target_min, band.target_max
    if (low is None or value >= low) and (high is None or value <= high):
        return "met"
    warn_low = band.warning_min if band.warning_min is not None else low
    warn_high = band.warning_max if band.warning_max is not None else high
    if (warn_low is None or value >= warn_low) and (warn_high is None or value <= warn_high):
        return "warning"
    return "missed"


def status_table(config: ScenarioConfig, values: dict[str, float],
                 channel: str | None = None) -> dict[str, dict]:
    """Each KPI with its value, target band, warning band and status."""
    out = {}
    for name, value in values.items():
        if name not in DEFINITIONS:
            continue
        band = band_for(config, name, channel)
        out[name] = {"value": value,
                     "target_min": band.target_min if band else None,
                     "target_max": band.target_max if band else None,
                     "warning_min": band.warning_min if band else None,
                     "warning_max": band.warning_max if band else None,
                     "status": status(value, band)}
    return out


