"""Named random streams, seeded so that adding a stream never shifts the others.

Every stream is a numpy ``Generator`` seeded with
``SeedSequence(seed, spawn_key=(replication, STREAM_ID[name], *key))``.
``STREAM_ID`` is a fixed registry: ids are never reused or renumbered, and
never derived from ``hash()`` (string hashing changes between processes).
Arrivals are keyed by source, channel and day; ticket attributes by source,
channel, day and generation, so the customers of one day do not depend on any
other day's demand or on staffing (common random numbers, DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STREAM_ID: dict[str, int] = {
    "arrivals": 1,
    "arrival_day_level": 2,
    # 3 and 4 (separate uniform and normal attribute streams) are retired.
    "customer_pool": 5,
    # 6 (one agent stream per agent and day) and 7 are retired.
    "attributes": 8,
    "agent_days": 9,
    "follow_up_attributes": 10,
    "qa_agents": 11,        # one proficiency latent per agent
    "qa_reviews": 12,       # sampling and scoring noise, keyed by the ticket's day
    # 101 and up: exports (simulator/enrich.py), far from the engine's ids.
    "enrichment": 101,
    "messiness": 102,
}


@dataclass(frozen=True)
class StreamRegistry:
    """Factory of reproducible generators for one seed and replication."""

    seed: int
    replication: int = 0

    def generator(self, name: str, *key: int) -> np.random.Generator:
        """Return a fresh generator for stream ``name`` and integer ``key``."""
        if name not in STREAM_ID:
            raise KeyError(f"unknown random stream {name!r}")
        spawn_key = (self.replication, STREAM_ID[name], *(int(k) for k in key))
        sequence = np.random.SeedSequence(self.seed, spawn_key=spawn_key)
        return np.random.Generator(np.random.PCG64(sequence))
