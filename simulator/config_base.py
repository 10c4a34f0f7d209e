"""The building blocks of scenario models: names, units, the frozen base model.

Shared by ``simulator.config`` (the operation), ``config_targets`` (service
targets, KPI bands, QA, alerts) and ``config_planning`` (what the planner needs).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


def dump_without_empty(model: BaseModel, handler, name: str) -> dict[str, Any]:
    """``model``'s dump (a wrap serializer's ``handler``) without field ``name`` when
    it is empty: scenarios that leave an option out dump (and hash) exactly as
    they did before the option existed."""
    data = handler(model)
    if not getattr(model, name):
        data.pop(name, None)
    return data


def check_mix(mix: dict[str, float], what: str) -> dict[str, float]:
    total = sum(mix.values())
    if mix and abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares must sum to 1, got {total:g}")
    return mix


def check_ranges(ranges: list[str]) -> list[str]:
    for text in ranges:
        start, end = text.split("-")
        if not ("00:00" <= start < "24:00" and start < end <= "24:00"):
            raise ValueError(f"time range must lie within the day with start < end, got '{text}'")
        if int(start[3:]) >= 60 or int(end[3:]) >= 60:
            raise ValueError(f"minutes must be below 60, got '{text}'")
    return ranges


WeeklyHoursText = dict[Weekday, list[TimeRangeText]]
