"""Peer models of the benchmark queue, run in the same process as supportsim."""

from __future__ import annotations

from bench.minimal_simpy import run_minimal_simpy

__all__ = ["run_ciw", "run_minimal_simpy"]


def run_ciw(customers: int, agents: int, arrival_rate: float, aht_seconds: float,
            patience_seconds: float, seed: int = 1) -> dict[str, float]:
    """Ciw's M/M/c+M (reneging) for the time ``customers`` arrivals take on average."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(arrival_rate)],
        service_distributions=[ciw.dists.Exponential(1.0 / aht_seconds)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(1.0 / patience_seconds)],
    )
    ciw.seed(seed)  # Ciw keeps its random state in module globals
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(customers / arrival_rate)
    records = simulation.get_all_records()
    return {"customers": len(records),  # one record per service or renege
            "answered": sum(1 for r in records if r.record_type == "service")}
