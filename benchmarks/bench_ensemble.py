"""Ensembles against single runs, measured side by side in one run of this script.

    python benchmarks/bench_ensemble.py [--runs 20] [--rounds 3]

1. In one process: ``--runs`` replicates of ``unilateral_us`` (40 steps) as single runs, each
   starting from cold process caches as a run in a fresh process would (world, route tables, policy
   schedule, opening allocation built again), against the same runs as one ensemble
   (:func:`model.experiment.run_ensemble`, which shares them).
2. Through 2 worker processes: twice as many runs sent one per job against ensembles of
   ``ENSEMBLE_RUNS`` per job (what :func:`model.experiment.execute` does).
3. In one process, from cold caches: an ensemble of ``--runs`` runs each with its own
   ``price_sensitivity`` (the points of a sweep over behavioural parameters: they share the world and
   the settled policy schedule, and each builds its opening allocation) against ``--runs`` replicates
   of one parameter set.

Best of ``--rounds`` alternating rounds each (CPU time in one process, wall time on 2 processes). The records are the same either way (checked here
for the first case; ``tests/test_ensemble.py`` checks a random sample).
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd

from model.experiment import RunSpec, execute, executors, replicate_seeds, run_ensemble, run_one
from model.scenario import SCENARIO_DIR, load_scenario
from model.simulation import clear_process_caches


def specs(n: int) -> list[RunSpec]:
    kwargs = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_kwargs()
    return [RunSpec(f"r{k}", "unilateral_us", "policy", k, seed, kwargs)
            for k, seed in enumerate(replicate_seeds(12, n))]


def behavioural_points(n: int) -> list[RunSpec]:
    """``n`` runs of ``unilateral_us``, each with its own ``price_sensitivity`` (3 to 5)."""
    kwargs = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_kwargs()
    points = [kwargs | {"parameters": kwargs["parameters"].model_copy(update={"price_sensitivity": 3.0 + 2.0 * k / n})}
              for k in range(n)]
    return [RunSpec(f"p{k}", "unilateral_us", "policy", k, 12, point) for k, point in enumerate(points)]


def cold_ensemble(batch: list[RunSpec]) -> None:
    clear_process_caches()
    run_ensemble(batch)


def singly(batch: list[RunSpec]) -> list:
    records = []
    for spec in batch:
        clear_process_caches()
        records.append(run_one(spec))
    return records


def pooled(batch: list[RunSpec], per_job: int) -> None:
    saved, executors.ENSEMBLE_RUNS = executors.ENSEMBLE_RUNS, per_job
    try:
        list(execute(batch, 2))
    finally:
        executors.ENSEMBLE_RUNS = saved


def best_of(rounds: int, calls: dict, clock=time.perf_counter) -> dict[str, float]:
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, call in calls.items():
            start = clock()
            call()
            best[name] = min(best[name], clock() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    batch = specs(args.runs)
    for a, b in zip(singly(batch), run_ensemble(batch)):
        pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    best = best_of(args.rounds, {"single": lambda: singly(batch), "ensemble": lambda: run_ensemble(batch)},
                   clock=time.process_time)
    print(f"{args.runs} runs of unilateral_us (40 steps) in one process, CPU time: single runs (cold caches) "
          f"{best['single']:.2f} s, one ensemble {best['ensemble']:.2f} s: "
          f"{best['single'] / best['ensemble']:.2f}x")
    twice = specs(2 * args.runs)
    per_job = executors.ENSEMBLE_RUNS
    best = best_of(args.rounds, {"single": lambda: pooled(twice, 1), "ensemble": lambda: pooled(twice, per_job)})
    print(f"{2 * args.runs} runs on 2 processes: one run per job {best['single']:.2f} s, ensembles of {per_job} "
          f"{best['ensemble']:.2f} s: {best['single'] / best['ensemble']:.2f}x")
    points = behavioural_points(args.runs)
    best = best_of(args.rounds, {"replicates": lambda: cold_ensemble(batch), "points": lambda: cold_ensemble(points)},
                   clock=time.process_time)
    extra = (best["points"] - best["replicates"]) / args.runs
    print(f"{args.runs} runs in one process from cold caches, CPU time: replicates of one parameter set "
          f"{best['replicates']:.2f} s, each run a new behavioural parameter set {best['points']:.2f} s: "
          f"{extra * 1e3:+.1f} ms per run ({best['points'] / best['replicates'] - 1:+.1%})")
    print(f"  (load average of the machine afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
