"""The access path of a step and of a policy state, this code against an earlier commit's, side by side.

    python benchmarks/bench_access.py [--commit 68ccae9] [--rounds 3] [--presets unilateral_us wassenaar]

Two figures per policy preset, in CPU time, each the median of repeats in a fresh process, the trees
alternating round by round (a detached ``git worktree`` of ``--commit`` in a temporary folder):

- ``step``: a controlled step's draws and access, ``Draws.draw`` then ``resolve_access`` (licences,
  the controlled sales, enforcement and diversions), at step 20 of a 40-step run;
- ``state``: a fresh policy schedule's 40 states and each distinct state's ``state_access`` (route
  tags, best diversions), what every run pays whose sweep point changes the world.

The default commit is the one before the access path was compiled and its draws made by a compiled
PCG64; the ratio is before / now.
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
BEFORE = "68ccae9"
"""The commit before the access path was compiled."""
PRESETS = ("unilateral_us", "unilateral_us_extraterritorial", "wassenaar")

CHILD = r"""
import sys, time
from model import ControlRegimeModel
from model.market import Draws, resolve_access, route_prices, state_access
from model.policy import PolicySchedule
from model.vocabulary import ITEMS

def cpu_us(work, n, repeats=5):
    work(max(1, n // 10))
    times = []
    for _ in range(repeats):
        start = time.process_time()
        work(n)
        times.append((time.process_time() - start) / n * 1e6)
    return sorted(times)[repeats // 2]

for preset in sys.argv[1:]:
    model = ControlRegimeModel(policies=preset, horizon=40, rng=3, collect_agents=False).run(20)
    world, schedule = model.world, model.schedule_
    state = schedule.state(20)
    settled = model._settled.state_access(state)
    licence, enforcement = model.streams["licence"], model.streams["enforcement"]

    def step(n):
        for _ in range(n):
            resolve_access(world, state, Draws.draw(world, len(ITEMS), licence, enforcement), model.base_price, settled)

    def fresh_schedule(n):
        for _ in range(n):
            fresh = PolicySchedule(world, schedule.policies, model.params, schedule.calendar, schedule.warmup,
                                   schedule.horizon)
            seen = {}
            for t in range(schedule.horizon):
                s = fresh.state(t)
                if id(s) not in seen:
                    seen[id(s)] = state_access(world, s, route_prices(world).base)

    print(preset, cpu_us(step, 300), cpu_us(fresh_schedule, 10))
"""


def measure(tree: Path, presets: list[str]) -> dict[str, tuple[float, float]]:
    """``{preset: (step us, state us)}`` in a fresh process on ``tree``'s code."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, *presets], cwd=tree, env=env, capture_output=True, text=True,
                         check=False)
    if out.returncode:
        raise SystemExit(f"error: the access benchmark failed in {tree}:\n{out.stderr[-2000:]}")
    return {name: (float(step), float(state)) for name, step, state in (line.split() for line in out.stdout.splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--presets", nargs="+", default=list(PRESETS))
    args = parser.parse_args()
    figures: dict[str, list[dict[str, tuple[float, float]]]] = {"before": [], "now": []}
    with worktree(args.commit) as before:
        for r in range(args.rounds):
            trees = [("before", before), ("now", ROOT)]
            for label, tree in trees if r % 2 == 0 else trees[::-1]:
                figures[label].append(measure(tree, args.presets))
    print(f"CPU per call, medians of {args.rounds} rounds (before: {args.commit}; now: this tree)")
    print(f"{'preset':34s} {'figure':6s} {'before':>10s} {'now':>10s} {'ratio':>6s}")
    for preset in args.presets:
        for k, (figure, scale, unit) in enumerate((("step", 1.0, "us"), ("state", 1e-3, "ms"))):
            before_, now = (statistics.median(run[preset][k] for run in figures[label]) for label in ("before", "now"))
            print(f"{preset:34s} {figure:6s} {before_ * scale:7.1f} {unit} {now * scale:7.1f} {unit} {before_ / now:5.2f}x")


if __name__ == "__main__":
    main()
