"""Scenario configuration: pydantic v2 models of a support operation.

A scenario is a YAML file validated into a frozen :class:`ScenarioConfig`.
Models forbid unknown keys and carry units in field names (``mean_seconds``).
Reading files (``extends``, ``--set`` overrides, error lines) lives in
``simulator/loading.py``.
Every problem becomes one :class:`ConfigError` line naming the field path,
the rule and the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ChannelName = Literal["phone", "chat", "email", "web", "social"]
SYNCHRONOUS_CHANNELS: tuple[str, ...] = ("phone", "chat")
CHANNELS: tuple[str, ...] = ("phone", "chat", "email", "web", "social")
TierName = Literal["L1", "L2", "L3"]
TIERS: tuple[str, ...] = ("L1", "L2", "L3")
Priority = Literal["P1", "P2", "P3", "P4", "P5"]
PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4", "P5")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ServiceLevelBasis = Literal["offered", "answered", "abandon_met", "exclude_short"]
Activity = Literal["break", "lunch", "meeting", "training", "coaching"]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveSeconds = Annotated[float, Field(gt=0.0)]
PositiveMinutes = Annotated[float, Field(gt=0.0)]
TimeRangeText = Annotated[str, Field(pattern=r"^\d\d:\d\d-\d\d:\d\d$")]


class ConfigError(ValueError):
    """A scenario is invalid; the message is one line: path, rule, value."""


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_mix(mix: dict[str, float], what: str) -> dict[str, float]:
    total = sum(mix.values())
    if mix and abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares must sum to 1, got {total:g}")
    return mix


def _check_ranges(ranges: list[str]) -> list[str]:
    for text in ranges:
        start, end = text.split("-")
        if not ("00:00" <= start < "24:00" and start < end <= "24:00"):
            raise ValueError(f"time range must lie within the day with start < end, got '{text}'")
        if int(start[3:]) >= 60 or int(end[3:]) >= 60:
            raise ValueError(f"minutes must be below 60, got '{text}'")
    return ranges


WeeklyHoursText = dict[Weekday, list[TimeRangeText]]


class Duration(Model):
    """A random duration from its mean and coefficient of variation."""

    mean_seconds: PositiveSeconds
    cv: Annotated[float, Field(ge=0.0)] = 1.0
    distribution: Literal["exponential", "lognormal", "fixed"] = "lognormal"

    @model_validator(mode="after")
    def _exponential_has_cv_one(self) -> Duration:
        if self.distribution == "exponential" and self.cv != 1.0:
            raise ValueError(f"cv: an exponential duration has cv 1, got {self.cv:g}")
        return self


class CalendarConfig(Model):
    start_date: dt.date
    timezone: str = "UTC"
    days: Annotated[int, Field(ge=1, le=3660)] = 28
    warmup_days: Annotated[int, Field(ge=0, le=366)] = 7
    interval_minutes: Annotated[int, Field(ge=1, le=60)] = 15
    business_hours: WeeklyHoursText = Field(
        default_factory=lambda: {d: ["09:00-17:00"] for d in WEEKDAYS[:5]}
    )
    holidays: list[dt.date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"must be an IANA time zone such as Europe/Berlin, got '{value}'")
        return value

    @field_validator("interval_minutes")
    @classmethod
    def _divides_day(cls, value: int) -> int:
        if 1440 % value:
            raise ValueError(f"must divide 1440 (minutes in a day), got {value}")
        return value

    @field_validator("business_hours")
    @classmethod
    def _valid_hours(cls, value: WeeklyHoursText) -> WeeklyHoursText:
        for ranges in value.values():
            _check_ranges(ranges)
        return value


class HandleTime(Model):
    """Work content of one L1 contact; phone: talk + hold + wrap-up."""

    work: Duration
    hold: Duration | None = None
    wrap: Duration | None = None

    @property
    def mean_seconds(self) -> float:
        parts = (self.work, self.hold, self.wrap)
        return sum(p.mean_seconds for p in parts if p is not None)


class RedialConfig(Model):
    probability: Share = 0.0
    delay: Duration = Duration(mean_seconds=600.0, cv=1.0, distribution="exponential")
    max_attempts: Annotated[int, Field(ge=0, le=5)] = 2


class ChannelConfig(Model):
    """Demand, opening hours and work content of one channel."""

    volume_per_day: Annotated[float, Field(ge=0.0)]
    day_of_week_factors: dict[Weekday, Annotated[float, Field(ge=0.0)]] = Field(default_factory=dict)
    intraday_hourly_weights: list[Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=lambda: [1.0] * 24
    )
    open_hours: Literal["always", "business"] | WeeklyHoursText = "always"
    overdispersion_cv: Annotated[float, Field(ge=0.0)] = 0.0
    growth_per_year: Annotated[float, Field(gt=-1.0)] = 0.0
    handle: HandleTime
    patience: Duration | None = None
    redial: RedialConfig = RedialConfig()
    concurrency: Annotated[int, Field(ge=1, le=10)] = 1
    slowdown: list[Annotated[float, Field(ge=1.0)]] = Field(default_factory=lambda: [1.0])
    answer_within_seconds: PositiveSeconds = 20.0

    @field_validator("intraday_hourly_weights")
    @classmethod
    def _day_of_weights(cls, value: list[float]) -> list[float]:
        if len(value) != 24 or sum(value) <= 0:
            raise ValueError(f"needs 24 non-negative weights with a positive sum, got {len(value)}")
        return value

    @field_validator("open_hours")
    @classmethod
    def _valid_open_hours(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for ranges in value.values():
                _check_ranges(ranges)
        return value

    @model_validator(mode="after")
    def _slowdown_per_slot(self) -> ChannelConfig:
        if len(self.slowdown) != self.concurrency:
            raise ValueError(
                f"slowdown: needs one factor per concurrent slot ({self.concurrency}),"
                f" got {len(self.slowdown)}"
            )
        return self


class CategoryConfig(Model):
    share: Share
    deflection_share: Share = 0.0
    escalate_to_l2: Share = 0.0
    escalate_to_l3: Share = 0.0  # of those that reached L2


class CustomerConfig(Model):
    """The customer pool; ``locale`` is the Faker locale of requester names,
    companies and e-mails in exports (``supportsim generate``)."""

    pool_size: Annotated[int, Field(ge=1)] = 5000
    propensity_cv: Annotated[float, Field(ge=0.0)] = 1.5
    tiers: dict[str, Share] = Field(default_factory=lambda: {"standard": 1.0})
    locale: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "en_US"

    @field_validator("tiers")
    @classmethod
    def _tiers_sum(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_mix(value, "customer tier")

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        from faker.config import AVAILABLE_LOCALES

        if value not in AVAILABLE_LOCALES:
            raise ValueError(f"must be a Faker locale such as en_US or de_DE, got '{value}'")
        return value


class TierConfig(Model):
    hourly_cost: Annotated[float, Field(ge=0.0)] = 30.0
    work: Duration | None = None  # escalated work item; L1 uses the channel's handle time


class SlaTarget(Model):
    first_response_minutes: PositiveMinutes
    next_reply_minutes: PositiveMinutes | None = None
    resolution_minutes: PositiveMinutes
    business_hours: bool = False


class LifecycleConfig(Model):
    pending_probability: Share = 0.0
    pending_delay: Duration = Duration(mean_seconds=14400.0)
    follow_up_work_fraction: Annotated[float, Field(gt=0.0, le=2.0)] = 0.4
    hold_probability: Share = 0.0
    hold_delay: Duration = Duration(mean_seconds=86400.0)
    truly_resolved_probability: Share = 1.0
    repeat_delay: Duration = Duration(mean_seconds=172800.0)
    reopen_probability: Share = 0.0
    reopen_delay: Duration = Duration(mean_seconds=86400.0)
    max_reopens: Annotated[int, Field(ge=0, le=5)] = 2
    close_after_solved_seconds: PositiveSeconds = 4 * 86400.0
    fcr_window_days: Annotated[int, Field(ge=1)] = 7
    max_follow_up_generations: Annotated[int, Field(ge=0, le=5)] = 2


class ActivityConfig(Model):
    """An in-shift unavailable block; placed at ``at_shift_fraction`` or at random."""

    activity: Activity
    minutes: PositiveSeconds
    probability_per_shift: Share = 1.0
    at_shift_fraction: Share | None = None
    jitter_minutes: Annotated[float, Field(ge=0.0)] = 0.0


class ShrinkageConfig(Model):
    in_shift: list[ActivityConfig] = Field(default_factory=list)
    absence_rate: Share = 0.0
    vacation_rate: Share = 0.0
    minimum_shift_hours_for_blocks: Annotated[float, Field(ge=0.0)] = 4.0


class FixedBreak(Model):
    """A break at a set local time, as a published schedule places it."""

    activity: Literal["break", "lunch"]
    start: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]
    minutes: PositiveMinutes


class AgentGroup(Model):
    """``count`` agents with one tier, skills and weekly shift pattern(s).

    ``names`` (one per agent) and ``fixed_breaks`` (per weekday) come from a
    planned roster: with ``fixed_breaks`` the group's breaks and lunch are
    taken at those times instead of the ``shrinkage.in_shift`` break and lunch
    rules; meetings, training and coaching still follow the shrinkage rules.
    """

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    tier: TierName
    count: Annotated[int, Field(ge=0)]
    skills: list[ChannelName]
    shifts: list[WeeklyHoursText] = Field(min_length=1)
    tenure_weeks: Annotated[int, Field(ge=0)] | None = None
    works_holidays: bool = False
    names: list[str] | None = None
    fixed_breaks: dict[Weekday, list[FixedBreak]] | None = None

    @model_validator(mode="after")
    def _one_name_per_agent(self) -> AgentGroup:
        if self.names is not None and len(self.names) != self.count:
            raise ValueError(f"names: needs one name per agent ({self.count}), got {len(self.names)}")
        return self

    @field_validator("shifts")
    @classmethod
    def _valid_shifts(cls, value: list[WeeklyHoursText]) -> list[WeeklyHoursText]:
        for week in value:
            for ranges in week.values():
                _check_ranges(ranges)
        return value


class CsatConfig(Model):
    """Survey and score model: score = base + channel offset - penalties + noise,
    rounded and clipped to 1..5; penalties for waiting on line (per minute), for
    the first reply of an offline ticket (per hour, capped), for resolution past
    24 hours, per escalation and per reopen."""

    survey_rate: Share = 0.3
    response_rate: Share = 0.35
    base_score: Annotated[float, Field(ge=1.0, le=5.0)] = 4.5
    channel_offset: dict[ChannelName, float] = Field(default_factory=dict)
    per_wait_minute: Annotated[float, Field(ge=0.0)] = 0.02
    per_first_reply_hour: Annotated[float, Field(ge=0.0)] = 0.12
    max_first_reply_penalty: Annotated[float, Field(ge=0.0)] = 1.2
    past_24h_resolution: Annotated[float, Field(ge=0.0)] = 0.6
    per_escalation: Annotated[float, Field(ge=0.0)] = 0.3
    per_reopen: Annotated[float, Field(ge=0.0)] = 0.7
    noise_sd: Annotated[float, Field(ge=0.0)] = 0.8


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
        return _check_mix(value, "QA weight")


class AlertConfig(Model):
    """The alert view: volume surges and tickets at SLA risk (simulator/alerts.py)."""

    trailing_days: Annotated[int, Field(ge=1, le=60)] = 7
    volume_buffer: Annotated[float, Field(ge=0.0)] = 0.20
    sla_risk_share: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.80


class RoutingConfig(Model):
    synchronous_first: bool = True


class SeasonalityConfig(Model):
    """Multipliers on the base volume by calendar position."""

    monthly_factors: dict[Annotated[int, Field(ge=1, le=12)], Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=dict
    )
    month_end_days: Annotated[int, Field(ge=0, le=10)] = 0
    month_end_factor: Annotated[float, Field(ge=0.0)] = 1.0
    holiday_factor: Annotated[float, Field(ge=0.0)] = 1.0


class DemandEvent(Model):
    """Extra volume superposed on the baseline (an outage, a release, a surge).

    ``extra_volume_factor`` 3.0 adds 300% of the baseline intensity over the
    window; the extra contacts come from their own random stream, so every
    baseline customer is kept.
    """

    name: Annotated[str, Field(min_length=1)]
    start: dt.datetime
    duration_hours: PositiveSeconds
    extra_volume_factor: Annotated[float, Field(ge=0.0)]
    channels: list[ChannelName] = Field(default_factory=lambda: list(CHANNELS))


class SkillGroup(Model):
    """A planning unit: agents of one tier who take a set of channels."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    tier: TierName
    channels: list[ChannelName] = Field(min_length=1)
    max_headcount: Annotated[int, Field(ge=0)] | None = None


