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

# What a ticket drew at arrival that is still to happen (Ticket.flags).
ESCALATE_L2, ESCALATE_L3, PENDING, HOLD, REOPEN, REPEAT = 1, 2, 4, 8, 16, 32


def plan_flags(columns, close_after: float):
    """Per-row flags from the attribute block's columns (numpy, vectorised)."""
    escalates = columns["escalates_l2"]
    reopens = (columns["reopens"] > 0) & (columns["reopen_delay_seconds"] < close_after)
    return (escalates * ESCALATE_L2 + columns["escalates_l3"] * ESCALATE_L3
            + columns["goes_pending"] * PENDING + (escalates & columns["goes_on_hold"]) * HOLD
            + reopens * REOPEN + ~columns["truly_resolved"] * REPEAT).astype("int64")


def after_work(engine, ticket, item, agent_id: int, now: float) -> None:
    """Play out the next step once ``item`` is finished by ``agent_id``."""
    tier = item.tier
    if not item.live:  # on a live contact the conversation itself is the reply
        engine.out(PACK(now, E_REPLY, ticket.id, item.number, agent_id, tier, ticket.channel,
                        -1, NAN))
    flags = ticket.flags
    if not flags & (ESCALATE_L2 | ESCALATE_L3 | PENDING | HOLD):
        _solve(engine, ticket, item, agent_id, now)
    elif flags & ESCALATE_L2 and tier == 0:
        ticket.flags = flags & ~ESCALATE_L2
        _escalate(engine, ticket, item, agent_id, 1, "l2_work_seconds", now)
    elif flags & ESCALATE_L3 and tier == 1:
        ticket.flags = flags & ~ESCALATE_L3
        _escalate(engine, ticket, item, agent_id, 2, "l3_work_seconds", now)
    elif flags & PENDING:  # waiting on the customer, who replies after a drawn delay
        _wait(engine, ticket, item, agent_id, now, PENDING, E_PENDING, "pending_delay_seconds",
              E_CUSTOMER_REPLY)
    elif flags & HOLD:  # waiting on engineering
        _wait(engine, ticket, item, agent_id, now, HOLD, E_HOLD, "hold_delay_seconds", E_RELEASE)
    else:
        _solve(engine, ticket, item, agent_id, now)


def _wait(engine, ticket, item, agent_id, now, flag, event, delay_column, resume_event) -> None:
    ticket.flags &= ~flag
    engine.out(PACK(now, event, ticket.id, item.number, agent_id, item.tier, ticket.channel,
                    -1, NAN))
    engine.timer(_drawn(ticket, delay_column), _resume, (engine, ticket, resume_event))


def _escalate(engine, ticket, item, agent_id, tier, work_column, now) -> None:
    out = engine.out
    out(PACK(now, E_NOTE, ticket.id, item.number, agent_id, item.tier, ticket.channel, -1, NAN))
    out(PACK(now, E_ESCALATE, ticket.id, item.number, agent_id, tier, ticket.channel, -1, NAN))
    engine.enqueue(ticket, tier, _drawn(ticket, work_column), False, now)


def _drawn(ticket, name: str) -> float:
    """A value the ticket drew at arrival, as a Python float (off the hot path)."""
    return float(ticket.row.value(name, ticket.position))


def _tier_work(ticket) -> float:
    return _drawn(ticket, ("l1_work_seconds", "l2_work_seconds", "l3_work_seconds")[ticket.tier])


def _resume(event) -> None:
    engine, ticket, kind = event.value
    now = engine.env.now
    engine.out(PACK(now, kind, ticket.id, -1, -1, ticket.tier, ticket.channel, -1, NAN))
    engine.enqueue(ticket, ticket.tier, _tier_work(ticket) * engine.follow_up_fraction, False, now)


def _solve(engine, ticket, item, agent_id, now) -> None:
    flags = ticket.flags
    if flags & REOPEN:
        engine.out(PACK(now, E_SOLVE, ticket.id, item.number, agent_id, ticket.tier,
                        ticket.channel, -1, NAN))
        ticket.reopens_left -= 1
        if ticket.reopens_left <= 0:
            ticket.flags = flags & ~REOPEN
        engine.timer(_drawn(ticket, "reopen_delay_seconds"), _resume,
                     (engine, ticket, E_REOPEN))
        return
    engine.out(PACK(now, E_SOLVE, ticket.id, item.number, agent_id, ticket.tier, ticket.channel,
                    -1, NAN))
    # The close is known now: written ahead (dropped if past the horizon).
    engine.out_ahead(PACK(now + engine.close_after, E_CLOSE, ticket.id, -1, -1, ticket.tier,
                          ticket.channel, -1, NAN))
    if flags & REPEAT and ticket.generation < engine.max_generations:
        engine.follow_up_contact(ticket, E_REPEAT,
                                 _drawn(ticket, "repeat_delay_seconds"))


def after_abandon(engine, ticket) -> None:
    """An abandoned caller may redial after a drawn delay."""
    if ticket.row.value("redials", ticket.position) and \
            ticket.generation < engine.max_redials[ticket.channel]:
        engine.follow_up_contact(ticket, E_REDIAL, _drawn(ticket, "redial_delay_seconds"))
