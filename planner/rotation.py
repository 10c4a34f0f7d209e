"""Rotating days off: a week's tours turned into cyclic rosters that share weekend work.

The schedule MILP plans one week: how many agents work each tour. Publishing
that week as it is puts the same people on every weekend. A cyclic roster
(Baker, 1976, "Workforce allocation in cyclical scheduling problems") keeps
the week's tours and lets agents take turns on them: the L agents of a cycle
hold its L tours, and in week w agent i works tour (i + w) mod L. Every week
the same tours are worked, so coverage, breaks and cost are the week's own;
only who works them changes.

Tours rotate only among tours of the same skill group, paid shift length and
days per week (so nobody's paid hours or skills change), and a change of tour at
the week boundary must keep the tour rules: at most
``max_consecutive_work_days`` in a row and at least ``min_rest_hours`` between
Sunday's shift and Monday's. Cycles are built greedily: each starts from a
tour that works the weekend and adds tours that give a weekend off, about
(weekend-free tours / weekend tours) of them, so weekend duty is spread
evenly. A tour with no allowed partner stays fixed, and so does a shift
that crosses midnight: its Sunday night runs into the next week's Monday,
which a weekly pattern cannot hand to a different tour.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from planner.schedule import ScheduledAgent
from simulator.config import PlanningConfig

WEEKEND = (5, 6)
DAY_MINUTES = 1440


@dataclass(frozen=True)
class TourRules:
    """What a change of tour between two consecutive weeks must respect."""

    max_consecutive_work_days: int = 6
    min_rest_minutes: float = 11 * 60.0


@dataclass(frozen=True)
class Cycle:
    """Tours worked in turn: agent i works ``tours[(i + week) % len(tours)]``."""

    tours: tuple[ScheduledAgent, ...]

    @property
    def weeks(self) -> int:
        return len(self.tours)

    def tour_of(self, agent: int, week: int) -> ScheduledAgent:
        return self.tours[(agent + week) % len(self.tours)]

    def weekends_worked(self) -> int:
        """Weeks of the rotation in which an agent works on Saturday or Sunday."""
        return sum(1 for tour in self.tours if weekend_days(tour))


def weekend_days(tour: ScheduledAgent) -> int:
    return sum(1 for day in tour.days if day in WEEKEND)


def _leading(tour: ScheduledAgent) -> int:
    """Working days at the start of the week (from Monday)."""
    count = 0
    while count in tour.days:
        count += 1
    return count


def _trailing(tour: ScheduledAgent) -> int:
    """Working days at the end of the week (up to Sunday)."""
    count = 0
    while 6 - count in tour.days:
        count += 1
    return count


def may_follow(first: ScheduledAgent, then: ScheduledAgent, rules: TourRules) -> bool:
    """Can an agent work ``then`` the week after ``first``?

    >>> early = ScheduledAgent("a", "g", "t", 360, 510, (0, 1, 2, 3, 6), ())
    >>> weekdays = ScheduledAgent("b", "g", "t", 480, 510, (0, 1, 2, 3, 4), ())
    >>> may_follow(early, weekdays, TourRules()), may_follow(weekdays, early, TourRules())
    (True, True)
    >>> may_follow(early, weekdays, TourRules(max_consecutive_work_days=5))
    False
    """
    if _trailing(first) + _leading(then) > rules.max_consecutive_work_days:
        return False
    if 6 in first.days and 0 in then.days:
        rest = DAY_MINUTES + then.start_minute - (first.start_minute + first.span_minutes)
        if rest < rules.min_rest_minutes:
            return False
    return True


def build_cycles(tours: tuple[ScheduledAgent, ...], rules: TourRules) -> tuple[Cycle, ...]:
    """Cyclic rosters over ``tours`` (one per agent), in a deterministic order.

    Every tour appears in exactly one cycle; agent i of a cycle is the agent
    the schedule put on its tour i, so week 0 is the schedule itself.
    """
    families: dict[tuple, list[ScheduledAgent]] = {}
    cycles: list[Cycle] = []
    for tour in tours:
        if tour.start_minute + tour.span_minutes > DAY_MINUTES:
            cycles.append(Cycle((tour,)))  # night shifts stay fixed (see the module docstring)
            continue
        families.setdefault((tour.group, tour.paid_minutes, len(tour.days)), []).append(tour)
    for key in sorted(families):
        cycles.extend(_family_cycles(families[key], rules))
    return tuple(cycles)


def _family_cycles(family: list[ScheduledAgent], rules: TourRules) -> list[Cycle]:
    order = sorted(family, key=lambda t: (-weekend_days(t), t.start_minute, t.days, t.name))
    weekend = sum(1 for t in order if weekend_days(t))
    free_per_cycle = ceil((len(order) - weekend) / weekend) if weekend else 0
    remaining = list(order)
    cycles = []
    while remaining:
        cycle = [remaining.pop(0)]
        free = 0
        while free < free_per_cycle and weekend_days(cycle[0]):
            options = [t for t in remaining if may_follow(cycle[-1], t, rules)]
            if not options:
                break
            # A weekend off first, then a tour that can hand back to the cycle's start.
            pick = min(options, key=lambda t: (weekend_days(t),
                                               not may_follow(t, cycle[0], rules),
                                               remaining.index(t)))
            remaining.remove(pick)
            cycle.append(pick)
            free += 0 if weekend_days(pick) else 1
        while len(cycle) > 1 and not may_follow(cycle[-1], cycle[0], rules):
            remaining.insert(0, cycle.pop())  # back to the pool; it will start its own cycle
        remaining.sort(key=order.index)
        cycles.append(Cycle(tuple(cycle)))
    return cycles


def roster_cycles(tours: tuple[ScheduledAgent, ...], planning: PlanningConfig) -> tuple[Cycle, ...]:
    """The cycles the scenario's planning settings ask for (``days_off``)."""
    if planning.days_off == "fixed":
        return fixed_cycles(tours)
    rules = TourRules(planning.max_consecutive_work_days, planning.min_rest_hours * 60.0)
    return build_cycles(tours, rules)


def fixed_cycles(tours: tuple[ScheduledAgent, ...]) -> tuple[Cycle, ...]:
    """No rotation: every agent keeps its own tour."""
    return tuple(Cycle((tour,)) for tour in tours)


def longest_work_streak(cycle: Cycle) -> int:
    """Most consecutive working days of an agent over the whole rotation (cyclic)."""
    worked = [day in tour.days for tour in cycle.tours for day in range(7)]
    if all(worked):
        return len(worked)
    best = run = 0
    for flag in worked + worked:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best
