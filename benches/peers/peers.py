"""Times Erlang C staffing solvers on peakplan's bench grid (see run.sh).

Grid: 10,000 offered loads log-spaced from 0.1 to 2,000 Erlangs,
A_i = 0.1 * 20000 ** (i / 9999), AHT 180 s, target 80 % within 20 s, no occupancy cap.
"""

import argparse
import json
import os
import subprocess
import time

AHT = 180.0
T = 20.0
SL = 0.8


def grid():
    return [0.1 * 20000.0 ** (i / 9999.0) for i in range(10000)]


def time_peer(name, solve, loads):
    answers = []
    start, cpu_start = time.perf_counter(), time.thread_time()
    for a in loads:
        answers.append(solve(a))
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
    return name, elapsed / len(loads), cpu / len(loads), answers


def peers():
    out = []
    try:
        from pyworkforce.queuing import ErlangC

        def pyworkforce_solve(a):
            # transactions per interval so that intensity = transactions / interval * aht = a
            e = ErlangC(transactions=a * 1800.0 / AHT, aht=AHT, asa=T, interval=1800.0)
            return e.required_positions(service_level=SL, max_occupancy=1.0)["raw_positions"]

        out.append(("pyworkforce", pyworkforce_solve))
    except ImportError:
        print("pyworkforce not installed; skipped")
    try:
        from call_center_tools import TimeUnit, calc_staffing

        def cct_solve(a):
            r = calc_staffing(
                calls_per_hour=a * 3600.0 / AHT,
                aht=AHT,
                max_occupancy=1.0,
                target_answer_time=T,
                target_service_level=SL,
                time_unit=TimeUnit.SEC,
            )
            return r.agents

        out.append(("call-center-tools", cct_solve))
    except ImportError:
        print("call-center-tools not installed; skipped")
    return out


def peakplan_batch(binary, loads, workdir):
    path = os.path.join(workdir, "grid.csv")
    with open(path, "w") as f:
        f.write("calls,interval_s,aht_s,target_s,target_sl\n")
        for a in loads:
            f.write(f"{a * 1800.0 / AHT!r},1800,{AHT},{T},{SL}\n")
    start = time.perf_counter()
    res = subprocess.run(
        [binary, "erlang", "--batch", path, "--format", "csv"],
        check=True, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    lines = res.stdout.strip().split("\n")
    header = lines[0].split(",")
    col = header.index("required_agents")
    answers = [int(line.split(",")[col]) for line in lines[1:]]
    return elapsed / len(loads), answers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peakplan", required=True)
    ap.add_argument("--criterion", help="criterion estimates.json of the wall-clock group")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--every", type=int, default=1, help="time every k-th case only")
    args = ap.parse_args()

    loads = grid()
    batch_s, pp_answers = peakplan_batch(args.peakplan, loads, args.workdir)
    def median_per_solve(path):
        if path and os.path.exists(path):
            with open(path) as f:
                return json.load(f)["median"]["point_estimate"] * 1e-9 / len(loads)
        return None

    bench_s = median_per_solve(args.criterion)
    cpu_s = median_per_solve(args.criterion and args.criterion.replace("/erlang/", "/erlang_cpu/"))
    print(f"grid: {len(loads)} cases, loads 0.1..2000 Erlangs (log-spaced), AHT {AHT:.0f} s, "
          f"target {SL:.0%} within {T:.0f} s")
    if bench_s is not None:
        print(f"peakplan (criterion median)       : {bench_s * 1e6:10.3f} µs per solve")
    else:
        print("peakplan (criterion median)       : not found — run `cargo bench --bench erlang` first")
    if cpu_s is not None:
        print(f"peakplan (criterion median, CPU)  : {cpu_s * 1e6:10.3f} µs per solve")
    print(f"peakplan (batch CLI, wall, incl. IO): {batch_s * 1e6:10.3f} µs per solve")
    ref = bench_s if bench_s is not None else batch_s
    sample = list(range(0, len(loads), args.every))
    for name, solve in peers():
        _, per, per_cpu, answers = time_peer(name, solve, [loads[i] for i in sample])
        differ = [(loads[i], a, pp_answers[i]) for i, a in zip(sample, answers) if a != pp_answers[i]]
        print(f"{name:34}: {per * 1e6:10.3f} µs per solve  ({per / ref:,.0f}× peakplan"
              f"{' criterion' if bench_s is not None else ' batch'}; {len(sample)} cases timed)")
        if cpu_s is not None:
            print(f"{'':34}  {per_cpu * 1e6:10.3f} µs CPU per solve   "
                  f"({per_cpu / cpu_s:,.0f}× peakplan CPU)")
        if differ:
            a, theirs, ours = differ[0]
            print(f"  answers differ from peakplan on {len(differ)} of {len(sample)} cases, "
                  f"e.g. A = {a:.4f} Erlangs: {name} {theirs}, peakplan {ours}")
        else:
            print(f"  same required agents as peakplan on all {len(sample)} cases")


if __name__ == "__main__":
    main()
