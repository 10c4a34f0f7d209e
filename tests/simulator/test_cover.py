"""Higher tiers covering lower-tier work (``AgentGroup.cover``): precedence traces.

A covering agent takes lower-tier items only at lower precedence: an
arriving item goes to an idle agent whose own work it is before an idle
covering agent, and a covering agent who frees up takes its own tier's work
before any covered item, however urgent.
"""

from __future__ import annotations

import pytest

from simulator.config import CHANNELS, ConfigError
from simulator.engine import Engine
from simulator.loading import validate_scenario
from simulator.recorder import Event
from simulator.routing import IdlePools
from simulator.runtime import Ticket

ALL_DAY = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
PHONE = CHANNELS.index("phone")


def _scenario(cover: dict | None) -> dict:
    l2 = {"name": "l2", "tier": "L2", "count": 1, "skills": [], "shifts": [ALL_DAY]}
    if cover is not None:
        l2["cover"] = cover
    return {
        "name": "cover",
        "calendar": {"start_date": "2026-03-02", "timezone": "UTC", "days": 1,
                     "warmup_days": 0},
        "channels": {"phone": {"volume_per_day": 0.0, "handle": {"work": {"mean_seconds": 60}}}},
        "tiers": {"L1": {}, "L2": {"work": {"mean_seconds": 600}}},
        "agents": [{"name": "l1", "tier": "L1", "count": 1, "skills": ["phone"],
                    "shifts": [ALL_DAY]}, l2],
        "shrinkage": {"in_shift": [], "absence_rate": 0.0, "vacation_rate": 0.0},
    }


def _assignments(cover: dict | None, arrivals: list[tuple[float, int, bool, float]]):
    """(time, ticket, agent) of every assignment, for items injected at fixed times:
    (time, tier, live, work seconds); the L1 agent is 0, the L2 agent 1."""
    engine = Engine(validate_scenario(_scenario(cover)), seed=1)
    env = engine.env

    def inject(at, tier, live, work, number):
        yield env.timeout(at)
        ticket = Ticket(number, PHONE, 0, 0, 0, number, {}, None, 2, 0, float("inf"), 0, 0)
        engine.enqueue(ticket, tier, work, live, env.now)

    for number, (at, tier, live, work) in enumerate(arrivals):
        env.process(inject(at, tier, live, work, 100 + number))
    events = engine.run().events.to_pandas()
    assign = events[events["event"] == int(Event.ASSIGN)]
    return [(float(t), int(ticket), int(agent))
            for t, ticket, agent in zip(assign["time"], assign["ticket"], assign["agent"],
                                        strict=True)]


def test_own_tier_first_for_arrivals_and_for_an_agent_who_frees_up():
    trace = _assignments({"L1": ["phone"]}, [
        (100.0, 0, True, 1000.0),   # 100: both idle; the L1 agent's own work: L1 takes it
        (110.0, 0, True, 100.0),    # 101: L1 busy; the idle L2 agent covers it
        (120.0, 1, False, 50.0),    # 102: L2 work; L2 busy, it waits
        (130.0, 0, True, 10.0),     # 103: a waiting caller (more urgent by key), waits
    ])
    assert trace == [
        (100.0, 100, 0),
        (110.0, 101, 1),
        (210.0, 102, 1),   # L2 frees up: its own item before the waiting caller
        (260.0, 103, 1),   # then the caller, while the L1 agent is still busy
    ]


def test_without_cover_the_higher_tier_never_takes_lower_tier_work():
    trace = _assignments(None, [(100.0, 0, True, 1000.0), (110.0, 0, True, 100.0)])
    assert trace == [(100.0, 100, 0), (1100.0, 101, 0)]


def test_idle_pools_try_cover_heaps_only_when_no_own_agent_is_free():
    class Agent:
        version = 0

    pools = IdlePools(pools=2, queues=1)
    pools.serve(0, 0, with_slots=False)
    pools.cover(0, 1)
    own, covering = Agent(), Agent()
    pools.idle[1].append(((0, 0.0), 1, 0, covering))   # idle longer, but only covers
    pools.idle[0].append(((0, 5.0), 0, 0, own))
    assert pools.take(0) is own
    assert pools.take(0) is covering
    assert pools.take(0) is None


@pytest.mark.parametrize(("cover", "message"), [
    ({"L2": ["phone"]}, "agents.1.cover.L2: must be a lower tier than the group's (L2), got 'L2'"),
    ({"L1": ["chat"]}, "agents.1.cover.L1: must name channels the scenario defines, got 'chat'"),
])
def test_cover_must_name_a_lower_tier_and_known_channels(cover, message):
    with pytest.raises(ConfigError) as caught:
        validate_scenario(_scenario(cover))
    assert str(caught.value) == message
