"""Handing memory back between the stages of a large run.

Two tools, in order of weight:

- :func:`without_tables`: an engine result whose event log and attribute
  table are dropped, for callers that have built every table they need from
  them (``generate``: the datasets are the source of every shape, and the log
  itself is not written). The tables are the run's largest inputs, about 0.6
  KB per ticket.
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

import pyarrow as pa

from simulator.engine import EngineResult


def without_tables(result: EngineResult) -> EngineResult:
    """``result`` with empty (typed) event log and attribute table, the rest unchanged."""
    return dataclasses.replace(result, events=result.events.schema.empty_table(),
                               attributes=result.attributes.schema.empty_table())


def return_free_memory() -> None:
    """Return freed heap pages to the operating system (glibc ``malloc_trim``) and
    Arrow's unused pool memory; nothing else changes."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the process's own C library
    if trim is not None:
        trim(0)
    pa.default_memory_pool().release_unused()
