"""The SimPy model of a support operation: ``simulate(config, seed)``.

Design (DESIGN.md, "Performance"): agents are SimPy processes that follow
their shift spells and blocks; tickets are not processes. Work is matched to
agents by routing.py's heaps; an item's handling is one timeout whose callback
finishes it, and a waiting caller's patience is one timeout whose callback
withdraws it if it is still waiting (scheduled only when the caller must
wait). Arrivals are one process per (source, channel). Random numbers come in
numpy blocks per (source, channel, day, generation) and the log is a typed
buffer, so the engine spends its time on the queueing itself.

The engine computes no KPI: it returns the event log and the ticket attribute
table, from which datasets.py and kpis.py build everything else.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappush

import numpy as np
import pyarrow as pa
import simpy
from simpy.events import Event

from simulator import lifecycle
from simulator.agent_calendar import agent_calendar
from simulator.agents import RosterAgent, build_roster
from simulator.attribute_table import attribute_table
from simulator.calendar import Calendar, calendar_for
from simulator.config import CHANNELS, PRIORITIES, SYNCHRONOUS_CHANNELS, TIERS, ScenarioConfig
from simulator.demand import (
    BASE,
    SURGE,
    WIDTH,
    AttributeBlock,
    RowRange,
    attribute_uniforms,
    attributes_from_uniforms,
    build_customer_pool,
    build_demand,
    channel_open_mask,
    day_arrivals,
)
from simulator.recorder import (
    E_ABANDON,
    E_AGENT_STATE,
    E_ARRIVE,
    E_ASSIGN,
    E_COMPLETE,
    E_DEFLECT,
    E_ENQUEUE,
    E_REDIAL,
    PACK,
    AgentState,
    EventLog,
)
from simulator.routing import WAITING, IdlePools, Queues, WorkItem
from simulator.runtime import AgentRuntime, ArrivalStream, Ticket, Timer
from simulator.streams import StreamRegistry

AVAILABLE = AgentState.AVAILABLE
NAN = float("nan")
INF = float("inf")
# A customer's hot fields (Engine._plan), before its plan flags and reopens.
HOT_COLUMNS = ("deflected", "priority", "customer_tier", "l1_work_seconds", "patience_seconds")


@dataclass(frozen=True)
class EngineResult:
    """What the engine produces; everything else is built from it."""

    events: pa.Table
    attributes: pa.Table
    roster: tuple[RosterAgent, ...]
    calendar: Calendar
    seed: int = 0          # the post-run tables that draw (QA reviews) use the run's streams
    replication: int = 0


class Engine:
    """One replication of one scenario. Build, then call :meth:`run` once."""

    def __init__(self, config: ScenarioConfig, seed: int, replication: int = 0) -> None:
        self.config = config
        self.calendar = calendar_for(config)
        self.registry = StreamRegistry(seed, replication)
        self.env = simpy.Environment(initial_time=self.calendar.sim_start)
        self.log = EventLog()
        self.out = self.log.write
        self.out_ahead = self.log.write_ahead
        self.demand = build_demand(config, self.calendar)
        self.pool = build_customer_pool(config, self.registry)
        self.roster = build_roster(config, self.calendar, self.registry)
        self.block_arrays: dict[tuple[int, int, int, int], AttributeBlock] = {}
        self.day_rows: dict[tuple[int, int], list[tuple[int, int]]] = {}  # arrivals per day
        self.follow_ups: dict[tuple[int, int, int, int], tuple[RowRange, np.ndarray]] = {}
        self.next_id = 0
        self.sequence = 0
        self._build_queues()
        self._build_policies()
        self.on_complete, self.on_patience = self._on_complete, self._on_patience  # bound once

    # ----------------------------------------------------------------- set-up
    def _build_queues(self) -> None:
        names = self.config.channel_names()
        # Queue indices: live phone/chat at L1 first, then offline work per tier x channel.
        live = [CHANNELS.index(ch) for ch in names if ch in SYNCHRONOUS_CHANNELS]
        self.live_queue = {channel: index for index, channel in enumerate(live)}
        offline = [(tier, CHANNELS.index(ch)) for tier in range(len(TIERS)) for ch in names]
        self.work_queue = {key: len(live) + index for index, key in enumerate(offline)}
        queue_count = len(live) + len(offline)
        self.live_queue_of = [self.live_queue.get(c, -1) for c in range(len(CHANNELS))]
        self.work_queue_of = [[self.work_queue.get((t, c), -1) for c in range(len(CHANNELS))]
                              for t in range(len(TIERS))]
        self.queues = Queues(queue_count)
        chat = self.config.channels.get("chat")
        self.chat_limit = chat.concurrency if chat else 1
        self.slowdown = list(chat.slowdown) if chat else [1.0]
        self.agents = [self._runtime(agent) for agent in self.roster]
        self._build_pools(queue_count)

    def _build_pools(self, queue_count: int) -> None:
        """Agents with the same tier, queues and cover share one idle heap (routing.IdlePools)."""
        pools: dict[tuple, int] = {}
        for runtime in self.agents:
            pools.setdefault((runtime.tier, runtime.queues, runtime.cover), len(pools))
        self.idle = IdlePools(len(pools), queue_count)
        for (_, queues, cover), pool in pools.items():
            for queue in queues:
                self.idle.serve(queue, pool, with_slots=queue == self.live_queue.get(CHANNELS.index("chat"), -1))
            for queue in cover:
                self.idle.cover(queue, pool)
        for runtime in self.agents:
            pool = pools[(runtime.tier, runtime.queues, runtime.cover)]
            runtime.idle_heap = self.idle.idle[pool]
            runtime.slot_heap = self.idle.slots[pool]

    def _runtime(self, agent: RosterAgent) -> AgentRuntime:
        skills = [CHANNELS.index(c) for c in agent.skills]
        queues = [self.live_queue[c] for c in skills if agent.tier_index == 0 and c in self.live_queue]
        queues += [self.work_queue[(agent.tier_index, c)] for c in skills]
        chat_queue = self.live_queue.get(CHANNELS.index("chat"), -1)
        if chat_queue not in queues:
            chat_queue = -1
        return AgentRuntime(agent, tuple(queues), chat_queue, self.chat_limit,
                            self._cover_queues(agent, queues))

    def _cover_queues(self, agent: RosterAgent, own: list[int]) -> tuple[int, ...]:
        """The lower-tier queues an agent covers: live ones at L1, then offline work."""
        cover = []
        for tier, channels in agent.cover:
            tier_index = TIERS.index(tier)
            for channel in (CHANNELS.index(c) for c in channels):
                if tier_index == 0 and channel in self.live_queue:
                    cover.append(self.live_queue[channel])
                cover.append(self.work_queue[(tier_index, channel)])
        return tuple(q for q in dict.fromkeys(cover) if q not in own)

    def _build_policies(self) -> None:
        config = self.config
        tiers = list(config.customers.tiers)
        self.first_response = np.full((len(tiers), len(PRIORITIES)), np.inf)
        for t, name in enumerate(tiers):
            for p, target in config.sla.get(name, {}).items():
                self.first_response[t, PRIORITIES.index(p)] = target.first_response_minutes * 60.0
        self.first_response = self.first_response.tolist()
        self.live_rank = 0 if config.routing.synchronous_first else 1
        self.open_masks = {CHANNELS.index(c): channel_open_mask(config, self.calendar, c).tolist()
                           for c in config.channel_names()}
        self.max_redials = {CHANNELS.index(c): ch.redial.max_attempts
                            for c, ch in config.channels.items()}
        self.close_after = config.lifecycle.close_after_solved_seconds
        self.follow_up_fraction = config.lifecycle.follow_up_work_fraction
        self.max_generations = config.lifecycle.max_follow_up_generations
        self.follow_up_generations = max(
            1, self.max_generations, *(ch.redial.max_attempts for ch in config.channels.values()))
        self.interval_starts = self.calendar.interval_start.tolist()

    # ----------------------------------------------------------------- running
    def run(self, progress: Callable[[int, int], None] | None = None) -> EngineResult:
        """Simulate to the horizon; ``progress(done_days, total_days)`` after each day."""
        env = self.env
        for ch in self.config.channel_names():
            ArrivalStream(self, BASE, ch).next_day()
            if self.demand.surge[ch].any():
                ArrivalStream(self, SURGE, ch).next_day()
        for agent, runtime in zip(self.roster, self.agents):
            if agent.spells:
                env.process(agent_calendar(self, runtime, agent))
        day_ends = self.calendar.day_start[1:]
        for done, until in enumerate(day_ends.tolist(), start=1):
            env.run(until=until)
            if progress is not None:
                progress(done, len(day_ends))
        events = self.log.to_table(until=self.calendar.sim_end)
        blocks = self.block_arrays
        self._release()  # before the attribute table is gathered: the log buffers are large
        attributes = attribute_table(events, blocks)
        return EngineResult(events, attributes, self.roster, self.calendar,
                            self.registry.seed, self.registry.replication)

    def _release(self) -> None:
        """Drop the run's working state (log buffers, customer blocks, pending
        events) once the tables exist, so peak memory is the tables, not both."""
        self.log = self.out = self.out_ahead = None
        self.block_arrays = {}
        self.follow_ups = {}
        self.env = None

    def draw_arrivals(self, source: int, channel: str) -> list[tuple[int, np.ndarray, AttributeBlock]]:
        """Every day's arrival times and customers for one (source, channel).

        Each day keeps its own streams (common random numbers); the uniforms of
        all days are turned into customers in one vectorised pass.
        """
        calendar = self.calendar
        cv = self.config.channels[channel].overdispersion_cv
        days = [(day, day_arrivals(self.demand, calendar, self.registry, cv, source, channel, day))
                for day in range(calendar.n_days)]
        days = [(day, times) for day, times in days if times.size]
        counts = self.day_rows[(source, CHANNELS.index(channel))] = [
            (day, times.size) for day, times in days]
        if not days:
            return []
        uniforms = _stacked(counts, lambda day, rows: attribute_uniforms(
            self.registry, source, channel, day, 0, rows))
        arrays = attributes_from_uniforms(self.config, self.pool, channel, uniforms)
        out, start = [], 0
        for day, times in days:
            stop = start + times.size
            out.append((day, times, arrays.rows(start, stop)))
            start = stop
        return out

    def _follow_up_block(self, key: tuple[int, int, int, int]) -> tuple[RowRange, np.ndarray]:
        """The attribute columns and plan flags of one generation of follow-up contacts.

        A day's follow-up stream holds every generation side by side: row i
        has customer i's numbers for generations 1, 2, ... so row i depends
        only on i. The first generation is drawn for every day of its
        (source, channel) at once, the first time one of them is needed (a
        vectorised pass, like the arrivals'); later generations are rare and
        drawn one day at a time.
        """
        found = self.follow_ups.get(key)
        if found is not None:
            return found
        source, channel, day, generation = key
        days = (self.day_rows[(source, channel)] if generation == 1
                else [(day, len(self.block_arrays[(source, channel, day, 0)]))])
        width, mine = self.follow_up_generations * WIDTH, slice((generation - 1) * WIDTH,
                                                                 generation * WIDTH)
        uniforms = _stacked(days, lambda d, rows: self.registry.generator(
            "follow_up_attributes", source, channel, d).random((rows, width))[:, mine])
        arrays = attributes_from_uniforms(self.config, self.pool, CHANNELS[channel], uniforms)
        flags = lifecycle.plan_flags(arrays.columns, self.close_after)
        start = 0
        for d, rows in days:
            block = self.block_arrays[(source, channel, d, generation)] = arrays.rows(start,
                                                                                      start + rows)
            self.follow_ups[(source, channel, d, generation)] = (block.columns,
                                                                 flags[start:start + rows])
            start += rows
        return self.follow_ups[key]

    def _plan(self, arrays: AttributeBlock) -> list[tuple]:
        """The hot fields as one Python tuple per customer; the rest stay numpy arrays,
        read only on the rarer paths (lifecycle.py)."""
        columns = arrays.columns
        return list(zip(*(columns[name].tolist() for name in HOT_COLUMNS),
                        lifecycle.plan_flags(columns, self.close_after).tolist(),
                        columns["reopens"].tolist(), strict=True))

    @staticmethod
    def _plan_row(columns: RowRange, flags: np.ndarray, position: int) -> tuple:
        """One customer's hot fields, as :meth:`_plan` gives them (for a follow-up)."""
        return (*(columns.value(name, position).item() for name in HOT_COLUMNS),
                flags[position].item(), columns.value("reopens", position).item())

    def _register(self, key: tuple[int, int, int, int], arrays: AttributeBlock) -> RowRange:
        self.block_arrays[key] = arrays
        return arrays.columns

    def _arrive(self, source, channel, day, generation, position, row, parent, plan) -> None:
        now = self.env.now
        contact_id = self.next_id
        self.next_id = contact_id + 1
        out = self.out
        # An arrive row also says where the customer's attributes are: item = day,
        # agent = position in the day's block, code = source, value = generation.
        out(PACK(now, E_ARRIVE, contact_id, day, position, -1, channel, source, generation))
        deflected, priority, customer_tier, work, patience, flags, reopens = plan
        if parent is not None:  # a redial or repeat: same customer, same problem
            priority, customer_tier = parent.priority, parent.customer_tier
        elif deflected:
            out(PACK(now, E_DEFLECT, contact_id, -1, -1, -1, channel, -1, NAN))
            return
        ticket = Ticket(contact_id, channel, source, day, generation, position, row, parent,
                        priority, customer_tier, now + self.first_response[customer_tier][priority],
                        flags, reopens)
        self.enqueue(ticket, 0, work, self.live_queue_of[channel] >= 0, now, patience)

    # ----------------------------------------------------------------- dispatch
    def enqueue(self, ticket: Ticket, tier: int, work: float, live: bool, now: float,
                patience: float = INF) -> None:
        """Create the ticket's next work item and hand it to an agent or a queue."""
        number = ticket.items = ticket.items + 1
        ticket.tier = tier
        channel = ticket.channel
        self.sequence += 1
        if live:
            queue = self.live_queue_of[channel]
            key = (self.live_rank, ticket.priority, ticket.deadline, self.sequence)
        else:
            queue = self.work_queue_of[tier][channel]
            key = (1, ticket.priority, ticket.deadline, self.sequence)
        item = WorkItem(ticket, number, tier, queue, key, work, live, now)
        if number > 1:  # a ticket's first item enters its queue at ARRIVE
            self.out(PACK(now, E_ENQUEUE, ticket.id, number, -1, tier, channel, queue, NAN))
        if self._dispatch(item, now) and live and patience != INF:
            Timer(self.env, patience, self.on_patience, item)

    def _dispatch(self, item: WorkItem, now: float) -> bool:
        """Give ``item`` to the longest-idle agent who can take it; else queue it (True)."""
        agent = self.idle.take(item.queue)
        if agent is not None:
            self._start(agent, item, now)
            return False
        self.queues.push(item)
        return True

    def _start(self, agent: AgentRuntime, item: WorkItem, now: float) -> None:
        item.state = 1  # assigned
        agent.version += 1
        held = agent.held = agent.held + 1
        ticket = item.ticket
        if item.live and item.queue == agent.chat_queue:
            item.work *= self.slowdown[held - 1]
            if held < agent.chat_limit and agent.available:
                heappush(agent.slot_heap, ((held, now), agent.id, agent.version, agent))
        elif not item.live:
            agent.task = item
        self.out(PACK(now, E_ASSIGN, ticket.id, item.number, agent.id, item.tier,
                      ticket.channel, held, now - item.enqueued))
        item.started = now
        item.timer = Timer(self.env, item.work, self.on_complete, (agent, item))

    def on_handed_over(self, event) -> None:
        """An item handed over at a shift end (agent_calendar._hand_over) is dispatched."""
        self._dispatch(event.value, self.env.now)

    def _on_complete(self, event) -> None:
        agent, item = event.value
        now = self.env.now
        ticket = item.ticket
        self.out(PACK(now, E_COMPLETE, ticket.id, item.number, agent.id, item.tier,
                         ticket.channel, agent.held, item.work))
        item.state, item.timer = 3, None  # done; and no item <-> timer cycle for the GC
        agent.held -= 1
        agent.version += 1
        lifecycle.after_work(self, ticket, item, agent.id, now)
        self._next_work(agent, now)

    def login(self, runtime: AgentRuntime) -> None:
        self.agent_state(runtime, AVAILABLE)
        runtime.available = True
        self._next_work(runtime, self.env.now)

    def agent_state(self, runtime: AgentRuntime, state: AgentState) -> None:
        self.out(PACK(self.env.now, E_AGENT_STATE, -1, -1, runtime.id, runtime.tier, -1,
                      state, NAN))

    def _next_work(self, agent: AgentRuntime, now: float) -> None:
        """An agent who frees up takes the most urgent item it is skilled for."""
        if not agent.available:
            if agent.held == 0 and agent.drained is not None:
                drained, agent.drained = agent.drained, None
                drained.succeed()
            return
        queues = self.queues
        while True:
            if agent.held:
                item = queues.head(agent.chat_queue)
            elif len(agent.queues) == 1:
                item = queues.head(agent.queues[0])
            else:
                item = queues.best(agent.queues)
            if item is None and agent.cover:  # lower-tier work only when none of its own waits
                item = queues.best(agent.cover)
            if item is None:
                break
            queues.pop(item.queue)
            self._start(agent, item, now)
            if not (item.live and item.queue == agent.chat_queue and agent.held < agent.chat_limit):
                return
        agent.version += 1
        if agent.held:
            heappush(agent.slot_heap, ((agent.held, now), agent.id, agent.version, agent))
        else:
            heappush(agent.idle_heap, ((0, now), agent.id, agent.version, agent))

    def _on_patience(self, event) -> None:
        item = event.value
        if item.state != WAITING:
            return
        self.queues.withdraw(item)
        ticket = item.ticket
        now = self.env.now
        self.out(PACK(now, E_ABANDON, ticket.id, item.number, -1, 0, ticket.channel, -1,
                         now - item.enqueued))
        lifecycle.after_abandon(self, ticket)

    def follow_up_contact(self, parent: Ticket, kind: Event, delay: float) -> None:
        """Schedule a redial or repeat contact by the same customer."""
        when = self.env.now + delay
        if when >= self.calendar.sim_end:
            return
        if not self._open_at(parent.channel, when):
            if kind == E_REDIAL:
                return  # the caller gives up rather than call a closed line
            stretch = self._next_open_stretch(parent.channel, when)
            if stretch is None:
                return
            # A customer who comes back while the line is closed calls at some time
            # in the next open stretch (a drawn share of it), not at the opening.
            opening, closing = stretch
            offset = float(parent.row.value("follow_up_offset", parent.position))
            when = min(opening + offset * (closing - opening), self.calendar.sim_end)
        Timer(self.env, when - self.env.now, self._on_follow_up, (parent, kind))

    def _on_follow_up(self, event) -> None:
        parent, kind = event.value
        generation = parent.generation + 1
        row, flags = self._follow_up_block((parent.source, parent.channel, parent.day, generation))
        plan = self._plan_row(row, flags, parent.position)
        self.out(PACK(self.env.now, kind, parent.id, -1, -1, -1, parent.channel, -1,
                      self.next_id))
        self._arrive(parent.source, parent.channel, parent.day, generation, parent.position, row,
                     parent, plan)

    def _open_at(self, channel: int, time: float) -> bool:
        index = bisect_right(self.interval_starts, time) - 1
        return bool(self.open_masks[channel][index])

    def _next_open_stretch(self, channel: int, time: float) -> tuple[float, float] | None:
        """Start and end of the channel's next run of open intervals after ``time``."""
        index = bisect_right(self.interval_starts, time)
        mask, starts = self.open_masks[channel], self.interval_starts
        while index < len(mask) and not mask[index]:  # a night or a weekend: short
            index += 1
        if index == len(mask):
            return None
        end = index
        while end < len(mask) and mask[end]:
            end += 1
        closing = starts[end] if end < len(starts) else self.calendar.sim_end
        return starts[index], closing

    def timer(self, delay: float, callback, payload) -> None:
        Timer(self.env, delay, callback, payload)


def _stacked(counts: list[tuple[int, int]], draw) -> np.ndarray:
    """``draw(day, rows)`` (a rows x WIDTH block of uniforms) for each (day, rows) of
    ``counts``, filled into one array: no per-day list and stacking copy."""
    out, start = np.empty((sum(rows for _, rows in counts), WIDTH)), 0
    for day, rows in counts:
        out[start:start + rows] = draw(day, rows)
        start += rows
    return out


def simulate(config: ScenarioConfig, seed: int, replication: int = 0,
             progress: Callable[[int, int], None] | None = None) -> EngineResult:
    """Run one replication of ``config`` and return the event log and attributes."""
    return Engine(config, seed, replication).run(progress)
