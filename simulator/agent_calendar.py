"""An agent's calendar as a SimPy process, and what it leaves at the end of a shift.

The agent logs in at the start of each worked spell, leaves for each in-shift
block once the item in hand is done (the block then lasts its full length,
within the shift), comes back, and logs out at the end of the spell; one whose
item in hand or block ran to the end of the shift logs out then and takes no
new work before its next shift. At the
end of the shift ``routing.shift_end`` decides what happens to asynchronous
work in hand: ``finish`` it (overtime), or hand it back to its queue, keeping
its place, with the work left (``resume``) or all of it (``restart``), as
Ciw's schedule pre-emption does. A customer on the line is always finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.agents import RosterAgent
from simulator.recorder import E_HANDOVER, PACK, AgentState
from simulator.routing import ASSIGNED, WAITING
from simulator.runtime import AgentRuntime, Timer

if TYPE_CHECKING:
    from simulator.engine import Engine

AVAILABLE, LOGGED_OUT = AgentState.AVAILABLE, AgentState.LOGGED_OUT


def agent_calendar(engine: Engine, runtime: AgentRuntime, agent: RosterAgent):
    """The SimPy process of one agent's spells and blocks."""
    env = engine.env
    hand_over = engine.config.routing.shift_end != "finish"
    for spell in agent.spells:
        if spell.start > env.now:
            yield env.timeout(spell.start - env.now)
        if spell.state != AVAILABLE:
            engine.agent_state(runtime, spell.state)
            yield env.timeout(max(0.0, spell.end - env.now))
            engine.agent_state(runtime, LOGGED_OUT)
            continue
        engine.login(runtime)
        yield from _work_through(engine, runtime, spell, hand_over)
        engine.agent_state(runtime, LOGGED_OUT)


def _work_through(engine: Engine, runtime: AgentRuntime, spell, hand_over: bool):
    """From log-in to the end of the shift: each block once the item in hand is
    done (lasting its full length, within the shift: a break is never cut short
    by a late call), then leave at the end. An agent whose item in hand or block
    ran to the end of the shift does not log in again."""
    env = engine.env
    for block in spell.blocks:
        if block.start > env.now:
            yield env.timeout(block.start - env.now)
        yield from _leave(engine, runtime, hand_over, until=spell.end)
        if env.now >= spell.end:
            return
        engine.agent_state(runtime, block.state)
        end = min(env.now + (block.end - block.start), spell.end)
        if end > env.now:
            yield env.timeout(end - env.now)
        if env.now >= spell.end:
            return
        engine.login(runtime)
    if spell.end > env.now:
        yield env.timeout(spell.end - env.now)
    yield from _leave(engine, runtime, hand_over, until=env.now)


def _leave(engine: Engine, runtime: AgentRuntime, hand_over: bool, until: float):
    """Stop taking work and wait for the items in hand; with ``hand_over``,
    asynchronous work still in hand at ``until`` (the shift end) goes back to
    its queue."""
    runtime.available = False
    runtime.version += 1
    env = engine.env
    if hand_over and until <= env.now:
        _hand_over(engine, runtime)
    if not runtime.held:
        return
    drained = runtime.drained = env.event()
    if hand_over and until > env.now:  # leaving for a block: wait no later than the shift end
        yield drained | env.timeout(until - env.now)
        if drained.triggered:
            return
        _hand_over(engine, runtime)
        if not runtime.held:
            runtime.drained = None
            return
    yield drained


def _hand_over(engine: Engine, agent: AgentRuntime) -> None:
    """The asynchronous item in hand goes back to its queue, keeping its place."""
    item, now = agent.task, engine.env.now
    if item is None or item.state != ASSIGNED or item.started + item.work <= now:
        return  # nothing in hand, or it is finished at this very time anyway
    item.timer.callbacks.clear()  # its completion will not come
    worked = now - item.started
    if engine.config.routing.shift_end == "resume":
        item.work -= worked
    item.state, item.enqueued = WAITING, now
    agent.task, agent.held = None, agent.held - 1
    ticket = item.ticket
    engine.out(PACK(now, E_HANDOVER, ticket.id, item.number, agent.id, item.tier,
                    ticket.channel, item.queue, worked))
    # Dispatched once everyone leaving at this moment has left (their events come first).
    Timer(engine.env, 0.0, engine.on_handed_over, item)
