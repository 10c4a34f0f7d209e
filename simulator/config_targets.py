"""Service targets, KPI target and warning bands, QA reviews and alerts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from simulator.config_base import ChannelName, Model, Share, check_mix


class KpiBand(Model):
    """Target and warning band of one KPI; a bound left out is open.

    Status: ``met`` inside the target band, ``warning`` outside it but inside
    the warning band, ``missed`` beyond the warning band. A warning bound left
    out on a side where the target is bounded falls back to the target bound
    (leaving the target on that side is then ``missed``).
    """

    target_min: float | None = None
    target_max: float | None = None
    warning_min: float | None = None
    warning_max: float | None = None

    @model_validator(mode="after")
    def _warning_contains_target(self) -> KpiBand:
        if self.target_min is not None and self.target_max is not None \
                and self.target_min > self.target_max:
            raise ValueError(f"target_min must be <= target_max, got {self.target_min:g} > {self.target_max:g}")
        if self.warning_min is not None and self.target_min is not None \
                and self.warning_min > self.target_min:
            raise ValueError(f"warning_min must be <= target_min, got {self.warning_min:g}")
        if self.warning_max is not None and self.target_max is not None \
                and self.warning_max < self.target_max:
            raise ValueError(f"warning_max must be >= target_max, got {self.warning_max:g}")
        return self


# Playbook defaults (issue 4): CSAT 90% / 85%, FRT 1 h / 4 h (asynchronous
# channels), TTR 24 h / 72 h, FCR 70% / 50%, reopen 5% / 10%, escalation from
# L1 15-25% / 30%, deflection 30-50% (warning below 20%), occupancy 70-80%
# (warning below 60% or above 90%). The KPIs whose target has its own field
# below (service level, abandonment, SLA compliance, severe breaches) take only
# their warning from here.
DEFAULT_KPI_BANDS: dict[str, KpiBand] = {
    "csat_satisfied_rate": KpiBand(target_min=0.90, warning_min=0.85),
    "frt_async_mean_minutes": KpiBand(target_max=60.0, warning_max=240.0),
    "ttr_mean_hours": KpiBand(target_max=24.0, warning_max=72.0),
    "fcr_rate": KpiBand(target_min=0.70, warning_min=0.50),
    "reopen_rate": KpiBand(target_max=0.05, warning_max=0.10),
    "escalation_rate": KpiBand(target_min=0.15, target_max=0.25, warning_min=0.0, warning_max=0.30),
    "deflection_rate": KpiBand(target_min=0.30, target_max=0.50, warning_min=0.20, warning_max=1.0),
    "occupancy": KpiBand(target_min=0.70, target_max=0.80, warning_min=0.60, warning_max=0.90),
    "sla_next_reply_compliance": KpiBand(target_min=0.90, warning_min=0.80),
    "frustration_index": KpiBand(target_max=0.10, warning_max=0.20),
    # Warnings only: the targets are the fields of ServiceTargets.
    "service_level": KpiBand(warning_min=0.70),
    "abandonment_rate": KpiBand(warning_max=0.10),
    "sla_first_response_compliance": KpiBand(warning_min=0.90),
    "sla_resolution_compliance": KpiBand(warning_min=0.85),
    "sla_severe_breaches": KpiBand(),
}
TARGET_FIELDS: dict[str, str] = {
    "service_level": "service_level", "abandonment_rate": "max_abandonment",
    "sla_first_response_compliance": "first_response_compliance",
    "sla_resolution_compliance": "resolution_compliance",
    "sla_severe_breaches": "max_severe_breaches",
}


class ServiceTargets(Model):
    service_level: dict[ChannelName, Share] = Field(
        default_factory=lambda: {"phone": 0.8, "chat": 0.8}
    )
    max_abandonment: Share = 0.05
    first_response_compliance: Share = 0.95
    resolution_compliance: Share = 0.90
    max_severe_breaches: Annotated[int, Field(ge=0)] = 0
    kpis: dict[str, KpiBand] = Field(default_factory=dict)  # overrides of DEFAULT_KPI_BANDS

    @field_validator("kpis")
    @classmethod
    def _known_kpis(cls, value: dict[str, KpiBand]) -> dict[str, KpiBand]:
        for name, band in value.items():
            if name not in DEFAULT_KPI_BANDS:
                raise ValueError(f"unknown KPI '{name}'; one of {', '.join(sorted(DEFAULT_KPI_BANDS))}")
            if name in TARGET_FIELDS and (band.target_min is not None or band.target_max is not None):
                raise ValueError(f"{name}: set its target with targets.{TARGET_FIELDS[name]}; "
                                 "only warning_min / warning_max go here")
        return value

    def band(self, name: str) -> KpiBand | None:
        """The KPI's band (scenario override, else the default); None if it has none."""
        return self.kpis.get(name, DEFAULT_KPI_BANDS.get(name))


QA_CRITERIA: tuple[str, ...] = ("solution_quality", "communication", "process_adherence",
                                "efficiency", "customer_experience")


class QaConfig(Model):
    """QA reviews: a seeded sample of solved tickets scored 0-100 on a weighted rubric.

    Each criterion's score is ``base_score + proficiency_sd * z_agent -
    rush_penalty * sensitivity * rushed + noise_sd * e``, clipped to 0..100, where
    ``z_agent`` is a standard-normal latent per agent and ``rushed`` (0..1) is
    how hurried the handling was (simulator/qa.py).
    """

    review_rate: Share = 0.05
    weights: dict[str, Share] = Field(default_factory=lambda: {
        "solution_quality": 0.30, "communication": 0.25, "process_adherence": 0.20,
        "efficiency": 0.15, "customer_experience": 0.10})
    base_score: Annotated[float, Field(ge=0.0, le=100.0)] = 85.0
    proficiency_sd: Annotated[float, Field(ge=0.0)] = 6.0
    rush_penalty: Annotated[float, Field(ge=0.0)] = 20.0
    noise_sd: Annotated[float, Field(ge=0.0)] = 5.0

    @field_validator("weights")
    @classmethod
    def _rubric(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != set(QA_CRITERIA):
            raise ValueError(f"needs exactly the criteria {', '.join(QA_CRITERIA)}, got {', '.join(value)}")
        return check_mix(value, "QA weight")


class AlertConfig(Model):
    """The alert view: volume surges and tickets at SLA risk (simulator/alerts.py)."""

    # The default is the alert view's definition: volume above the trailing
    # 7-day mean (the day excluded) by more than the buffer. It flags every
    # busy weekday after a quiet weekend; "same_weekday" with noise_sigmas 3
    # flags only unusual days (baseline.yaml uses it).
    baseline: Literal["trailing_7_day", "same_weekday"] = "trailing_7_day"
    trailing_days: Annotated[int, Field(ge=1, le=60)] = 7
    trailing_weeks: Annotated[int, Field(ge=2, le=52)] = 4
    volume_buffer: Annotated[float, Field(ge=0.0)] = 0.20
    noise_sigmas: Annotated[float, Field(ge=0.0)] = 0.0
    sla_risk_share: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.80
