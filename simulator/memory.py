"""Handing memory back between the stages of a large run.

Two tools, in order of weight:

- :func:`without_tables`: an engine result whose event log and attribute
  table are dropped, for callers that have built every table they need from
  them (``generate``: the datasets are the source of every shape, and the log
  itself is not written). The tables are the run's largest inputs, about 0.6
  KB per ticket. :func:`only_tables` does the same for the dataset tables a
  shape does not read (the Zendesk shapes read the tickets and the audit trail).
- :class:`Handover`: an engine result passed on with its only reference, so
  ``build_datasets`` can drop the log and attribute table as soon as its last
  step reading them is done (before the agent scorecards, the largest step
  after them), rather than holding them to the end of a run.
- :func:`return_free_memory`: a supplement, not a fix. Dataset building frees
  many large temporaries; glibc keeps the freed heap pages mapped (its mmap
  threshold rises after the first large frees, so later arrays come from the
  heap) and Arrow's allocator keeps some too. Asking both to return what is
  free at stage boundaries lowers the resident size the next stage starts
  from. It changes no value; on other C libraries it does nothing.
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import TYPE_CHECKING, Generic, TypeVar

import pandas as pd
import pyarrow as pa

from simulator.engine import EngineResult

if TYPE_CHECKING:  # datasets.py imports this module
    from simulator.datasets import Datasets

T = TypeVar("T")


class Handover(Generic[T]):
    """A value handed on: the receiver takes it (:meth:`take`, once) and so holds the only
    reference, if the giver kept none; :meth:`peek` reads it meanwhile."""

    def __init__(self, value: T) -> None:
        self._value: T | None = value

    def peek(self) -> T:
        if self._value is None:
            raise RuntimeError("the value was taken")
        return self._value

    def take(self) -> T:
        value = self.peek()
        self._value = None
        return value


def without_tables(result: EngineResult,
                   tables: tuple[str, ...] = ("events", "attributes")) -> EngineResult:
    """``result`` with empty (typed) ``tables`` (default: the event log and the attribute
    table), the rest unchanged."""
    return dataclasses.replace(result, **{name: getattr(result, name).schema.empty_table()
                                          for name in tables})


def only_tables(datasets: Datasets, keep: tuple[str, ...]) -> Datasets:
    """``datasets`` with every table not in ``keep`` emptied (same columns and dtypes),
    for a consumer that reads only those: the others are freed."""
    tables = {f.name: getattr(datasets, f.name) for f in dataclasses.fields(datasets)}
    emptied = {name: frame.iloc[:0].copy()  # a copy: no view of the rows
               for name, frame in tables.items()
               if isinstance(frame, pd.DataFrame) and name not in keep}
    return dataclasses.replace(datasets, **emptied)


def return_free_memory() -> None:
    """Return freed heap pages to the operating system (glibc ``malloc_trim``) and
    Arrow's unused pool memory; nothing else changes."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the process's own C library
    if trim is not None:
        trim(0)
    pa.default_memory_pool().release_unused()
