"""Replications run serially, on local processes or on a Dask cluster, with identical results.

Each replication is a pure function of (scenario, seed, replication): its
random streams are keyed by the replication number, so the executor only
changes the wall time. Results come back in replication order. Worker
processes are started with ``spawn`` (never fork a process that may hold
threads) and BLAS limited to one thread, so two workers use two cores.

A spawned worker pays for a fresh interpreter and the simulator's imports
(a second or two each), so a caller that runs several batches (the plan
loop: every iteration, the final KPIs, the sensitivity runs) keeps one
``ReplicationPool`` open across them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from types import TracebackType
from typing import Self, TypeVar

from planner.dask_executor import DaskBatches

T = TypeVar("T")
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


class ReplicationPool:
    """Runs batches of tasks serially (``workers`` <= 1) or on one reused process pool.

    Use as a context manager; the worker processes start with the first
    batch that has more than one task and end with the context. While they
    may start, the environment asks BLAS for one thread (restored on exit).
    """

    def __init__(self, workers: int, dask: str | None = None) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._saved: dict[str, str | None] = {}
        # A Dask cluster instead of local processes (planner/dask_executor.py).
        self._dask = DaskBatches(dask, workers) if dask else None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._dask is not None:
            self._dask.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            for key, value in self._saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def run(self, task: Callable[..., T], arguments: Sequence[tuple],
            progress: Callable[[int, int], None] | None = None) -> list[T]:
        """``task(*args)`` for each tuple in ``arguments``, in order."""
        total = len(arguments)
        if self._dask is None and (self.workers <= 1 or total <= 1):
            results = []
            for done, args in enumerate(arguments, start=1):
                results.append(task(*args))
                if progress:
                    progress(done, total)
            return results
        executor = self._dask if self._dask is not None else self._executor()
        futures = [executor.submit(task, *args) for args in arguments]
        results = []
        for done, future in enumerate(futures, start=1):
            results.append(future.result())
            if progress:
                progress(done, total)
        return results

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._saved = {key: os.environ.get(key) for key in _ONE_THREAD}
            os.environ.update(_ONE_THREAD)
            self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                             mp_context=get_context("spawn"))
        return self._pool


def run_replications(task: Callable[..., T], arguments: Sequence[tuple], workers: int,
                     progress: Callable[[int, int], None] | None = None,
                     dask: str | None = None) -> list[T]:
    """One batch on a pool of its own: ``task(*args)`` for each tuple, in order."""
    with ReplicationPool(min(workers, max(len(arguments), 1)), dask) as pool:
        return pool.run(task, arguments, progress)
