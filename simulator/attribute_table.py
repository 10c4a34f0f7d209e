"""The ticket attribute table: everything each contact drew at arrival.

Built once, after the run, from the event log and the attribute blocks: an
arrive row says where its contact's row lives (``item`` = day, ``agent`` =
position in the day's block, ``code`` = source, ``value`` = generation), and a
redial or repeat row names a follow-up's parent.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from simulator.recorder import E_ARRIVE, E_REDIAL, E_REPEAT


def attribute_table(events: pa.Table, blocks: dict) -> pa.Table:
    """Everything each contact drew at arrival, one row per contact, by id.

    Where a contact's row lives is in its arrive event; a follow-up's parent
    is in the redial / repeat event that created it.
    """
    event = events.column("event").to_numpy()
    arrive = event == E_ARRIVE
    contact_id = events.column("ticket").to_numpy()[arrive]
    frame = {
        "contact_id": contact_id,
        "source": events.column("code").to_numpy()[arrive].astype(np.int64),
        "channel": events.column("channel").to_numpy()[arrive].astype(np.int64),
        "day": events.column("item").to_numpy()[arrive].astype(np.int64),
        "generation": events.column("value").to_numpy()[arrive].astype(np.int64),
        "position": events.column("agent").to_numpy()[arrive].astype(np.int64),
        "arrival_time": events.column("time").to_numpy()[arrive],
    }
    follow_up = np.isin(event, (E_REDIAL, E_REPEAT))
    parent = np.full(contact_id.size, -1, dtype=np.int64)
    child = events.column("value").to_numpy()[follow_up].astype(np.int64)
    order = np.argsort(contact_id)
    parent[order[np.searchsorted(contact_id, child, sorter=order)]] = (
        events.column("ticket").to_numpy()[follow_up])
    frame["parent_id"] = parent
    columns = _drawn_columns(frame, blocks)
    by_id = np.argsort(contact_id, kind="stable")
    return pa.table({name: values[by_id] for name, values in (frame | columns).items()})


def _drawn_columns(frame: dict[str, np.ndarray], blocks: dict) -> dict[str, np.ndarray]:
    """Gather each contact's row from its attribute block (one pass per block)."""
    if not blocks or not frame["source"].size:
        return {}
    code = ((frame["source"] * 8 + frame["channel"]) * 100_000 + frame["day"]) * 8 \
        + frame["generation"]
    order = np.argsort(code, kind="stable")
    starts = np.flatnonzero(np.diff(code[order], prepend=-1))
    out: dict[str, np.ndarray] = {}
    for members in np.split(order, starts[1:]):
        first = members[0]
        key = (int(frame["source"][first]), int(frame["channel"][first]),
               int(frame["day"][first]), int(frame["generation"][first]))
        block = blocks[key].columns
        positions = frame["position"][members]
        for name, values in block.items():
            if name not in out:
                out[name] = np.empty(code.size, dtype=values.dtype)
            out[name][members] = values[positions]
    return out
