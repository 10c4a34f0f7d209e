"""The schedule bench: a realistic week for ``planner.schedule.solve_schedule``.

15-minute intervals, three tiers in five skill groups (L1 phone, L1 chat,
L1 email, L2 mixed phone and email, L3 email in business hours), 17 full-time
8.5-hour templates starting every 30 minutes from 06:00 to 14:00 (two
15-minute breaks and a 30-minute lunch, each in a window), five 4-hour
part-time templates with one break, every days-off pattern, and synthetic
requirements with a late-morning and an early-afternoon peak, lower at weekends.
"""

from __future__ import annotations

import time

import numpy as np

from planner.schedule import BreakRule, GroupDemand, ScheduleProblem, ShiftTemplate, solve_schedule

STEP = 15
PER_DAY = 1440 // STEP
DAYS = 7
DAY_FACTOR = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.45])


def _templates() -> tuple[ShiftTemplate, ...]:
    full_breaks = (BreakRule("break", 15, 60, 150), BreakRule("lunch", 30, 180, 300),
                   BreakRule("break", 15, 330, 420))
    full = [ShiftTemplate(f"ft{m // 60:02d}{m % 60:02d}", m, 510, full_breaks)
            for m in range(6 * 60, 14 * 60 + 1, 30)]
    part = [ShiftTemplate(f"pt{h:02d}00", h * 60, 240, (BreakRule("break", 15, 90, 150),),
                          part_time=True) for h in (8, 10, 12, 14, 16)]
    return tuple(full + part)


def _intraday(peak: float, rng: np.random.Generator) -> np.ndarray:
    """Agents per interval of one day: two peaks (11:00 and 14:30) over 07:00-22:00."""
    hours = (np.arange(PER_DAY) + 0.5) * STEP / 60
    shape = np.exp(-((hours - 11.0) / 2.2) ** 2) + 0.8 * np.exp(-((hours - 14.5) / 2.5) ** 2)
    shape = np.where((hours >= 7) & (hours < 22), 0.15 + shape, 0.0)
    return peak * shape / shape.max() * rng.uniform(0.9, 1.1, PER_DAY)


def _week(peak: float, rng: np.random.Generator) -> np.ndarray:
    return np.concatenate([np.ceil(_intraday(peak * f, rng)) for f in DAY_FACTOR])


def _open(first_hour: float, last_hour: float, weekdays_only: bool = False) -> np.ndarray:
    hours = np.arange(PER_DAY) * STEP / 60
    day = (hours >= first_hour) & (hours < last_hour)
    return np.concatenate([day & (not weekdays_only or d < 5) for d in range(DAYS)])


def _async(volume_hours: float, deadline_hours: float, open_mask: np.ndarray,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Work arriving around the clock (more by day) and what may wait until its deadline."""
    weights = np.tile(np.where(_open(8, 20)[:PER_DAY], 3.0, 1.0), DAYS) * rng.uniform(0.5, 1.5, DAYS * PER_DAY)
    work = volume_hours * 3600 * weights / weights.sum()
    due = int(deadline_hours * 60 / STEP)
    # work arrived within the last `due` intervals may still be open (cyclic)
    allowed = sum(np.roll(work, k) for k in range(due))
    return work, allowed * open_mask.any()


def build_week(seed: int = 0, mip_gap: float = 0.01,
               time_limit_seconds: float = 60.0) -> ScheduleProblem:
    """The bench's week: five skill groups, 22 templates, all days-off patterns."""
    rng = np.random.default_rng(seed)
    n = DAYS * PER_DAY
    zeros = np.zeros(n)
    long_hours, business = _open(6, 23), _open(8, 18.5, weekdays_only=True)
    l1_email, l1_email_due = _async(300, 24, long_hours, rng)
    l2_email, l2_email_due = _async(120, 8, long_hours, rng)
    l3_email, l3_email_due = _async(60, 72, business, rng)
    groups = (
        GroupDemand("L1_phone", 22.0, _week(24, rng) * long_hours, zeros, zeros, long_hours,
                    productive_share=0.85),
        GroupDemand("L1_chat", 22.0, _week(12, rng) * long_hours, zeros, zeros, long_hours,
                    productive_share=0.85),
        GroupDemand("L1_email", 21.0, zeros, l1_email, l1_email_due, long_hours,
                    productive_share=0.85),
        GroupDemand("L2", 30.0, _week(6, rng) * long_hours, l2_email, l2_email_due, long_hours,
                    productive_share=0.8),
        GroupDemand("L3", 45.0, zeros, l3_email, l3_email_due, business, productive_share=0.75,
                    templates=tuple(f"ft{h:02d}{m:02d}" for h in (8, 9) for m in (0, 30))),
    )
    return ScheduleProblem(interval_minutes=STEP, groups=groups, templates=_templates(),
                           days=DAYS, mip_gap=mip_gap, time_limit_seconds=time_limit_seconds,
                           seed=seed)


def run(seed: int = 0, time_limit_seconds: float = 60.0) -> dict[str, float | str]:
    """Build and solve the week; the figures ``python -m bench --schedule`` prints."""
    problem = build_week(seed, time_limit_seconds=time_limit_seconds)
    start = time.perf_counter()
    schedule = solve_schedule(problem)
    total = time.perf_counter() - start
    return {"seconds (build + solve)": total, "seconds (HiGHS)": schedule.solve_seconds,
            "variables": schedule.num_variables, "rows": schedule.num_rows,
            "status": schedule.status, "gap": schedule.mip_gap,
            "headcount": schedule.headcount(), "weekly cost": schedule.weekly_cost,
            "short intervals": len(schedule.short_intervals())}
