"""The ticket lifecycle: what happens to a ticket after each piece of work.

new -> open -> (pending | on-hold) -> open -> solved -> (reopen -> open ...)
-> closed. Everything that decides the path (escalation, pending, hold,
reopens, true resolution) was drawn at arrival; here it is played out against
the clock. An escalation keeps the ticket and its SLA clock; pending pauses
the resolution clock (applied later, from timestamps, in sla.py). A ticket
closes ``close_after_solved_seconds`` after its last solve; that row is written
at the solve (its time is known) rather than as a simulated event. Legal
transitions are listed in ``TRANSITIONS`` and checked by the tests.
"""

from __future__ import annotations

from simulator.recorder import (
    E_CLOSE,
    E_CUSTOMER_REPLY,
    E_ESCALATE,
    E_HOLD,
    E_NOTE,
    E_PENDING,
    E_REDIAL,
    E_RELEASE,
    E_REOPEN,
    E_REPEAT,
    E_REPLY,
    E_SOLVE,
    PACK,
    Event,
    Status,
)

# Status each event moves a ticket to (events not listed leave it unchanged).
EVENT_STATUS: dict[int, Status] = {
    Event.ARRIVE: Status.NEW,
    Event.PENDING: Status.PENDING,
    Event.CUSTOMER_REPLY: Status.OPEN,
    Event.HOLD: Status.HOLD,
    Event.RELEASE: Status.OPEN,
    Event.SOLVE: Status.SOLVED,
    Event.REOPEN: Status.OPEN,
    Event.CLOSE: Status.CLOSED,
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NONE: frozenset({Status.NEW}),
    Status.NEW: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN}),
    Status.HOLD: frozenset({Status.OPEN}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

NAN = float("nan")


def after_work(engine, ticket, item, agent_id: int) -> None:
    """Play out the next step once ``item`` is finished by ``agent_id``."""
    now = engine.env.now
    out = engine.out
    row, position, tier = ticket.row, ticket.position, item.tier
    if not item.live:  # on a live contact the conversation itself is the reply
        out(PACK(now, E_REPLY, ticket.id, item.number, agent_id, tier, ticket.channel, -1, NAN))
    if tier == 0 and row["escalates_l2"][position] and ticket.tier == 0:
        _escalate(engine, ticket, item, agent_id, 1, row["l2_work_seconds"][position])
    elif tier == 1 and row["escalates_l3"][position] and ticket.tier == 1:
        _escalate(engine, ticket, item, agent_id, 2, row["l3_work_seconds"][position])
    elif ticket.pending_left:
        ticket.pending_left = 0
        out(PACK(now, E_PENDING, ticket.id, item.number, agent_id, tier, ticket.channel,
                    -1, NAN))
        engine.timer(row["pending_delay_seconds"][position], _resume,
                     (engine, ticket, E_CUSTOMER_REPLY))
    elif ticket.hold_left:
        ticket.hold_left = 0
        out(PACK(now, E_HOLD, ticket.id, item.number, agent_id, tier, ticket.channel,
                    -1, NAN))
        engine.timer(row["hold_delay_seconds"][position], _resume, (engine, ticket, E_RELEASE))
    else:
        _solve(engine, ticket, item, agent_id)


def _escalate(engine, ticket, item, agent_id, tier, work) -> None:
    now, out = engine.env.now, engine.out
    out(PACK(now, E_NOTE, ticket.id, item.number, agent_id, item.tier, ticket.channel, -1, NAN))
    out(PACK(now, E_ESCALATE, ticket.id, item.number, agent_id, tier, ticket.channel, -1, NAN))
    engine.enqueue(ticket, tier, work, live=False)


def _tier_work(ticket) -> float:
    row, position = ticket.row, ticket.position
    if ticket.tier == 2:
        return row["l3_work_seconds"][position]
    if ticket.tier == 1:
        return row["l2_work_seconds"][position]
    return row["l1_work_seconds"][position]


def _resume(event) -> None:
    engine, ticket, kind = event.value
    engine.out(PACK(engine.env.now, kind, ticket.id, -1, -1, ticket.tier, ticket.channel, -1, NAN))
    engine.enqueue(ticket, ticket.tier, _tier_work(ticket) * engine.follow_up_fraction, live=False)


def _solve(engine, ticket, item, agent_id) -> None:
    now, out = engine.env.now, engine.out
    row, position = ticket.row, ticket.position
    out(PACK(now, E_SOLVE, ticket.id, item.number, agent_id, ticket.tier, ticket.channel,
                -1, NAN))
    delay = row["reopen_delay_seconds"][position]
    if ticket.reopens_left and delay < engine.close_after:
        ticket.reopens_left -= 1
        engine.timer(delay, _resume, (engine, ticket, E_REOPEN))
        return
    out(PACK(now + engine.close_after, E_CLOSE, ticket.id, -1, -1, ticket.tier,
                ticket.channel, -1, NAN))
    generations = engine.config.lifecycle.max_follow_up_generations
    if not row["truly_resolved"][position] and ticket.generation < generations:
        engine.follow_up_contact(ticket, E_REPEAT, row["repeat_delay_seconds"][position])


def after_abandon(engine, ticket) -> None:
    """An abandoned caller may redial after a drawn delay."""
    row, position = ticket.row, ticket.position
    if row["redials"][position] and ticket.generation < engine.max_redials[ticket.channel]:
        engine.follow_up_contact(ticket, E_REDIAL, row["redial_delay_seconds"][position])
