"""The experiment harness's work around the headline's runs, this code against an earlier commit's, side by side.

    python benchmarks/bench_harness.py [--commit d600d48] [--rounds 3] [--repeats 3]

The headline comparison (``python run.py``'s six scenarios, 20 replications: 120 runs of 40 steps,
every step recorded) is run once in this tree and its run records kept; then each tree, in a fresh
process, runs ``compare`` into a results folder with the runs replaced by those records: storing
them in parts, putting the tables together, writing them (Parquet, CSV copies, digests) and
reading the comparison back. CPU time, the median of ``--repeats`` after a first, the trees
alternating round by round (a detached ``git worktree`` of ``--commit``). The two trees' results
folders must be byte-identical but for the manifest (checked). The default commit is the one
before the harness's work was vectorised; the ratio is before / now.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from worktree import worktree

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "d600d48"
"""The commit before the comparison's tables, CSV copies and pairing were vectorised."""

CAPTURE = r"""
import importlib, pickle, sys
execute = importlib.import_module("model.experiment.execute")
from model.experiment import compare
from model.interfaces.cli import HEADLINE
from model.scenario import SCENARIO_DIR, load_scenarios
run, records = execute.execute, []
def kept(specs, executor=None):
    for record in run(specs, executor):
        records.append(record)
        yield record
execute.execute = kept
compare(load_scenarios([SCENARIO_DIR / f"{n}.toml" for n in HEADLINE]), executor="serial", progress=False)
pickle.dump(records, open(sys.argv[1], "wb"), protocol=5)
"""

CHILD = r"""
import importlib, pickle, shutil, statistics, sys, time
execute = importlib.import_module("model.experiment.execute")
from model.experiment import compare
from model.interfaces.cli import HEADLINE
from model.scenario import SCENARIO_DIR, load_scenarios
records = pickle.load(open(sys.argv[1], "rb"))
execute.execute = lambda specs, executor=None: iter(records)
scenarios = load_scenarios([SCENARIO_DIR / f"{n}.toml" for n in HEADLINE])
times = []
for i in range(int(sys.argv[3]) + 1):
    shutil.rmtree(sys.argv[2], ignore_errors=True)
    start = time.process_time()
    compare(scenarios, executor="serial", progress=False, out=sys.argv[2])
    times.append(time.process_time() - start)
print(statistics.median(times[1:]))
"""


def run(tree: Path, script: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", script, *args], cwd=tree, env=env, capture_output=True, text=True,
                         check=False)
    if out.returncode:
        raise SystemExit(f"error: the harness benchmark failed in {tree}:\n{out.stderr[-2000:]}")
    return out.stdout


def differing(a: Path, b: Path) -> list[str]:
    """Files of two results folders that differ, the manifest aside (its times and commit differ)."""
    names = sorted(({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()}) - {"manifest.json"})
    return [n for n in names if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {"before": [], "now": []}
    with tempfile.TemporaryDirectory() as folder, worktree(args.commit) as before:
        records = Path(folder) / "records.pkl"
        run(ROOT, CAPTURE, str(records))
        for r in range(args.rounds):
            trees = [("before", before), ("now", ROOT)]
            for label, tree in trees if r % 2 == 0 else trees[::-1]:
                out = Path(folder) / label
                figures[label].append(float(run(tree, CHILD, str(records), str(out), str(args.repeats))))
        changed = differing(Path(folder) / "before", Path(folder) / "now")
    before_, now = (statistics.median(figures[label]) for label in ("before", "now"))
    print(f"The headline's harness work (120 runs' records), CPU, medians of {args.rounds} rounds "
          f"(before: {args.commit}; now: this tree)")
    print(f"before {before_:.2f} s   now {now:.2f} s   ratio {before_ / now:.2f}x")
    print("results folders: " + ("byte-identical but the manifest" if not changed else f"DIFFER in {changed}"))


if __name__ == "__main__":
    main()
