"""Scenario configuration: pydantic v2 models of a support operation.

A scenario is a YAML file validated into a frozen :class:`ScenarioConfig`.
Models forbid unknown keys and carry units in field names (``mean_seconds``).
Reading files (``extends``, ``--set`` overrides, error lines) lives in
``simulator/loading.py``; the shared names and base model in ``config_base.py``,
targets and KPI bands in ``config_targets.py``, planning settings in
``config_planning.py`` (all importable from here).
Every problem becomes one :class:`ConfigError` line naming the field path,
the rule and the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from simulator.config_base import (  # noqa: F401 (the scenario's names, re-exported)
    CHANNELS,
    PRIORITIES,
    SYNCHRONOUS_CHANNELS,
    TIERS,
    WEEKDAYS,
    Activity,
    ChannelName,
    ConfigError,
    Model,
    PositiveMinutes,
    PositiveSeconds,
    Priority,
    ServiceLevelBasis,
    Share,
    TierName,
    TimeRangeText,
    Weekday,
    WeeklyHoursText,
    check_mix,
    check_ranges,
    dump_without_empty,
)
from simulator.config_planning import (  # noqa: F401
    BreakWindow,
    PlanningConfig,
    ShiftTemplateConfig,
    SkillGroup,
    SplitPiece,
)
from simulator.config_targets import (  # noqa: F401
    DEFAULT_KPI_BANDS,
    QA_CRITERIA,
    TARGET_FIELDS,
    AlertConfig,
    KpiBand,
    QaConfig,
    ServiceTargets,
)


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
            check_ranges(ranges)
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
                check_ranges(ranges)
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
        return check_mix(value, "customer tier")

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
    """One SLA policy. ``agent_work_minutes`` (optional) caps the time a ticket is new
    or open (Zendesk's agent work time: pending and on-hold time do not count)."""

    first_response_minutes: PositiveMinutes
    next_reply_minutes: PositiveMinutes | None = None
    resolution_minutes: PositiveMinutes
    agent_work_minutes: PositiveMinutes | None = None
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


WeeklyBreaks = dict[Weekday, list[FixedBreak]]


class AgentGroup(Model):
    """``count`` agents with one tier, skills and weekly shift pattern(s).

    With several ``shifts`` the group rotates: member m works pattern
    ``(week + m) % len(shifts)`` in calendar week ``week`` (Monday to Sunday,
    0 for the week of the start date).

    ``cover`` (lower tier -> channels) lets the agents take that tier's work
    on those channels, at lower precedence: only when none of their own work
    waits, and an arriving item goes to them only if no agent whose own work
    it is is free (``planning.cover`` writes it into a planned roster).

    ``names`` (one per agent) and ``fixed_breaks`` (per weekday) come from a
    planned roster: with ``fixed_breaks`` the group's breaks and lunch are
    taken at those times instead of the ``shrinkage.in_shift`` break and lunch
    rules; meetings, training and coaching still follow the shrinkage rules.
    A rotating group gives a list of them, one per pattern of ``shifts``.
    """

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    tier: TierName
    count: Annotated[int, Field(ge=0)]
    skills: list[ChannelName]
    shifts: list[WeeklyHoursText] = Field(min_length=1)
    tenure_weeks: Annotated[int, Field(ge=0)] | None = None
    works_holidays: bool = False
    names: list[str] | None = None
    fixed_breaks: WeeklyBreaks | list[WeeklyBreaks] | None = None
    cover: dict[TierName, list[ChannelName]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_name_per_agent(self) -> AgentGroup:
        for tier in self.cover:
            if TIERS.index(tier) >= TIERS.index(self.tier):
                raise ValueError(f"cover.{tier}: must be a lower tier than the group's "
                                 f"({self.tier}), got '{tier}'")
        if self.names is not None and len(self.names) != self.count:
            raise ValueError(f"names: needs one name per agent ({self.count}), got {len(self.names)}")
        if isinstance(self.fixed_breaks, list) and len(self.fixed_breaks) != len(self.shifts):
            raise ValueError(f"fixed_breaks: needs one entry per pattern of shifts "
                             f"({len(self.shifts)}), got {len(self.fixed_breaks)}")
        return self

    @model_serializer(mode="wrap")
    def _without_empty_cover(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return dump_without_empty(self, handler, "cover")

    def pattern_of(self, member: int, week: int) -> int:
        """The weekly pattern ``member`` works in calendar week ``week`` (the rotation rule)."""
        return (week + member) % len(self.shifts)

    def breaks_of_pattern(self, pattern: int) -> WeeklyBreaks | None:
        """The fixed breaks of weekly pattern ``pattern`` (None: the shrinkage rules place them)."""
        if isinstance(self.fixed_breaks, list):
            return self.fixed_breaks[pattern]
        return self.fixed_breaks

    @field_validator("shifts")
    @classmethod
    def _valid_shifts(cls, value: list[WeeklyHoursText]) -> list[WeeklyHoursText]:
        for week in value:
            for ranges in week.values():
                check_ranges(ranges)
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


class RoutingConfig(Model):
    """How work meets agents.

    ``shift_end`` is what an agent does with asynchronous work in hand (email,
    web form, social, L2/L3 work) when its shift ends: ``finish`` it first
    (overtime, the default), or hand it back to its queue, where it keeps its
    place, for the next agent, who carries on with the work left (``resume``)
    or starts it over (``restart``), as Ciw's schedule pre-emption does. A
    customer on the line (phone, chat) is always finished, and breaks always
    wait for the item in hand.
    """

    synchronous_first: bool = True
    shift_end: Literal["finish", "resume", "restart"] = "finish"


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
        check_mix({k: c.share for k, c in value.items()}, "category")
        return value

    @field_validator("priorities")
    @classmethod
    def _priority_mix(cls, value: dict[str, float]) -> dict[str, float]:
        return check_mix(value, "priority")

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
            for tier, channels in group.cover.items():
                unknown = [c for c in channels if c not in self.channels]
                if unknown:
                    raise ValueError(f"agents.{i}.cover.{tier}: must name channels the scenario "
                                     f"defines, got '{unknown[0]}'")
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
