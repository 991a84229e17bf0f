"""sim_mmn in Ciw: M/M/90, 1,000 calls/h, AHT 300 s, about N calls (default 1,000,000).

Run by hand in a temporary virtualenv (see benches/peers/README.md):
    python benches/peers/sim_mmn_ciw.py [N]
Time unit: seconds. The run length is N / rate, so the number of calls is Poisson(N).
"""
import sys
import time

import ciw

RATE_PER_S = 1000 / 3600
AHT_S = 300.0
AGENTS = 90
TARGET_S = 20.0


def main(n_calls: int) -> None:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE_PER_S)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT_S)],
        number_of_servers=[AGENTS],
    )
    ciw.seed(1)
    sim = ciw.Simulation(network)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    sim.simulate_until_max_time(n_calls / RATE_PER_S)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    recs = sim.get_all_records()
    n = len(recs)
    waits = [r.waiting_time for r in recs]
    print(
        f"ciw: {n} calls in {wall:.1f} s wall ({n / wall:,.0f} calls/s), "
        f"{cpu:.1f} s CPU ({n / cpu:,.0f} calls/s per core); "
        f"P(wait) {sum(w > 0 for w in waits) / n:.4f}, "
        f"SL {sum(w <= TARGET_S for w in waits) / n:.4f}, ASA {sum(waits) / n:.2f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
