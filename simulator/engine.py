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

from array import array
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import simpy

from simulator import lifecycle
from simulator.agents import RosterAgent, build_roster
from simulator.calendar import Calendar, calendar_for
from simulator.config import CHANNELS, PRIORITIES, SYNCHRONOUS_CHANNELS, TIERS, ScenarioConfig
from simulator.demand import (BASE, SURGE, AttributeBlock, build_customer_pool, build_demand,
                              channel_open_mask, day_arrivals, draw_attributes)
from simulator.recorder import AgentState, Event, EventLog
from simulator.routing import WAITING, IdlePools, Queues, WorkItem
from simulator.streams import StreamRegistry

AVAILABLE = AgentState.AVAILABLE


@dataclass(frozen=True)
class EngineResult:
    """What the engine produces; everything else is built from it."""

    events: pa.Table
    attributes: pa.Table
    roster: tuple[RosterAgent, ...]
    calendar: Calendar


class AgentRuntime:
    __slots__ = ("id", "tier", "queues", "chat_queue", "chat_limit", "version", "held",
                 "available", "drained")

    def __init__(self, agent: RosterAgent, queues: tuple[int, ...], chat_queue: int,
                 chat_limit: int) -> None:
        self.id = agent.id
        self.tier = agent.tier_index
        self.queues = queues
        self.chat_queue = chat_queue
        self.chat_limit = chat_limit
        self.version = 0
        self.held = 0
        self.available = False
        self.drained = None


class Ticket:
    """Runtime state of one contact that became (or may become) a ticket."""

    __slots__ = ("id", "channel", "source", "day", "generation", "position", "row", "priority",
                 "customer_tier", "tier", "deadline", "items", "pending_left", "hold_left",
                 "reopens_left", "parent")

    def __init__(self, contact_id, channel, source, day, generation, position, row, parent):
        self.id = contact_id
        self.channel = channel
        self.source = source
        self.day = day
        self.generation = generation
        self.position = position
        self.row = row
        self.parent = parent
        self.tier = 0
        self.items = 0


