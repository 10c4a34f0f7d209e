"""The ticket attribute table: everything each contact drew at arrival.

Built once, after the run, from the event log and the attribute blocks: an
arrive row says where its contact's row lives (``item`` = day, ``agent`` =
position in the day's block, ``code`` = source, ``value`` = generation), and a
redial or repeat row names a follow-up's parent.

Memory: the arrive rows are put in contact-id order first, so every column is
gathered once, straight into its final order (no second, sorted copy of the
table), and the Arrow table wraps the numpy arrays without copying them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from simulator.recorder import E_ARRIVE, E_REDIAL, E_REPEAT

# locator columns of an arrive row: (attribute-table name, event-log column)
_LOCATORS = (("source", "code"), ("channel", "channel"), ("day", "item"),
             ("generation", "value"), ("position", "agent"))


def attribute_table(events: pa.Table, blocks: dict) -> pa.Table:
    """Everything each contact drew at arrival, one row per contact, by id.

    Where a contact's row lives is in its arrive event; a follow-up's parent
    is in the redial / repeat event that created it.
    """
    event = events.column("event").to_numpy()
    ticket = events.column("ticket").to_numpy()
    rows = np.flatnonzero(event == E_ARRIVE)
    rows = rows[np.argsort(ticket[rows], kind="stable")]  # arrive rows by contact id
    contact_id = ticket[rows]
    frame = {"contact_id": contact_id}
    for name, column in _LOCATORS:
        frame[name] = events.column(column).to_numpy()[rows].astype(np.int64)
    frame["arrival_time"] = events.column("time").to_numpy()[rows]
    frame["parent_id"] = _parents(event, ticket, events.column("value").to_numpy(), contact_id)
    del rows
    columns = _drawn_columns(frame, blocks)
    return pa.table(frame | columns)


def _parents(event: np.ndarray, ticket: np.ndarray, value: np.ndarray,
             contact_id: np.ndarray) -> np.ndarray:
    """Each contact's parent (the contact whose redial / repeat row created it), or -1."""
    follow_up = np.flatnonzero((event == E_REDIAL) | (event == E_REPEAT))
    parent = np.full(contact_id.size, -1, dtype=np.int64)
    child = value[follow_up].astype(np.int64)
    parent[np.searchsorted(contact_id, child)] = ticket[follow_up]
    return parent


def _drawn_columns(frame: dict[str, np.ndarray], blocks: dict) -> dict[str, np.ndarray]:
    """Gather each contact's row from its attribute block (one pass per block)."""
    if not blocks or not frame["source"].size:
        return {}
    code = ((frame["source"] * 8 + frame["channel"]) * 100_000 + frame["day"]) * 8 \
        + frame["generation"]
    order = np.argsort(code, kind="stable")
    starts = np.flatnonzero(np.diff(code[order], prepend=-1))
    del code
    out: dict[str, np.ndarray] = {}
    for members in np.split(order, starts[1:]):
        first = members[0]
        key = (int(frame["source"][first]), int(frame["channel"][first]),
               int(frame["day"][first]), int(frame["generation"][first]))
        block = blocks[key].columns
        positions = frame["position"][members]
        for name, values in block.items():
            if name not in out:
                out[name] = np.empty(order.size, dtype=values.dtype)
            out[name][members] = values[positions]
    return out