class BreakWindow(Model):
    """One break or lunch per full shift, starting inside a window after shift start."""

    activity: Literal["break", "lunch"]
    minutes: PositiveMinutes
    earliest_after_start_minutes: Annotated[int, Field(ge=0)]
    latest_after_start_minutes: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _window_in_order(self) -> BreakWindow:
        if self.latest_after_start_minutes < self.earliest_after_start_minutes:
            raise ValueError("latest_after_start_minutes: must be >= earliest_after_start_minutes")
        return self


def _default_breaks() -> list[BreakWindow]:
    # A lunch and two breaks per full shift, each inside a window (PB ~2698).
    return [BreakWindow(activity="break", minutes=15, earliest_after_start_minutes=90,
                        latest_after_start_minutes=180),
            BreakWindow(activity="lunch", minutes=30, earliest_after_start_minutes=210,
                        latest_after_start_minutes=300),
            BreakWindow(activity="break", minutes=15, earliest_after_start_minutes=330,
                        latest_after_start_minutes=420)]


class ShiftTemplateConfig(Model):
    """A shift the planner may use: start, paid length, breaks, days per week."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    start: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]
    hours: Annotated[float, Field(gt=0.0, le=12.0)]
    days_per_week: Annotated[int, Field(ge=1, le=7)] = 5
    part_time: bool = False
    breaks: list[BreakWindow] | None = None  # None: the planning default for full shifts

    @model_validator(mode="after")
    def _within_day(self) -> ShiftTemplateConfig:
        hour, minute = (int(x) for x in self.start.split(":"))
        if hour >= 24 or minute >= 60:
            raise ValueError(f"start: must be a time of day HH:MM, got '{self.start}'")
        if hour * 60 + minute + self.hours * 60 > 1440:
            raise ValueError(f"hours: a shift must end by 24:00, got {self.start} + {self.hours:g} h")
        return self


def _default_templates() -> list[ShiftTemplateConfig]:
    starts = ["06:00", "06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "09:30", "10:00",
              "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00"]
    full = [ShiftTemplateConfig(name=f"full_{s.replace(':', '')}", start=s, hours=8.5)
            for s in starts]
    part = [ShiftTemplateConfig(name=f"part_{s.replace(':', '')}", start=s, hours=4.0,
                                part_time=True, breaks=[BreakWindow(
                                    activity="break", minutes=15, earliest_after_start_minutes=90,
                                    latest_after_start_minutes=150)])
            for s in ("08:00", "10:00", "12:00", "14:00")]
    return full + part


class PlanningConfig(Model):
    """What the planner needs beyond the operation itself."""

    skill_groups: list[SkillGroup] = Field(default_factory=list)  # empty: one per agent group skill set
    shift_templates: list[ShiftTemplateConfig] = Field(default_factory=_default_templates)
    default_breaks: list[BreakWindow] = Field(default_factory=_default_breaks)
    max_headcount: Annotated[int, Field(ge=1)] | None = None
    weekly_budget: Annotated[float, Field(gt=0.0)] | None = None
    max_part_time_share: Share = 0.25  # of each skill group's headcount (a tour rule)
    shortfall_penalty: Annotated[float, Field(ge=0.0)] = 5.0
    mip_gap: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.02
    time_limit_seconds: Annotated[float, Field(gt=0.0)] = 20.0
    max_iterations: Annotated[int, Field(ge=0, le=20)] = 6
    # An escalated ticket has used part of its resolution target before L2/L3
    # sees it (L1 handling, hold); plan their work due within this share of it.
    escalation_deadline_share: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5


class ScenarioConfig(Model):
    """A whole support operation: demand, staff, policies and targets."""

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    calendar: CalendarConfig
    channels: dict[ChannelName, ChannelConfig] = Field(min_length=1)
    categories: dict[str, CategoryConfig] = Field(
        default_factory=lambda: {"general": CategoryConfig(share=1.0)}
    )
    priorities: dict[Priority, Share] = Field(default_factory=lambda: {"P3": 1.0})
    customers: CustomerConfig = CustomerConfig()
    seasonality: SeasonalityConfig = SeasonalityConfig()
    demand_events: list[DemandEvent] = Field(default_factory=list)
    tiers: dict[TierName, TierConfig] = Field(default_factory=lambda: {"L1": TierConfig()})
    agents: list[AgentGroup] = Field(min_length=1)
    shrinkage: ShrinkageConfig = ShrinkageConfig()
    ramp_share_by_week: list[Share] = Field(
        default_factory=lambda: [0.0, 0.0, 0.25, 0.5, 0.75, 0.75, 1.0]
    )
    lifecycle: LifecycleConfig = LifecycleConfig()
    sla: dict[str, dict[Priority, SlaTarget]] = Field(default_factory=dict)
    csat: CsatConfig = CsatConfig()
    targets: ServiceTargets = ServiceTargets()
    qa: QaConfig = QaConfig()
    alerts: AlertConfig = AlertConfig()
    routing: RoutingConfig = RoutingConfig()
    service_level_basis: ServiceLevelBasis = "offered"
    short_abandon_seconds: Annotated[float, Field(ge=0.0)] = 5.0
    planning: PlanningConfig = PlanningConfig()

    @field_validator("categories")
    @classmethod
    def _category_mix(cls, value: dict[str, CategoryConfig]) -> dict[str, CategoryConfig]:
        _check_mix({k: c.share for k, c in value.items()}, "category")
        return value

    @field_validator("priorities")
    @classmethod
    def _priority_mix(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_mix(value, "priority")

    @model_validator(mode="after")
    def _cross_checks(self) -> ScenarioConfig:
        for i, group in enumerate(self.agents):
            for skill in group.skills:
                if skill not in self.channels:
                    raise ValueError(
                        f"agents.{i}.skills: names channel '{skill}' that the scenario does not define"
                    )
            if group.tier not in self.tiers:
                raise ValueError(f"agents.{i}.tier: tier '{group.tier}' is not defined under tiers")
        for name in self.channels:
            if not any(g.tier == "L1" and name in g.skills for g in self.agents):
                raise ValueError(f"agents: no L1 group is skilled for channel '{name}', "
                                 "so its contacts would wait forever")
        for name, channel in self.channels.items():
            if name not in SYNCHRONOUS_CHANNELS and channel.patience is not None:
                raise ValueError(f"channels.{name}.patience: only phone and chat callers abandon")
            if name != "chat" and channel.concurrency != 1:
                raise ValueError(f"channels.{name}.concurrency: only chat is concurrent, got {channel.concurrency}")
        escalates_l2 = any(c.escalate_to_l2 > 0 for c in self.categories.values())
        escalates_l3 = any(c.escalate_to_l2 * c.escalate_to_l3 > 0 for c in self.categories.values())
        for tier, needed in (("L2", escalates_l2), ("L3", escalates_l3)):
            if needed and (tier not in self.tiers or self.tiers[tier].work is None):
                raise ValueError(f"tiers.{tier}.work: escalations reach {tier}, so it needs a work duration")
            if needed and not any(g.tier == tier for g in self.agents):
                raise ValueError(f"agents: escalations reach {tier}, but no agent group has tier {tier}")
        for i, group in enumerate(self.planning.skill_groups):
            for name in group.channels:
                if name not in self.channels:
                    raise ValueError(f"planning.skill_groups.{i}.channels: names channel '{name}' "
                                     "that the scenario does not define")
        for tier in self.sla:
            if tier not in self.customers.tiers:
                raise ValueError(f"sla.{tier}: not a customer tier (customers.tiers)")
        return self

    @property
    def synchronous_channels(self) -> tuple[str, ...]:
        return tuple(c for c in CHANNELS if c in self.channels and c in SYNCHRONOUS_CHANNELS)

    def channel_names(self) -> tuple[str, ...]:
        """Channels in their canonical order (the order of ``CHANNELS``)."""
        return tuple(c for c in CHANNELS if c in self.channels)