class Engine:
    """One replication of one scenario. Build, then call :meth:`run` once."""

    def __init__(self, config: ScenarioConfig, seed: int, replication: int = 0) -> None:
        self.config = config
        self.calendar = calendar_for(config)
        self.registry = StreamRegistry(seed, replication)
        self.env = simpy.Environment(initial_time=self.calendar.sim_start)
        self.log = EventLog()
        self.out = self.log.buffer
        self.demand = build_demand(config, self.calendar)
        self.pool = build_customer_pool(config, self.registry)
        self.roster = build_roster(config, self.calendar, self.registry)
        self.blocks: dict[tuple[int, int, int, int], dict[str, list]] = {}
        self.block_arrays: dict[tuple[int, int, int, int], AttributeBlock] = {}
        self.contacts = array("d")  # id, source, channel, day, generation, position, parent, time
        self.next_id = 0
        self.sequence = 0
        self._build_queues()
        self._build_policies()

    # ----------------------------------------------------------------- set-up
    def _build_queues(self) -> None:
        names = self.config.channel_names()
        self.live_queue = {}
        self.work_queue = {}
        meta = []
        for ch in names:
            if ch in SYNCHRONOUS_CHANNELS:
                self.live_queue[CHANNELS.index(ch)] = len(meta)
                meta.append((0, CHANNELS.index(ch), True))
        for tier in range(len(TIERS)):
            for ch in names:
                self.work_queue[(tier, CHANNELS.index(ch))] = len(meta)
                meta.append((tier, CHANNELS.index(ch), False))
        self.queues = Queues(len(meta))
        self.idle = IdlePools(len(meta))
        chat = self.config.channels.get("chat")
        self.chat_limit = chat.concurrency if chat else 1
        self.slowdown = list(chat.slowdown) if chat else [1.0]
        self.agents = [self._runtime(agent) for agent in self.roster]

    def _runtime(self, agent: RosterAgent) -> AgentRuntime:
        skills = [CHANNELS.index(c) for c in agent.skills]
        queues = [self.live_queue[c] for c in skills if agent.tier_index == 0 and c in self.live_queue]
        queues += [self.work_queue[(agent.tier_index, c)] for c in skills]
        chat_queue = self.live_queue.get(CHANNELS.index("chat"), -1)
        if chat_queue not in queues:
            chat_queue = -1
        return AgentRuntime(agent, tuple(queues), chat_queue, self.chat_limit)

    def _build_policies(self) -> None:
        config = self.config
        tiers = list(config.customers.tiers)
        self.first_response = np.full((len(tiers), len(PRIORITIES)), np.inf)
        for t, name in enumerate(tiers):
            for p, target in config.sla.get(name, {}).items():
                self.first_response[t, PRIORITIES.index(p)] = target.first_response_minutes * 60.0
        self.sync_first = config.routing.synchronous_first
        self.open_masks = {CHANNELS.index(c): channel_open_mask(config, self.calendar, c)
                           for c in config.channel_names()}
        self.max_redials = {CHANNELS.index(c): ch.redial.max_attempts
                            for c, ch in config.channels.items()}
        self.close_after = config.lifecycle.close_after_solved_seconds
        self.follow_up_fraction = config.lifecycle.follow_up_work_fraction

    # ----------------------------------------------------------------- running
    def run(self) -> EngineResult:
        env = self.env
        for ch in self.config.channel_names():
            env.process(self._arrivals(BASE, ch))
            if self.demand.surge[ch].any():
                env.process(self._arrivals(SURGE, ch))
        for agent, runtime in zip(self.roster, self.agents):
            if agent.spells:
                env.process(self._agent(runtime, agent))
        env.run(until=self.calendar.sim_end)
        events = self.log.to_table(until=self.calendar.sim_end)
        return EngineResult(events, self._attribute_table(), self.roster, self.calendar)

    def _arrivals(self, source: int, channel: str):
        env, cid = self.env, CHANNELS.index(channel)
        cv = self.config.channels[channel].overdispersion_cv
        for day in range(self.calendar.n_days):
            times = day_arrivals(self.demand, self.calendar, self.registry, cv, source, channel, day)
            if not times.size:
                continue
            row = self._block(source, cid, day, 0, times.size)
            for position, time in enumerate(times.tolist()):
                if time > env.now:
                    yield env.timeout(time - env.now)
                self._arrive(source, cid, day, 0, position, row, None)

    def _block(self, source: int, channel: int, day: int, generation: int, rows: int) -> dict:
        key = (source, channel, day, generation)
        block = self.blocks.get(key)
        if block is None:
            arrays = draw_attributes(self.config, self.pool, self.registry, source,
                                     CHANNELS[channel], day, generation, rows)
            self.block_arrays[key] = arrays
            block = self.blocks[key] = {k: v.tolist() for k, v in arrays.columns.items()}
        return block

    def _arrive(self, source, channel, day, generation, position, row, parent) -> None:
        now = self.env.now
        contact_id = self.next_id
        self.next_id += 1
        self.contacts.extend((contact_id, source, channel, day, generation, position,
                              -1 if parent is None else parent.id, now))
        out = self.out
        out.extend((now, Event.ARRIVE, contact_id, -1, -1, -1, channel, source, generation))
        if generation == 0 and row["deflected"][position]:
            out.extend((now, Event.DEFLECT, contact_id, -1, -1, -1, channel, -1, np.nan))
            return
        ticket = Ticket(contact_id, channel, source, day, generation, position, row, parent)
        origin = parent if parent is not None else ticket
        ticket.priority = row["priority"][origin.position] if parent is None else parent.priority
        ticket.customer_tier = (row["customer_tier"][position] if parent is None
                                else parent.customer_tier)
        ticket.deadline = now + self.first_response[ticket.customer_tier, ticket.priority]
        lifecycle.plan(self, ticket)
        work = row["work_seconds"][position] + row["hold_seconds"][position] + \
            row["wrap_seconds"][position]
        self.enqueue(ticket, 0, work, live=channel in self.live_queue)

    # ----------------------------------------------------------------- dispatch
    def enqueue(self, ticket: Ticket, tier: int, work: float, live: bool) -> None:
        """Create the ticket's next work item and hand it to an agent or a queue."""
        now = self.env.now
        ticket.items += 1
        ticket.tier = tier
        queue = self.live_queue[ticket.channel] if live else self.work_queue[(tier, ticket.channel)]
        rank = 0 if (live and self.sync_first) else 1
        self.sequence += 1
        item = WorkItem(ticket, ticket.items, tier, queue,
                        (rank, ticket.priority, ticket.deadline, self.sequence), work, live, now)
        self.out.extend((now, Event.ENQUEUE, ticket.id, item.number, -1, tier, ticket.channel,
                         queue, np.nan))
        agent = self.idle.take(queue)
        if agent is not None:
            self._start(agent, item)
            return
        self.queues.push(item)
        patience = ticket.row["patience_seconds"][ticket.position] if live else np.inf
        if patience < np.inf:
            self.env.timeout(patience, item).callbacks.append(self._on_patience)

    def _start(self, agent: AgentRuntime, item: WorkItem) -> None:
        now = self.env.now
        item.state = 1  # assigned
        agent.version += 1
        agent.held += 1
        work = item.work
        chat = item.live and item.queue == agent.chat_queue
        if chat:
            work *= self.slowdown[agent.held - 1]
            item.work = work
        ticket = item.ticket
        self.out.extend((now, Event.ASSIGN, ticket.id, item.number, agent.id, item.tier,
                         ticket.channel, agent.held, now - item.enqueued))
        if chat and agent.held < agent.chat_limit and agent.available:
            self.idle.offer(agent.chat_queue, (agent.held, now), agent)
        self.env.timeout(work, (agent, item)).callbacks.append(self._on_complete)

    def _on_complete(self, event) -> None:
        agent, item = event.value
        now = self.env.now
        ticket = item.ticket
        self.out.extend((now, Event.COMPLETE, ticket.id, item.number, agent.id, item.tier,
                         ticket.channel, agent.held, item.work))
        item.state = 3  # done
        agent.held -= 1
        agent.version += 1
        lifecycle.after_work(self, ticket, item, agent.id)
        self._next_work(agent)

    def _next_work(self, agent: AgentRuntime) -> None:
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
            else:
                item = queues.best(agent.queues)
            if item is None:
                break
            queues.pop(item.queue)
            self._start(agent, item)
            if not (item.live and item.queue == agent.chat_queue and agent.held < agent.chat_limit):
                return
        now = self.env.now
        agent.version += 1
        if agent.held:
            self.idle.offer(agent.chat_queue, (agent.held, now), agent)
        else:
            for queue in agent.queues:
                self.idle.offer(queue, (0, now), agent)

    def _on_patience(self, event) -> None:
        item = event.value
        if item.state != WAITING:
            return
        self.queues.withdraw(item)
        ticket = item.ticket
        now = self.env.now
        self.out.extend((now, Event.ABANDON, ticket.id, item.number, -1, 0, ticket.channel, -1,
                         now - item.enqueued))
        lifecycle.after_abandon(self, ticket)

    def follow_up_contact(self, parent: Ticket, kind: Event, delay: float) -> None:
        """Schedule a redial or repeat contact by the same customer."""
        when = self.env.now + delay
        if when >= self.calendar.sim_end:
            return
        if not self._open_at(parent.channel, when):
            if kind == Event.REDIAL:
                return  # the caller gives up rather than call a closed line
            when = self._next_open(parent.channel, when)
            if when is None:
                return
        self.env.timeout(when - self.env.now, (parent, kind)).callbacks.append(self._on_follow_up)

    def _on_follow_up(self, event) -> None:
        parent, kind = event.value
        generation = parent.generation + 1
        rows = len(self.blocks[(parent.source, parent.channel, parent.day, 0)]["customer"])
        row = self._block(parent.source, parent.channel, parent.day, generation, rows)
        self.out.extend((self.env.now, kind, parent.id, -1, -1, -1, parent.channel, -1,
                         self.next_id))
        self._arrive(parent.source, parent.channel, parent.day, generation, parent.position, row,
                     parent)

    def _open_at(self, channel: int, time: float) -> bool:
        index = np.searchsorted(self.calendar.interval_start, time, side="right") - 1
        return bool(self.open_masks[channel][index])

    def _next_open(self, channel: int, time: float) -> float | None:
        index = np.searchsorted(self.calendar.interval_start, time, side="right")
        later = np.flatnonzero(self.open_masks[channel][index:])
        return float(self.calendar.interval_start[index + later[0]]) if later.size else None

    def timer(self, delay: float, callback, payload) -> None:
        self.env.timeout(delay, payload).callbacks.append(callback)

    # ----------------------------------------------------------------- agents
    def _agent(self, runtime: AgentRuntime, agent: RosterAgent):
        env, out = self.env, self.out
        for spell in agent.spells:
            if spell.start > env.now:
                yield env.timeout(spell.start - env.now)
            if spell.state != AVAILABLE:
                self._agent_state(runtime, spell.state)
                yield env.timeout(max(0.0, spell.end - env.now))
                self._agent_state(runtime, AgentState.LOGGED_OUT)
                continue
            self._login(runtime)
            for block in spell.blocks:
                if block.start > env.now:
                    yield env.timeout(block.start - env.now)
                yield from self._leave(runtime)
                self._agent_state(runtime, block.state)
                if block.end > env.now:
                    yield env.timeout(block.end - env.now)
                self._login(runtime)
            if spell.end > env.now:
                yield env.timeout(spell.end - env.now)
            yield from self._leave(runtime)
            self._agent_state(runtime, AgentState.LOGGED_OUT)
        del out

    def _agent_state(self, runtime: AgentRuntime, state: AgentState) -> None:
        self.out.extend((self.env.now, Event.AGENT_STATE, -1, -1, runtime.id, runtime.tier, -1,
                         state, np.nan))

    def _login(self, runtime: AgentRuntime) -> None:
        self._agent_state(runtime, AVAILABLE)
        runtime.available = True
        self._next_work(runtime)

    def _leave(self, runtime: AgentRuntime):
        runtime.available = False
        runtime.version += 1
        if runtime.held:
            runtime.drained = self.env.event()
            yield runtime.drained

    # ----------------------------------------------------------------- output
    def _attribute_table(self) -> pa.Table:
        contacts = np.frombuffer(self.contacts, dtype=np.float64).reshape(-1, 8)
        names = ("contact_id", "source", "channel", "day", "generation", "position",
                 "parent_id", "arrival_time")
        frames: dict[str, list[np.ndarray]] = {}
        keys = contacts[:, 1:5].astype(np.int64)
        order = np.lexsort((contacts[:, 0], keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0]))
        sorted_keys = keys[order]
        boundaries = np.flatnonzero(np.any(np.diff(sorted_keys, axis=0) != 0, axis=1)) + 1
        for group in np.split(order, boundaries) if order.size else []:
            key = tuple(int(k) for k in keys[group[0]])
            block = self.block_arrays[key]
            positions = contacts[group, 5].astype(np.int64)
            for name, values in block.columns.items():
                frames.setdefault(name, []).append(values[positions])
            for index, name in enumerate(names):
                frames.setdefault(name, []).append(contacts[group, index])
        if not frames:
            return pa.table({name: pa.array([], pa.float64()) for name in names})
        columns = {name: np.concatenate(parts) for name, parts in frames.items()}
        by_id = np.argsort(columns["contact_id"], kind="stable")
        table = {}
        for name in names:
            column = columns[name][by_id]
            table[name] = column if name == "arrival_time" else column.astype(np.int64)
        for name, column in columns.items():
            if name not in table:
                table[name] = column[by_id]
        return pa.table(table)


def simulate(config: ScenarioConfig, seed: int, replication: int = 0) -> EngineResult:
    """Run one replication of ``config`` and return the event log and attributes."""
    return Engine(config, seed, replication).run()
