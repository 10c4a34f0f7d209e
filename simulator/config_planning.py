"""What ``supportsim plan`` needs beyond the operation: skill groups, shift
templates with break windows, tour rules, limits and solver settings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from simulator.config_base import (
    TIERS,
    ChannelName,
    Model,
    PositiveMinutes,
    Share,
    TierName,
    dump_without_empty,
)


class SkillGroup(Model):
    """A planning unit: agents of one tier who take a set of channels."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    tier: TierName
    channels: list[ChannelName] = Field(min_length=1)
    max_headcount: Annotated[int, Field(ge=0)] | None = None


class CoverRule(Model):
    """Agents of skill group ``group`` may take the work of the lower-tier skill
    group ``covers`` (its channels, at its tier), but only when none of their own
    work waits and no agent of ``covers`` is free: L2 taking L1 chats."""

    group: str
    covers: str


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


class SplitPiece(Model):
    """The second piece of a split shift: its start (after an unpaid gap) and paid hours."""

    start: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]
    hours: Annotated[float, Field(gt=0.0, le=12.0)]


class ShiftTemplateConfig(Model):
    """A shift the planner may use: start, paid length, breaks, days per week.

    A shift may cross midnight (a night shift starting 22:00 for 8.5 hours ends
    at 06:30 the next day); its days are the days it starts on. A split shift
    adds a second piece (``split``, e.g. 09:00 for 4 h, then 16:00 for 4 h,
    for two daily peaks); it has no breaks unless given and ends by 24:00.
    """

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")]
    start: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]
    hours: Annotated[float, Field(gt=0.0, le=12.0)]
    days_per_week: Annotated[int, Field(ge=1, le=7)] = 5
    part_time: bool = False
    breaks: list[BreakWindow] | None = None  # None: the planning default for full shifts
    split: SplitPiece | None = None

    @property
    def start_minute(self) -> int:
        return _minutes(self.start)

    @property
    def split_gap_minutes(self) -> int:
        """Unpaid minutes between the pieces of a split shift (0 without one)."""
        if self.split is None:
            return 0
        return _minutes(self.split.start) - self.start_minute - round(self.hours * 60)

    @model_validator(mode="after")
    def _within_day(self) -> ShiftTemplateConfig:
        if _minutes(self.start) is None:
            raise ValueError(f"start: must be a time of day HH:MM, got '{self.start}'")
        if self.split is not None:
            second = _minutes(self.split.start)
            if second is None or second <= self.start_minute + self.hours * 60:
                raise ValueError(f"split.start: must be a time of day after the first piece "
                                 f"ends, got '{self.split.start}'")
            if second + self.split.hours * 60 > 1440:
                raise ValueError(f"split.hours: a split shift must end by 24:00, got "
                                 f"{self.split.start} + {self.split.hours:g} h")
        return self


def _minutes(clock: str) -> int | None:
    """Minutes after midnight of an HH:MM time of day (None if it is not one)."""
    hour, minute = (int(x) for x in clock.split(":"))
    return hour * 60 + minute if hour < 24 and minute < 60 else None


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
    # Days off: "fixed" keeps each agent on one weekly tour; "rotating" turns a
    # skill group's tours into cycles (planner/rotation.py) so weekend work is
    # shared, within the tour rules below.
    days_off: Literal["fixed", "rotating"] = "fixed"
    max_consecutive_work_days: Annotated[int, Field(ge=1, le=13)] = 6
    min_rest_hours: Annotated[float, Field(ge=0.0, le=24.0)] = 11.0
    # Opt-in: which skill groups may cover which lower-tier groups' work
    # (planner: a joint schedule; simulator: agent groups' ``cover``).
    cover: list[CoverRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cover_rules(self) -> PlanningConfig:
        if self.cover and not self.skill_groups:
            raise ValueError("cover: needs planning.skill_groups to name the groups, "
                             "got no skill groups")
        tiers = {g.name: g.tier for g in self.skill_groups}
        seen = set()
        for i, rule in enumerate(self.cover):
            for field in ("group", "covers"):
                name = getattr(rule, field)
                if name not in tiers:
                    raise ValueError(f"cover.{i}.{field}: must name a skill group of "
                                     f"planning.skill_groups, got '{name}'")
            if TIERS.index(tiers[rule.covers]) >= TIERS.index(tiers[rule.group]):
                raise ValueError(f"cover.{i}.covers: must be a group of a lower tier than "
                                 f"{rule.group}'s ({tiers[rule.group]}), got '{rule.covers}' "
                                 f"({tiers[rule.covers]})")
            if (rule.group, rule.covers) in seen:
                raise ValueError(f"cover.{i}: must not repeat a rule, got {rule.group} covers "
                                 f"{rule.covers} twice")
            seen.add((rule.group, rule.covers))
        return self

    @model_serializer(mode="wrap")
    def _without_empty_cover(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return dump_without_empty(self, handler, "cover")
