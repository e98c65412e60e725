"""Today's engine against an earlier commit's, side by side on the same machine in one run.

    python benchmarks/bench_engines.py [--commit eeb8b0a] [--rounds 5] [--runs 5]

A detached ``git worktree`` of ``--commit`` is made in a temporary folder (removed afterwards). Each
round times, in a fresh subprocess per tree and alternating A/B, ``--runs`` 40-step default-world
runs with controls (``ControlRegimeModel(policies="wassenaar", rng=seed).run()``, agents collected,
after one warm-up run) and one without controls. The medians over rounds and their ratio are
printed, in wall time and in the process's CPU time (steadier on a shared machine); the ratios are
the figures to trust, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from worktree import worktree

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "eeb8b0a"
"""The commit before the lean step and fused kernel."""

CHILD = """
import sys, time
from model import ControlRegimeModel
policies, runs = sys.argv[1], int(sys.argv[2])
ControlRegimeModel(policies=policies, rng=0).run()
walls, cpus = [], []
for seed in range(1, runs + 1):
    start, cpu = time.perf_counter(), time.process_time()
    ControlRegimeModel(policies=policies, rng=seed).run()
    walls.append(time.perf_counter() - start)
    cpus.append(time.process_time() - cpu)
print(sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2])
"""


def time_tree(tree: Path, policies: str, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds per run of the model in ``tree``, measured in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, policies, str(runs)], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    wall, cpu = map(float, out.stdout.split())
    return wall, cpu


def compare(before: Path, commit: str, rounds: int, runs: int) -> dict[str, float]:
    """Alternate A/B rounds for each regime; print and return the ratios of the medians."""
    ratios = {}
    for policies in ("wassenaar", "none"):
        times: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
        for _ in range(rounds):
            for name, tree in (("before", before), ("now", ROOT)):
                times[name].append(time_tree(tree, policies, runs))
        (old, old_cpu), (new, new_cpu) = (
            (statistics.median(t[0] for t in times[k]), statistics.median(t[1] for t in times[k])) for k in ("before", "now")
        )
        ratios[policies] = old / new
        print(f"one 40-step default-world run, policies={policies} (medians of {rounds} alternating rounds of {runs} "
              f"runs): wall {commit} {old:.3f} s, now {new:.3f} s: {old / new:.1f}x faster; "
              f"CPU {old_cpu:.3f} s, now {new_cpu:.3f} s: {old_cpu / new_cpu:.1f}x")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=BEFORE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with worktree(args.commit) as before:
        compare(before, args.commit, args.rounds, args.runs)
    print(f"  (load average of the machine afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
