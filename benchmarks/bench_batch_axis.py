"""Would a leading batch axis across replicates pay? Two measurements, side by side in one run.

    python benchmarks/bench_batch_axis.py [--replicates 1 4 16 64] [--repeats 30]

A batch axis (R replicates stacked along a leading axis of every array, one pass per step) saves the
per-step cost that does not grow with the arrays: the interpreter's calls and numpy's per-call
overhead. It pays with arrays R times larger.

1. **The fixed cost of a step.** The time per step of a 40-step run (Wassenaar-like regime) in the
   default world and in smaller worlds with the same vendors and hubs and fewer buyers (every k-th
   other country), fitted by a line in the number of countries. The intercept is the per-step cost a
   batch axis could share at best; ``full / (full - intercept)`` is the largest speed-up it could give,
   with no cost for larger arrays.
2. **The cost of larger arrays.** The kernel's definitions in NumPy, which broadcast over leading
   axes (:func:`model.market.choice.attraction`, :func:`model.market.choice.purchase` twice, as with
   controls and the free counterfactual, and the sums by route tag), on a real step's option table
   ``[C, L, O]``: R replicates stacked against the same work done R times. The ratio is the time per
   replicate stacked over alone; below 1 stacking pays. It is measured twice, each in a fresh
   process: with glibc's allocator as it comes, and with its thresholds fixed
   (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``), with the minor page faults of each.

   As it comes, glibc maps every temporary above its mmap threshold afresh from the operating system
   and returns it on free (or trims the heap top), so each pass over stacked arrays of a few MB
   faults its pages in anew, which the page-fault counts show; with the thresholds fixed the faults
   fall about thirtyfold (docs/performance.md). The slowdown of stacked arrays is mostly the
   allocator's, not the processor's caches; the conclusion stands either way: stacking does not pay
   (part 1 bounds the gain; part 2 shows no saving per replicate). The model itself no longer makes these passes in NumPy: they are compiled
   (:mod:`model.market.compiled`), so part 1 is the bound that matters.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

from model import ControlRegimeModel, data
from model.market.choice import attraction, purchase
from model.vocabulary import ROUTES
from model.world import build_world

HORIZON = 40
FIXED_ALLOCATOR = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}
"""glibc's thresholds fixed: large blocks stay in the heap instead of being mapped afresh each time."""


def buyer_subset(every: int):
    """The default world with every vendor and hub and every ``every``-th other country."""
    countries, vendors, hubs = data.countries(), data.vendors(), data.hubs()
    kept = set(vendors["home_iso3"]) | set(hubs["iso3"])
    others = [c for c in countries["iso3"] if c not in kept][::every]
    table = countries[countries["iso3"].isin(kept | set(others))].reset_index(drop=True)
    return build_world(countries=table, vendors=vendors, hubs=hubs)


def seconds_per_step(world, runs: int) -> float:
    ControlRegimeModel(world=world, policies="wassenaar", rng=0, collect_agents=False).run()  # warm caches
    times = []
    for seed in range(1, runs + 1):
        start = time.perf_counter()
        ControlRegimeModel(world=world, policies="wassenaar", rng=seed, collect_agents=False).run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / HORIZON


def fixed_cost(runs: int) -> None:
    print("1. time per step against the number of buyers (same 28 vendors and hubs):")
    sizes, steps = [], []
    for every in (1, 2, 4, 8, 10_000):
        world = buyer_subset(every)
        step = seconds_per_step(world, runs)
        sizes.append(world.n_countries)
        steps.append(step)
        print(f"  {world.n_countries:3d} countries: {step * 1e3:.2f} ms per step")
    slope, intercept = np.polyfit(sizes, steps, 1)
    full = steps[0]
    print(f"  fitted: {intercept * 1e3:.2f} ms per step + {slope * 1e6:.1f} us per country; the fixed part is "
          f"{intercept / full:.0%} of the default world's step, so a batch axis could make runs at most "
          f"{full / (full - intercept):.2f}x faster")


def step_arrays(replicates: int) -> tuple:
    """``(price, appeal, budget, tag, b_p)`` of one step, ``[R, C, L, O]`` (budget ``[R, C, L]``), each
    replicate with its own attractions and budgets (as its random streams would give)."""
    model = ControlRegimeModel(policies="wassenaar", rng=1, collect_agents=False).run(10)
    result = model.procurement
    open_ = result.actual.spend > 0
    rng = np.random.default_rng(0)
    appeal = np.where(open_, rng.lognormal(0.0, 0.1, (replicates, *open_.shape)), 0.0)
    price = np.where(open_, rng.uniform(0.5, 2.0, open_.shape), np.inf)[None].repeat(replicates, 0)
    budget = model.budget[None] * rng.lognormal(0.0, 0.1, (replicates, *model.budget.shape))
    tag = np.broadcast_to(result.actual.tag, price.shape).copy()
    return price, appeal, budget, tag, model.params.price_sensitivity


def kernel_passes(price, appeal, budget, tag, b_p) -> None:
    weight = attraction(price, appeal, b_p)
    for _ in range(2):  # with controls, and the free counterfactual
        _, acquired = purchase(budget, weight, b_p)
    rows = acquired.size // acquired.shape[-1]  # sums by route tag, [..., C, L, K]
    cell = np.arange(rows)[:, None] * len(ROUTES) + tag.reshape(rows, -1)
    np.bincount(cell.ravel(), weights=acquired.ravel(), minlength=rows * len(ROUTES))


def each(replicates: list[tuple]) -> None:
    for arrays in replicates:
        kernel_passes(*arrays)


def best_of(repeats: int, call) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def larger_arrays(replicates: list[int], repeats: int) -> None:
    """Part 2 in this process, with its allocator as the environment set it."""
    for r in replicates:
        price, appeal, budget, tag, b_p = step_arrays(r)
        stacked_arrays = (price, appeal, budget, tag, b_p)
        alone = [(price[k], appeal[k], budget[k], tag[k], b_p) for k in range(r)]
        before = faults()
        single = best_of(repeats, functools.partial(each, alone)) / r
        between = faults()
        stacked = best_of(repeats, functools.partial(kernel_passes, *stacked_arrays)) / r
        print(f"  R = {r:3d}: alone {single * 1e3:.3f} ms, stacked {stacked * 1e3:.3f} ms "
              f"(stacked / alone = {stacked / single:.2f}); minor page faults alone {between - before:,}, "
              f"stacked {faults() - between:,}", flush=True)


def larger_arrays_both(replicates: list[int], repeats: int) -> None:
    """Part 2 in a fresh process with glibc's allocator as it comes, then with its thresholds fixed."""
    print(f"2. the kernel's array passes (NumPy) of one step, per replicate (best of {repeats}):")
    for label, extra in (("glibc's allocator as it comes", {}), ("thresholds fixed", FIXED_ALLOCATOR)):
        print(f" {label}:", flush=True)
        env = {k: v for k, v in os.environ.items() if k not in FIXED_ALLOCATOR} | extra
        subprocess.run([sys.executable, __file__, "--part", "2", "--repeats", str(repeats), "--replicates",
                        *map(str, replicates)], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5, help="runs per world size in part 1")
    parser.add_argument("--part", type=int, choices=[1, 2], help="only this part (2: in this process)")
    args = parser.parse_args()
    if args.part == 2:
        larger_arrays(args.replicates, args.repeats)
        return
    fixed_cost(args.runs)
    if args.part is None:
        larger_arrays_both(args.replicates, args.repeats)


if __name__ == "__main__":
    main()
