"""sim_mmn in SimPy: M/M/90, 1,000 calls/h, AHT 300 s, N calls (default 1,000,000).

Run by hand in a temporary virtualenv (see benches/peers/README.md):
    python benches/peers/sim_mmn_simpy.py [N]
Prints calls/s and the measured P(wait), SL (20 s) and ASA so the run can be checked
against Erlang C (P(wait) 0.3673, SL 0.7645, ASA 16.53 s).
"""
import random
import sys
import time

import simpy

RATE_PER_S = 1000 / 3600
AHT_S = 300.0
AGENTS = 90
TARGET_S = 20.0


def main(n_calls: int) -> None:
    rng = random.Random(1)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    stats = {"calls": 0, "waited": 0, "within": 0, "wait_sum": 0.0}

    def call(env):
        arrive = env.now
        with agents.request() as req:
            yield req
            wait = env.now - arrive
            stats["waited"] += wait > 0
            stats["within"] += wait <= TARGET_S
            stats["wait_sum"] += wait
            yield env.timeout(rng.expovariate(1 / AHT_S))

    def source(env):
        for _ in range(n_calls):
            yield env.timeout(rng.expovariate(RATE_PER_S))
            stats["calls"] += 1
            env.process(call(env))

    env.process(source(env))
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    env.run()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    n = stats["calls"]
    print(
        f"simpy: {n} calls in {wall:.1f} s wall ({n / wall:,.0f} calls/s), "
        f"{cpu:.1f} s CPU ({n / cpu:,.0f} calls/s per core); "
        f"P(wait) {stats['waited'] / n:.4f}, SL {stats['within'] / n:.4f}, "
        f"ASA {stats['wait_sum'] / n:.2f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
