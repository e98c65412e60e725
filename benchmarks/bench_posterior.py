"""How fast are the calibration's posterior and the headline across it? Measured side by side in one run.

    python benchmarks/bench_posterior.py [--simulations 40] [--draws 4]

Targets (issue 27): the posterior from at least 20,000 simulations in at most 20 minutes on 2 cores,
and ``python run.py`` with the posterior headline in at most 60 seconds on 2 cores.

1. **One ABC simulation** (a baseline run of the calibration's horizon at a parameter set drawn from
   the prior, measured against every target), serially in this process: wall time and CPU time per
   simulation. On a shared machine the CPU time is the better estimate of what an idle core does.
2. **pyabc's overhead**: a small ABC-SMC run on 2 local processes; its simulations' CPU time
   against its wall time times 2 (the share of two cores' time that went into simulations).
3. **The headline**: the paired comparison at the calibrated point (the seed-only column) and
   ``--draws`` posterior draws, each on 2 local processes, wall time per run.

The extrapolations assume perfect scaling over 2 cores and are printed with the formula used.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model.calibration import load_spec
from model.calibration.headline import Posterior, posterior_runs
from model.calibration.posterior import run_abc, simulator
from model.experiment import compare
from model.scenario import SCENARIO_DIR, load_scenario

HEADLINE = ("baseline", "unilateral_us", "unilateral_us_extraterritorial", "echri_coalition", "wassenaar",
            "global_with_china")


def simulation_rate(n: int) -> tuple[float, float]:
    """Wall and CPU seconds per ABC simulation, serially, at prior draws."""
    spec = load_spec()
    sim = simulator(spec, load_scenario(SCENARIO_DIR / "baseline.toml"))
    rng = np.random.default_rng(0)
    draws = [{f.key: rng.uniform() for f in spec.free} for _ in range(n + 1)]  # positions in the ranges
    sim(draws[0])  # the first builds what every later run shares
    wall, cpu = time.perf_counter(), time.process_time()
    failed = sum(not np.isfinite(list(sim(d).values())).all() for d in draws[1:])
    if failed:
        raise RuntimeError(f"{failed} of {n} simulations failed: the rate would not be a simulation's")
    return (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n


def abc_overhead(per_simulation_cpu: float) -> tuple[int, float, float]:
    """A small ABC-SMC run on 2 processes: simulations, wall seconds, and the share of 2 cores' time
    its simulations would take at ``per_simulation_cpu``."""
    spec = load_spec()
    small = spec.model_copy(update={"settings": spec.settings.model_copy(
        update={"population": 30, "simulations": 120, "generations": 3})})
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        history = run_abc(small, load_scenario(SCENARIO_DIR / "baseline.toml"), out=Path(folder), seed=1,
                          executor=2, progress=False)
        wall = time.perf_counter() - start
        simulations = int(history.total_nr_simulations)
    return simulations, wall, simulations * per_simulation_cpu / (2 * wall)


def headline(draws: int, replications: int) -> tuple[float, float]:
    """Wall seconds per run: the comparison at the calibrated point, and the posterior draws."""
    scenarios = [load_scenario(SCENARIO_DIR / f"{name}.toml") for name in HEADLINE]
    start = time.perf_counter()
    compare(scenarios, replications=replications, executor=2, progress=False)
    point = (time.perf_counter() - start) / (replications * len(scenarios))
    spec = load_spec()
    rng = np.random.default_rng(0)
    sample = pd.DataFrame({f.key: rng.uniform(f.low, f.high, 50) for f in spec.free}).assign(weight=1 / 50)
    start = time.perf_counter()
    posterior_runs(scenarios, Posterior(sample), draws=draws, seed=1, executor=2)
    return point, (time.perf_counter() - start) / (draws * len(scenarios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=40)
    parser.add_argument("--draws", type=int, default=4)
    parser.add_argument("--replications", type=int, default=4)
    args = parser.parse_args()

    wall, cpu = simulation_rate(args.simulations)
    print(f"1. ABC simulation, serial, {args.simulations} prior draws: {wall:.3f} s wall, {cpu:.3f} s CPU each "
          f"(wall / CPU {wall / cpu:.2f}: above 1, the machine is shared)")
    print(f"   20,000 simulations on 2 cores at the CPU time: 20000 x {cpu:.3f} / 2 = {20000 * cpu / 2 / 60:.1f} min "
          f"(target 20); at the wall time: {20000 * wall / 2 / 60:.1f} min")
    simulations, abc_wall, share = abc_overhead(cpu)
    print(f"2. ABC-SMC on 2 processes: {simulations} simulations in {abc_wall:.1f} s; simulations take {share:.0%} of "
          "two cores' time at the serial CPU time (the rest: pyabc, process start-up, and other users)")
    point, drawn = headline(args.draws, args.replications)
    runs = 20 * len(HEADLINE) + 30 * len(HEADLINE)
    print(f"3. Headline on 2 processes: {point:.3f} s a run at the calibrated point, {drawn:.3f} s a run at posterior "
          f"draws (ratio {drawn / point:.2f}); the default (20 replications and 30 draws, {runs} runs) takes about "
          f"20 x 6 x {point:.3f} + 30 x 6 x {drawn:.3f} = {120 * point + 180 * drawn:.0f} s (target 60)")


if __name__ == "__main__":
    main()
