"""Today's engine against an earlier commit's, side by side on the same machine in one run.

    python benchmarks/bench_engines.py [--commit eeb8b0a] [--rounds 5] [--runs 5]

A detached ``git worktree`` of ``--commit`` is made in a temporary folder (removed afterwards). Each
round times, in a fresh subprocess per tree and alternating A/B, ``--runs`` 40-step default-world
runs with controls (``ControlRegimeModel(policies="wassenaar", rng=seed).run()``, agents collected,
after one warm-up run) and one without controls. The medians over rounds and their ratio are
printed: on a shared machine the ratio is the figure to trust, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "eeb8b0a"
"""The commit before the lean step and fused kernel."""

CHILD = """
import sys, time
from model import ControlRegimeModel
policies, runs = sys.argv[1], int(sys.argv[2])
ControlRegimeModel(policies=policies, rng=0).run()
times = []
for seed in range(1, runs + 1):
    start = time.perf_counter()
    ControlRegimeModel(policies=policies, rng=seed).run()
    times.append(time.perf_counter() - start)
print(min(times), sorted(times)[len(times) // 2])
"""


def time_tree(tree: Path, policies: str, runs: int) -> tuple[float, float]:
    """(best, median) seconds per run of the model in ``tree``, measured in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, policies, str(runs)], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    best, median = map(float, out.stdout.split())
    return best, median


def compare(before: Path, rounds: int, runs: int) -> dict[str, float]:
    """Alternate A/B rounds for each regime; print and return the ratios of the medians."""
    ratios = {}
    for policies in ("wassenaar", "none"):
        times: dict[str, list[float]] = {"before": [], "now": []}
        for _ in range(rounds):
            for name, tree in (("before", before), ("now", ROOT)):
                times[name].append(time_tree(tree, policies, runs)[1])
        old, new = statistics.median(times["before"]), statistics.median(times["now"])
        ratios[policies] = old / new
        print(f"one 40-step default-world run, policies={policies}: {BEFORE} {old:.3f} s, now {new:.3f} s "
              f"(median of {rounds} alternating rounds of {runs} runs): {old / new:.1f}x faster")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=BEFORE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.commit],
                       check=True, capture_output=True)
        try:
            compare(before, args.rounds, args.runs)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)
    print(f"  (load average of the machine afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
