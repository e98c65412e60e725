"""Sweep runner benchmarks: throughput serial vs 2 processes, harness overhead, peak memory for 200 vs
2,000 runs, and this runner against ``mesa.batch_run`` on the same model and runs.

    python benchmarks/bench_sweep.py                  # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_sweep.py throughput       # or: memory, batch_run

Targets: parallel efficiency >= 80% on 2 processes for a 200-run sweep; harness overhead <= 5% of
the summed model run time; peak memory for 2,000 runs within 10% of that for 200; ``mesa.batch_run``
/ this runner >= 4 (not reached: see docs/performance.md). Nothing is asserted: the
script prints what it measured. See also ``bench_engines.py`` (today's engine against the commit
before the fused kernel), ``bench_ensemble.py``, ``bench_sobol.py`` and ``bench_scaling.py``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pyarrow

from model.calibration.spec import load_spec
from model.experiment import sweep
from model.processes import ARROW_POOL, fewer_young_collections
from model.scenario import SCENARIO_DIR, load_scenario
from model.simulation import ControlRegimeModel

BASE = SCENARIO_DIR / "unilateral_us.toml"
ENFORCEMENT = "policies.national[USA].enforcement"


def two_hundred_runs(executor, horizon: int = 40) -> tuple[float, pd.DataFrame]:
    """9 enforcement levels x 20 replicates, paired with one shared baseline: 180 + 20 = 200 runs."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        runs = sweep(BASE, {ENFORCEMENT: [0.1 * k for k in range(1, 10)]}, replications=20, executor=executor,
                     out=Path(folder) / "bench", progress=False, scenario={"horizon": horizon})
        wall = time.perf_counter() - start
        baselines = pd.read_parquet(Path(folder) / "bench" / "baselines.parquet")
    return wall, pd.concat([runs[["seconds"]], baselines[["seconds"]]])


def throughput() -> None:
    serial, timed = two_hundred_runs("serial")
    parallel, pooled = two_hundred_runs(2)
    print(f"200-run sweep (40 steps, default world): serial {serial:.1f} s ({200 / serial:.2f} runs/s), "
          f"2 processes {parallel:.1f} s ({200 / parallel:.2f} runs/s)")
    print(f"  parallel efficiency on 2 processes: {serial / parallel / 2:.0%}  (target >= 80%); workers busy "
          f"{pooled['seconds'].sum() / parallel / 2:.0%} of the time (summed run time / (2 x wall))")
    summed = timed["seconds"].sum()
    print(f"  harness overhead (serial wall - summed run time) / summed run time: "
          f"{(serial - summed) / summed:.1%}  (target <= 5%; includes checking every point and writing "
          "tables)")


