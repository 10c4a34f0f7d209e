"""The engine's columnar, append-only event log.

Each row is packed by one precompiled ``struct`` (35 bytes: the typed columns
below, little-endian, unpadded) onto one ``bytearray``: one C-level call per
row and no Python object per event. The buffer is read back once, at the end,
as a numpy structured array with the same layout.

Rows are written in time order, except those known ahead of their time (a
ticket's close, fixed at its final solve), which go to a second buffer
(``write_ahead``). :meth:`EventLog.to_table` merges the two in O(n): a row
written ahead comes before rows of the same time (it was written first).
"""

from __future__ import annotations

import struct
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
    HANDOVER = 19       # shift end: unfinished work back to its queue (value: seconds worked)
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
ROW = struct.Struct("<dbqhibbhd")
PACK = ROW.pack  # hot paths: ``log.write(PACK(time, event, ticket, ...))``
ROW_DTYPE = np.dtype([(name, kind.to_pandas_dtype()) for name, kind in COLUMNS])
assert ROW_DTYPE.itemsize == ROW.size


class EventLog:
    """Append-only buffer of event rows."""

    __slots__ = ("_ahead", "_buffer", "write", "write_ahead")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._ahead = bytearray()
        self.write = self._buffer.extend
        self.write_ahead = self._ahead.extend

    def __len__(self) -> int:
        return len(self._buffer) // ROW.size

    def to_table(self, until: float | None = None) -> pa.Table:
        """Typed Arrow table sorted by time (stable); rows after ``until`` dropped."""
        rows = _sorted(np.frombuffer(self._buffer, dtype=ROW_DTYPE))
        ahead = _sorted(np.frombuffer(self._ahead, dtype=ROW_DTYPE))
        if until is not None:
            if rows.size and rows["time"][-1] > until:
                rows = rows[: np.searchsorted(rows["time"], until, side="right")]
            ahead = ahead[: np.searchsorted(ahead["time"], until, side="right")]
        at = np.searchsorted(rows["time"], ahead["time"], side="left")
        # One contiguous copy per column, merged as it is copied (no full-row copies).
        arrays = [pa.array(np.insert(rows[name], at, ahead[name]), type=kind)
                  for name, kind in COLUMNS]
        return pa.table(arrays, names=[name for name, _ in COLUMNS])


def _sorted(rows: np.ndarray) -> np.ndarray:
    """Rows by time, stable; a buffer already in order (the usual case) is kept as is."""
    times = rows["time"]
    if times.size < 2 or bool(np.all(times[1:] >= times[:-1])):
        return rows
    return rows[np.argsort(times, kind="stable")]


# Plain-int aliases for the hot path: array.extend converts an int faster than an IntEnum.
E_ARRIVE, E_DEFLECT, E_ENQUEUE, E_ABANDON = 1, 2, 3, 4
E_ASSIGN, E_COMPLETE, E_REPLY, E_NOTE, E_ESCALATE = 5, 6, 7, 8, 9
E_PENDING, E_CUSTOMER_REPLY, E_HOLD, E_RELEASE = 10, 11, 12, 13
E_SOLVE, E_REOPEN, E_CLOSE, E_REDIAL, E_REPEAT, E_HANDOVER, E_AGENT_STATE = 14, 15, 16, 17, 18, 19, 20
assert all(int(Event[name[2:]]) == value for name, value in list(globals().items())
           if name.startswith("E_"))
