"""Wall time of a paired Sobol sweep over the calibrated parameters (``model/data/calibration.toml``).

    python benchmarks/bench_sobol.py                      # N = 256: 256 x (k + 2) points for k parameters
    python benchmarks/bench_sobol.py --samples 8          # a quick measure, extrapolated to N = 256

Every point runs the ``unilateral_us`` scenario (40 steps, one replicate) and its own baseline
(common random numbers); with the k = 20 calibrated parameters N = 256 makes 5,632 points and
11,264 runs (12 parameters would make 7,168). With ``--samples`` below 256 the script also
prints the time N = 256 would take at the measured rate (runs per second), marked as an
extrapolation. Target: N = 256 within 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from model import sweep
from model.calibration.spec import load_spec
from model.scenario import SCENARIO_DIR

FULL = 256


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=FULL, help="Sobol base samples N (a power of 2)")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    free = load_spec().free
    params = {f.key: (f.low, f.high) for f in free}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        runs = sweep(SCENARIO_DIR / "unilateral_us.toml", params, design="sobol", samples=args.samples,
                     replications=1, executor=args.processes, out=Path(folder) / "sobol", progress=False,
                     record_every=40)
        wall = time.perf_counter() - start
    n_runs = 2 * len(runs)  # every point and its baseline
    failed = int(runs["error"].notna().sum())
    print(f"Sobol sweep, N = {args.samples} over {len(free)} calibrated parameters: {len(runs)} points, "
          f"{n_runs} runs (paired) on {args.processes} processes: {wall:.0f} s ({n_runs / wall:.1f} runs/s, "
          f"{failed} failed)")
    if args.samples < FULL:
        full_runs = n_runs * FULL // args.samples
        print(f"  extrapolated to N = {FULL} ({full_runs} runs) at this rate: {full_runs / (n_runs / wall) / 60:.0f} "
              "minutes (target <= 15)")
    print(f"  (load average of the machine afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
