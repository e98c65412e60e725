"""Wall time of one default-world run (all countries, all vendors, 40 steps), steps per second,
and the share of the time spent in the market kernel.

    python benchmarks/bench_run.py [--repeats 5] [--policies wassenaar]

The market kernel is access resolution (``resolve_access``) and procurement (``procure``), which
works out everything the step reads from the option table: both allocations and the derived arrays
(acquisitions by route, blocked, leaked, denied share, totals), so nothing of the kernel is computed
later, outside the timed calls. Its compiled passes (:mod:`model.market.compiled`) are shown apart.

Compact per-layer option tables (issue 26, item 3) were measured and not built. On 6 Dec 2026
(py-spy, the serial Sobol workload of ``bench_throughput.py``, shared machine) the compiled passes
were about a quarter of a run's CPU (split 11%, weigh 6%, appeal 6%, NumPy's power 2%) after split
learnt to skip closed options' zeros (1.4x on that pass). A compact table skips the closed cells
(70% of the table) in the other passes too: the issue's prototype ran the kernel's array functions
1.51x faster, at most about 8% of a run. Every reader of the ``[C, L, O]`` layout (vendor revenue,
acquisitions by item, the flow table, the observables, the reference tests) would change, and each
row's sum would have to keep NumPy's pairwise lanes of the full row to stay bit for bit: not worth
it against what else a run spends.
"""

from __future__ import annotations

import argparse
import statistics
import time

import model.market.compiled as compiled
import model.simulation.model as simulation
from model import ControlRegimeModel


class Timed:
    """Wraps a function and adds up the wall time spent in it."""

    def __init__(self, func):
        self.func, self.seconds = func, 0.0

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.func(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--policies", default="wassenaar", help="a ready-made regime (default: wassenaar)")
    args = parser.parse_args()

    ControlRegimeModel(rng=0, policies=args.policies, horizon=args.steps).run()  # warm caches
    procure, access = Timed(simulation.procure), Timed(simulation.resolve_access)
    simulation.procure, simulation.resolve_access = procure, access
    passes = {name: Timed(getattr(compiled, name)) for name in ("appeal", "weigh", "split")}
    for name, timed in passes.items():
        setattr(compiled, name, timed)
    walls = []
    for seed in range(args.repeats):
        start = time.perf_counter()
        ControlRegimeModel(rng=seed, policies=args.policies, horizon=args.steps).run()
        walls.append(time.perf_counter() - start)
    total = sum(walls)
    print(f"default world, policies={args.policies}, {args.steps} steps, {args.repeats} runs (agents collected)")
    print(f"  wall time per run   : {statistics.median(walls):.3f} s (median; min {min(walls):.3f} s)")
    print(f"  steps per second    : {args.steps / statistics.median(walls):.1f}")
    print(f"  share in the market kernel: {(procure.seconds + access.seconds) / total:.0%} "
          f"(procurement {procure.seconds / total:.0%}, of which the compiled passes "
          f"{sum(t.seconds for t in passes.values()) / total:.0%}; access {access.seconds / total:.0%})")


if __name__ == "__main__":
    main()
