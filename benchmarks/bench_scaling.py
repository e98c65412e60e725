"""How a run's time and memory grow with the world and the horizon.

    python benchmarks/bench_scaling.py [--factors 1 2 4] [--horizons 40 80 160] [--runs 3]

The world is grown by synthetic copies: copy ``k`` of every country, vendor and transit hub is the
original with a new code (``AFG`` -> ``AFG1``), its borders mapped to the same copy. A world ``f``
times larger has ``f`` times the countries, vendors, exporters and hubs. Each measurement runs in a
fresh process (wassenaar regime, agents collected) and prints the median wall time per run, the
time per step, and the process's peak resident memory, with ratios to the smallest case.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = """
import json, resource, statistics, sys, time
sys.path.insert(0, {bench!r})
from bench_scaling import scaled_world
from model import ControlRegimeModel
factor, horizon, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
world = scaled_world(factor)
ControlRegimeModel(world=world, policies="wassenaar", horizon=horizon, rng=0).run()
times = []
for seed in range(1, runs + 1):
    start = time.perf_counter()
    ControlRegimeModel(world=world, policies="wassenaar", horizon=horizon, rng=seed).run()
    times.append(time.perf_counter() - start)
print(json.dumps({{"seconds": statistics.median(times), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "countries": world.n_countries, "vendors": world.n_vendors, "hubs": len(world.hubs)}}))
"""


def scaled_world(factor: int):
    """The default world with ``factor - 1`` synthetic copies of its countries, vendors and hubs."""
    import pandas as pd

    from model import data
    from model.world import build_world

    countries, vendors, hubs = data.countries(), data.vendors(), data.hubs()
    if factor == 1:
        return build_world()

    def code(iso3: str, k: int) -> str:
        return iso3 if k == 0 else f"{iso3}{k}"

    def copies(table: pd.DataFrame, edit) -> pd.DataFrame:
        return pd.concat([edit(table.copy(), k) for k in range(factor)], ignore_index=True)

    def country_copy(table, k):
        table["iso3"] = [code(c, k) for c in table["iso3"]]
        table["name"] = [n if k == 0 else f"{n} {k}" for n in table["name"]]
        table["land_borders"] = [";".join(code(b, k) for b in str(borders).split(";")) if isinstance(borders, str)
                                 else borders for borders in table["land_borders"]]
        return table

    def vendor_copy(table, k):
        table["vendor"] = [v if k == 0 else f"{v} {k}" for v in table["vendor"]]
        table["home_iso3"] = [code(h, k) for h in table["home_iso3"]]
        return table

    def hub_copy(table, k):
        table["iso3"] = [code(h, k) for h in table["iso3"]]
        return table

    return build_world(countries=copies(countries, country_copy), vendors=copies(vendors, vendor_copy),
                       hubs=copies(hubs, hub_copy))


def measure(factor: int, horizon: int, runs: int) -> dict:
    bench = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", CHILD.format(bench=bench), str(factor), str(horizon), str(runs)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--horizons", type=int, nargs="+", default=[40, 80, 160])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = None
    print("world size (horizon 40):")
    for factor in args.factors:
        m = measure(factor, 40, args.runs)
        base = base or m
        print(f"  x{factor}: {m['countries']} countries, {m['vendors']} vendors, {m['hubs']} hubs: "
              f"{m['seconds']:.3f} s per run ({m['seconds'] / base['seconds']:.1f}x), "
              f"{m['seconds'] / 40 * 1000:.1f} ms per step, peak memory {m['peak_mb']:.0f} MB "
              f"({m['peak_mb'] / base['peak_mb']:.2f}x)")
    print("horizon (default world):")
    first = None
    for horizon in args.horizons:
        m = measure(1, horizon, args.runs)
        first = first or (horizon, m)
        print(f"  {horizon} steps: {m['seconds']:.3f} s per run ({m['seconds'] / first[1]['seconds']:.2f}x for "
              f"{horizon / first[0]:.0f}x the steps), peak memory {m['peak_mb']:.0f} MB")
    print(f"  (load average of the machine afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
