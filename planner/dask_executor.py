"""Replications on a Dask cluster, for sweeps and plans that outgrow one machine.

The same contract as the local executors (planner/runner.py): ``task(*args)``
for each tuple, results in the order of the arguments, whatever worker ran
them, so a plan or comparison gives the same files on any executor. Each
replication is a pure function of its arguments (its random streams are keyed
by seed and replication number), so where it runs cannot change it.

``address`` is a running scheduler (``tcp://host:8786``, started with
``dask scheduler`` and ``dask worker`` on the machines), or ``local`` for a
``LocalCluster`` of ``workers`` single-threaded processes on this machine.
Dask is imported only when it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CONNECT_TIMEOUT = "10s"


class DaskUnavailable(ValueError):
    """The --dask scheduler cannot be reached (bad input: exit 2 in the CLI)."""


class DaskBatches:
    """Tasks on one Dask client, opened on first use and closed with ``close``; the
    runner submits to it as to a local process pool and gathers in order."""

    def __init__(self, address: str, workers: int) -> None:
        self.address = address
        self.workers = max(1, workers)
        self._client: Any = None
        self._cluster: Any = None

    def submit(self, task: Callable[..., Any], *args: Any):
        """A future of ``task(*args)`` (``.result()`` as a local future has)."""
        # pure=False: two replications with equal arguments are still two runs.
        return self._connect().submit(task, *args, pure=False)

    def _connect(self):
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.address == "local":
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
            else:
                try:
                    self._client = Client(self.address, timeout=CONNECT_TIMEOUT)
                except (OSError, TimeoutError, ValueError) as exc:
                    raise DaskUnavailable(f"--dask: cannot reach a Dask scheduler at "
                                          f"'{self.address}' ({type(exc).__name__})") from None
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
