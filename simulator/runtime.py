"""Runtime objects of the engine: agents, tickets, arrival streams, timers.

They hold state while a replication runs and are written for speed
(``__slots__``, no per-event allocation beyond what SimPy needs). The engine
(engine.py) drives them; nothing here knows the scenario beyond what the
engine passes in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy
from simpy.events import NORMAL, Event

from simulator.agents import RosterAgent
from simulator.config import CHANNELS

if TYPE_CHECKING:
    from simulator.engine import Engine


class AgentRuntime:
    """An agent during a run: availability, items held, its idle-heap entries' version."""

    __slots__ = (
        "available",
        "chat_limit",
        "chat_queue",
        "cover",
        "drained",
        "held",
        "id",
        "idle_heap",
        "queues",
        "slot_heap",
        "task",
        "tier",
        "version",
    )

    def __init__(self, agent: RosterAgent, queues: tuple[int, ...], chat_queue: int,
                 chat_limit: int, cover: tuple[int, ...] = ()) -> None:
        self.id = agent.id
        self.tier = agent.tier_index
        self.queues = queues
        self.cover = cover  # lower-tier queues, served only when ``queues`` are empty
        self.chat_queue = chat_queue
        self.chat_limit = chat_limit
        self.version = 0
        self.held = 0
        self.available = False
        self.drained = None
        self.task = None  # the asynchronous item in hand (for a hand-over at shift end)
        self.idle_heap: list = []  # set by Engine._build_pools
        self.slot_heap: list = []


class Ticket:
    """Runtime state of one contact that became (or may become) a ticket.

    ``flags`` holds what the customer drew at arrival that is still to happen
    (lifecycle.ESCALATE_L2, ...), so the common path (answer, solve, close)
    tests one integer.
    """

    __slots__ = ("channel", "customer_tier", "day", "deadline", "flags", "generation", "id",
                 "items", "parent", "position", "priority", "reopens_left", "row", "source",
                 "tier")

    def __init__(self, contact_id, channel, source, day, generation, position, row, parent,
                 priority, customer_tier, deadline, flags, reopens):
        self.id = contact_id
        self.channel = channel
        self.source = source
        self.day = day
        self.generation = generation
        self.position = position
        self.row = row
        self.parent = parent
        self.priority = priority
        self.customer_tier = customer_tier
        self.deadline = deadline
        self.flags = flags
        self.reopens_left = reopens
        self.tier = 0
        self.items = 0


class Timer(Event):
    """A timeout with one callback and a payload, scheduled in one step.

    Equivalent to ``env.timeout(delay, value).callbacks.append(callback)``
    (through SimPy's public ``Environment.schedule``), without the second call.
    """

    def __init__(self, env: simpy.Environment, delay: float, callback, value=None) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


class ArrivalStream:
    """Arrivals of one (source, channel): a chain of timeouts, one per contact.

    A chain of callbacks rather than a process: no generator to resume per
    arrival. Each day's times and customers are drawn when the day begins.
    """

    __slots__ = ("channel", "day", "days", "engine", "plan", "position", "row", "source", "times")

    def __init__(self, engine: Engine, source: int, channel: str) -> None:
        self.engine = engine
        self.source = source
        self.channel = CHANNELS.index(channel)
        self.days = iter(engine.draw_arrivals(source, channel))
        self.day = -1
        self.times: list[float] = []
        self.position = 0
        self.row: dict = {}
        self.plan: list[tuple] = []

    def next_day(self) -> None:
        """Start the next day with arrivals; its customers' hot fields live for that day only."""
        for day, times, arrays in self.days:
            self.row = self.engine._register((self.source, self.channel, day, 0), arrays)
            self.plan = self.engine._plan(arrays)
            self.day, self.times, self.position = day, times.tolist(), 0
            self._schedule()
            return

    def _schedule(self) -> None:
        env = self.engine.env
        Timer(env, self.times[self.position] - env.now, self.fire)

    def fire(self, _event) -> None:
        self.engine._arrive(self.source, self.channel, self.day, 0, self.position, self.row, None,
                            self.plan[self.position])
        self.position += 1
        if self.position < len(self.times):
            self._schedule()
        else:
            self.next_day()
