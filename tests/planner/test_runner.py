"""planner.runner: the serial and process executors give the same results, in order."""

from __future__ import annotations

import math
import os

from planner.runner import ReplicationPool, run_replications

ARGUMENTS = [(float(k), 3.0) for k in range(6)]


def test_process_pool_matches_serial_in_order():
    serial = run_replications(math.hypot, ARGUMENTS, workers=1)
    assert serial == [math.hypot(k, 3.0) for k in range(6)]
    assert run_replications(math.hypot, ARGUMENTS, workers=2) == serial


def test_one_pool_serves_several_batches_with_the_same_workers():
    ticks = []
    with ReplicationPool(2) as pool:
        first = pool.run(os.getpid, [()] * 4)
        second = pool.run(os.getpid, [()] * 4, lambda done, total: ticks.append((done, total)))
        assert pool.run(math.hypot, ARGUMENTS) == [math.hypot(k, 3.0) for k in range(6)]
    assert os.getpid() not in first
    assert len(set(first) | set(second)) <= 2      # no new processes for the second batch
    assert ticks == [(k, 4) for k in range(1, 5)]

