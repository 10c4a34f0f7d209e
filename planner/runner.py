"""Replications run serially or on local processes, with identical results.

Each replication is a pure function of (scenario, seed, replication): its
random streams are keyed by the replication number, so the executor only
changes the wall time. Results come back in replication order. Worker
processes are started with ``spawn`` (never fork a process that may hold
threads) and BLAS limited to one thread, so two workers use two cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def run_replications(task: Callable[..., T], arguments: Sequence[tuple], workers: int,
                     progress: Callable[[int, int], None] | None = None) -> list[T]:
    """``task(*args)`` for each tuple in ``arguments``, in order; ``workers`` > 1 uses processes."""
    total = len(arguments)
    if workers <= 1 or total <= 1:
        results = []
        for done, args in enumerate(arguments, start=1):
            results.append(task(*args))
            if progress:
                progress(done, total)
        return results
    saved = {key: os.environ.get(key) for key in _ONE_THREAD}
    os.environ.update(_ONE_THREAD)
    try:
        with ProcessPoolExecutor(max_workers=min(workers, total),
                                 mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(task, *args) for args in arguments]
            results = []
            for done, future in enumerate(futures, start=1):
                results.append(future.result())
                if progress:
                    progress(done, total)
            return results
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
