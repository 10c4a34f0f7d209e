"""The engine's columnar, append-only event log.

Rows are appended as nine doubles to one ``array.array('d')`` (one C-level
``extend`` per row, no Python object per event) and become typed columns once,
at the end. Doubles hold every integer field exactly (ids stay far below 2**53).
Some rows are written ahead of their time (a ticket's close, known at its final
solve); :meth:`EventLog.to_table` sorts by time, keeping append order on ties.
"""

from __future__ import annotations

from array import array
from enum import IntEnum

import numpy as np
import pyarrow as pa


class Event(IntEnum):
    ARRIVE = 1          # a contact arrives (code: source; value: generation)
    DEFLECT = 2         # self-service (L0) answered it: no ticket
    ENQUEUE = 3         # a work item joins a queue (tier, channel)
    ABANDON = 4         # a waiting phone/chat customer hangs up
    ASSIGN = 5          # an agent starts a work item (code: chats held after it)
    COMPLETE = 6        # an agent finishes a work item (value: handle seconds)
    REPLY = 7           # public agent reply (end of a work item)
    NOTE = 8            # internal note (escalation hand-off)
    ESCALATE = 9        # ticket moves to a higher tier (tier: the new tier)
    PENDING = 10        # waiting on the customer: SLA clock paused
    CUSTOMER_REPLY = 11 # the customer answers; back to open
    HOLD = 12           # waiting on L3 or engineering
    RELEASE = 13        # hold lifted; back to open
    SOLVE = 14
    REOPEN = 15         # customer replied to a solved ticket
    CLOSE = 16
    REDIAL = 17         # an abandoned caller calls again (value: new contact id)
    REPEAT = 18         # an unresolved customer comes back (value: new contact id)
    AGENT_STATE = 20    # agent state change (code: AgentState)


class Status(IntEnum):
    NONE = -1
    NEW = 0
    OPEN = 1
    PENDING = 2
    HOLD = 3
    SOLVED = 4
    CLOSED = 5


class AgentState(IntEnum):
    LOGGED_OUT = 0
    AVAILABLE = 1
    BREAK = 2
    LUNCH = 3
    MEETING = 4
    TRAINING = 5
    COACHING = 6
    SUPERVISED = 7
    ABSENT = 8
    VACATION = 9


COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("time", pa.float64()),
    ("event", pa.int8()),
    ("ticket", pa.int64()),
    ("item", pa.int16()),
    ("agent", pa.int32()),
    ("tier", pa.int8()),
    ("channel", pa.int8()),
    ("code", pa.int16()),
    ("value", pa.float64()),
)
WIDTH = len(COLUMNS)


class EventLog:
    """Append-only buffer of event rows."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = array("d")

    def __len__(self) -> int:
        return len(self._buffer) // WIDTH

    def add(self, time: float, event: int, ticket: int = -1, item: int = -1, agent: int = -1,
            tier: int = -1, channel: int = -1, code: int = -1, value: float = float("nan")) -> None:
        self._buffer.extend((time, event, ticket, item, agent, tier, channel, code, value))

    @property
    def buffer(self) -> array:
        """The raw buffer; hot paths call ``buffer.extend`` with a 9-tuple."""
        return self._buffer

    def to_table(self, until: float | None = None) -> pa.Table:
        """Typed Arrow table sorted by time (stable); rows after ``until`` dropped."""
        rows = np.frombuffer(self._buffer, dtype=np.float64).reshape(-1, WIDTH)
        if until is not None:
            rows = rows[rows[:, 0] <= until]
        rows = rows[np.argsort(rows[:, 0], kind="stable")]
        arrays = []
        for index, (name, kind) in enumerate(COLUMNS):
            column = rows[:, index]
            if kind != pa.float64():
                column = column.astype(kind.to_pandas_dtype())
            arrays.append(pa.array(column, type=kind))
        return pa.table(arrays, names=[name for name, _ in COLUMNS])
