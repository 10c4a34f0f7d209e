"""The peer: a minimal SimPy M/M/c+M model, as SimPy's bank_renege example has it.

A process per customer, one ``Resource`` of capacity c, and
``yield request | env.timeout(patience)``; variates drawn in numpy blocks; no
log beyond two counters. supportsim's engine is measured against it.
"""

from __future__ import annotations

import numpy as np
import simpy


def run_minimal_simpy(customers: int, agents: int, arrival_rate: float, aht_seconds: float,
                      patience_seconds: float, seed: int = 1) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / arrival_rate, customers).tolist()
    service = rng.exponential(aht_seconds, customers).tolist()
    patience = rng.exponential(patience_seconds, customers).tolist()
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    counts = {"answered": 0, "abandoned": 0}

    def customer(index: int):
        with desk.request() as request:
            result = yield request | env.timeout(patience[index])
            if request in result:
                counts["answered"] += 1
                yield env.timeout(service[index])
            else:
                counts["abandoned"] += 1

    def source():
        for index in range(customers):
            yield env.timeout(gaps[index])
            env.process(customer(index))

    env.process(source())
    env.run()
    return {"customers": customers, **counts}