def memory_child(runs: int, horizon: int, traced: int = 0, distinct: int = 0, command_line: int = 0) -> None:
    """One serial sweep of ``runs`` unpaired runs (10 points; with ``distinct`` as many points as runs,
    a Latin hypercube over the calibrated parameters); prints the process's peak resident memory (MB),
    or with ``traced`` the peak of what Python and NumPy hold (``tracemalloc``). With ``command_line``
    the collector's thresholds are the command line's (``model.processes.fewer_young_collections``)."""
    if command_line:
        fewer_young_collections()
    if traced:
        tracemalloc.start()
    if distinct:
        params = {f.key: (f.low, f.high) for f in load_spec().free}
        design = {"design": "lhs", "samples": runs, "replications": 1, "seed": 1}
    else:
        params, design = {ENFORCEMENT: [0.1 * k for k in range(1, 11)]}, {"replications": runs // 10}
    with tempfile.TemporaryDirectory() as folder:
        sweep(BASE, params, paired=False, progress=False, out=Path(folder) / "bench", executor="serial",
              scenario={"horizon": horizon}, **design)
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024
    print(peak)


def memory(horizon: int = 8) -> None:
    """Peak resident memory of serial sweeps of 200, 2,000 and 5,000 runs with Arrow on the C
    allocator, of 200, 500, 2,000 and 5,000 runs with Arrow's default allocator, of 200 and 2,000
    runs each of a new parameter set (the process keeps the run setups and worlds it used last,
    ``model.simulation.model.SETUPS_KEPT`` and ``WORLDS_KEPT``), and peak traced memory of 200 and
    2,000 runs, each in a fresh process. Resident memory also holds the interpreter, the libraries and allocators' free blocks:
    Arrow's default allocator keeps memory per thread once larger Parquet tables have been written
    and read, which grows with the tables; the command line runs Arrow on the C allocator
    (``model.processes.arrow_on_c_allocator``), as a script does with
    ``ARROW_DEFAULT_MEMORY_POOL=system``, and collects young objects less often
    (``model.processes.fewer_young_collections``), as the C-allocator sweeps here do. Traced memory
    is what Python and NumPy hold."""
    arrow = pyarrow.default_memory_pool().backend_name
    for traced, distinct, pool, what, sizes in (
        (0, 0, ARROW_POOL, "peak resident memory (Arrow on the C allocator, as the command line runs it)",
         (200, 2000, 5000)),
        (0, 0, arrow, f"peak resident memory (Arrow's default {arrow} allocator, a script's default)",
         (200, 500, 2000, 5000)),
        (0, 1, ARROW_POOL, "peak resident memory, every run a new parameter set (C allocator)", (200, 2000)),
        (1, 0, None, "peak traced memory (Python and NumPy, tracemalloc)", (200, 2000)),
    ):
        env = os.environ | ({"ARROW_DEFAULT_MEMORY_POOL": pool} if pool else {})
        peaks = {}
        for runs in sizes:
            start = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "memory-child", str(runs), str(horizon), str(traced),
                                  str(distinct), str(int(pool == ARROW_POOL))],
                                 capture_output=True, text=True, check=True, env=env)
            peaks[runs] = float(out.stdout.strip().splitlines()[-1])
            print(f"{what}, serial sweep of {runs} runs ({horizon} steps each, fresh process): "
                  f"{peaks[runs]:.0f} MB ({time.perf_counter() - start:.0f} s)")
        print(f"  2,000 vs 200 runs: {peaks[2000] / peaks[200] - 1:+.1%}  (target within 10%)"
              + (f"; 2,000 vs 500 runs: {peaks[2000] / peaks[500] - 1:+.1%}" if 500 in peaks else "")
              + (f"; 5,000 vs 2,000 runs: {peaks[5000] / peaks[2000] - 1:+.1%}" if 5000 in peaks else ""))


def batch_run(runs: int = 40, processes: int = 2, repeats: int = 3) -> None:
    """The same unpaired runs (``runs`` seeds of unilateral_us, default horizon) through this runner and
    through ``mesa.batch_run`` (end-of-run data only), alternately, best of ``repeats`` each."""
    scenario = load_scenario(BASE)
    kwargs = scenario.model_kwargs()
    enforcement = kwargs["policies"].national[0].enforcement

    def mesa_batch(workers: int, collect_agents: bool) -> None:
        mesa.batch_run(ControlRegimeModel, parameters={**{k: [v] for k, v in kwargs.items()},
                                                       "collect_agents": collect_agents},
                       iterations=runs, max_steps=scenario.horizon, number_processes=workers,
                       data_collection_period=-1, display_progress=False)

    def ours(workers: int) -> None:
        with tempfile.TemporaryDirectory() as folder:
            sweep(scenario, {ENFORCEMENT: [enforcement]}, replications=runs, paired=False, progress=False,
                  executor="serial" if workers == 1 else workers, out=Path(folder) / "bench")

    for workers in (1, processes):
        best = {"ours": np.inf, "batch_run": np.inf, "batch_run, agents": np.inf}
        for _ in range(repeats):
            for name, call, args in (("ours", ours, (workers,)), ("batch_run", mesa_batch, (workers, False)),
                                     ("batch_run, agents", mesa_batch, (workers, True))):
                start = time.perf_counter()
                call(*args)
                best[name] = min(best[name], time.perf_counter() - start)
        mine, plain, agents = best["ours"], best["batch_run"], best["batch_run, agents"]
        print(f"{runs} runs x {scenario.horizon} steps, {workers} process(es), best of {repeats}: "
              f"this runner {mine:.1f} s; mesa.batch_run {plain:.1f} s with collect_agents=False "
              f"(batch_run / ours = {plain / mine:.2f}), {agents:.1f} s with the model's default agent "
              f"reporters ({agents / mine:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", default="all", choices=["all", "throughput", "memory", "batch_run",
                                                                   "memory-child"])
    parser.add_argument("args", nargs="*", type=int)
    args = parser.parse_args()
    if args.part == "memory-child":
        memory_child(*args.args)
        return
    for name, part in (("throughput", throughput), ("memory", memory), ("batch_run", batch_run)):
        if args.part in ("all", name):
            part()
            load = os.getloadavg()[0]
            print(f"  (load average of the machine afterwards: {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
