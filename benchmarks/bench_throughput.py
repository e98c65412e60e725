"""Runs per CPU-second of the Sobol, coalition and calibration workloads, this code against an earlier
commit's, side by side in one run.

    python benchmarks/bench_throughput.py [--commit ac505fc] [--rounds 3] [--workloads sobol coalition calibration]
    python benchmarks/bench_throughput.py --rounds 1 --parallel      # also 50,000 runs extrapolated on 2 cores
    python benchmarks/bench_throughput.py --workloads --headline     # only the headline's CPU, both trees
    python benchmarks/bench_throughput.py --workloads --full         # 50,000 runs made, not extrapolated

A detached ``git worktree`` of ``--commit`` is made in a temporary folder (removed afterwards). Each
round runs every workload once per tree, alternating which tree goes first, each in a fresh
subprocess, serially (one process: runs per CPU-second are runs per second per core). The child
imports the model and runs one short model (loading the compiled kernel from its cache), warms up
(below), then runs the workload under ``time.process_time``, counting the runs it makes.

The warm-up is a Sobol sweep of one base sample on another seed (38 runs at other points, so no
world or setup the process keeps serves a timed run): it pays the sweep layer's once-per-process
cost, importing the scenario schema, the design and the results folder's writers (about 1.5 s).
That cost does not grow with the runs, so it is not part of a run's cost; a sweep of a few hundred
runs would otherwise carry a share of it that a sweep of 50,000 does not. ``--cold`` times the
workloads without the warm-up. The workloads, as the commands run them:

- ``sobol``: a paired Sobol sweep of ``unilateral_us`` over the calibrated parameters, N = 8 base
  samples (``bench_sobol.py --samples 8 --processes 1``): 152 points, each with its baseline, 304 runs of
  40 steps, recorded every 40 (352 at ac505fc, whose calibration freed 20 parameters, not 17);
- ``coalition``: a coalition study of the ECHRI agreement with two candidate partners and 4
  replications (``python run.py coalitions``, no figures): 18 runs of 40 steps;
- ``calibration``: 48 runs of 16 steps, every step recorded, as the calibration makes them: now 48
  ABC simulations at prior draws (``model.calibration.posterior.simulator``, what pyabc runs); in a
  tree from before the posterior (such as ac505fc), one round of its search, a Latin hypercube of
  24 points of 2 replications (``model/data/calibration.toml``). The ratio is the calibration's
  runs per CPU-second then and now, its harness included.

The machine is shared, so absolute rates wander; the ratio of the medians, measured alternately in
CPU time, is the figure to trust. ``--parallel`` times the Sobol workload of this code on 1 and 2
processes at two sizes (wall time; the parallel efficiency of the runs beyond a fixed cost, see
:func:`parallel`) and extrapolates 50,000 40-step runs on 2 cores.
``--headline`` runs the headline's comparison, ``python run.py compare`` of its six scenarios (five
policies and the baseline, 20 replications: 120 runs, and the 8 figures) in one process
(``--workers 1``: the CPU time of local workers, forked from a server, is not counted as the
command's), in each tree, alternating, and compares the command's CPU time; then, in this process and this tree, the CPU time of the same comparison's runs (serial)
and of drawing its figures (one process), the headline's split between runs and figures.
``--full`` makes the 50,000 runs (about 10-15 minutes, see :func:`full`), between two measures of
the machine's speed: the Sobol workload of ``--commit`` on one process (8.7 runs per CPU-second at
ac505fc when issue 26 measured it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from worktree import worktree

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "ac505fc"
"""The commit before the compiled kernel, lean recording and cheap figures."""
WORKLOADS = ("sobol", "coalition", "calibration")
TARGET_RUNS, TARGET_MINUTES = 50_000, 15

CHILD = r"""
import sys, tempfile, time
from pathlib import Path

import model.experiment.executors as executors

workload, executor, samples, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "warm"
executor = int(executor) if executor.isdigit() else executor
count = 0
run_one = executors.run_one
def counted(spec):  # the serial executor runs each spec with run_one
    global count
    count += 1
    return run_one(spec)
executors.run_one = counted

def sobol(out, samples=samples, seed=None, executor=executor):
    from model import sweep
    from model.calibration.spec import load_spec
    from model.scenario import SCENARIO_DIR
    params = {f.key: (f.low, f.high) for f in load_spec().free}
    sweep(SCENARIO_DIR / "unilateral_us.toml", params, design="sobol", samples=samples, replications=1, seed=seed,
          executor=executor, out=out, progress=False, record_every=40)

def coalition(out):
    import model
    from model.scenario import SCENARIO_DIR
    study = out.parent / (out.name + ".toml")
    study.write_text(f'scenario = "{SCENARIO_DIR / "echri_coalition.toml"}"\n'
                     'candidates = ["DEU", "CHN"]\nreplications = 4\n')
    model.coalitions(study, out=out, executor=executor, progress=False, figures=False)

def calibration(out):
    global count
    import numpy as np
    from model.scenario import SCENARIO_DIR, load_scenario
    try:
        from model.calibration.posterior import simulator
    except ImportError:  # before the posterior (issue 27): a round of a Latin hypercube
        from model.calibration.fit import evaluate_round, search_base
        from model.calibration.spec import load_spec
        spec = load_spec()
        base = search_base(spec, load_scenario(SCENARIO_DIR / "baseline.toml"))
        evaluate_round(spec, base, np.array([f.low for f in spec.free]), np.array([f.high for f in spec.free]),
                       samples=24, seed=1, out=out, executor=executor, progress=False)
        return
    from model.calibration.spec import load_spec
    spec = load_spec()
    simulate = simulator(spec, load_scenario(SCENARIO_DIR / "baseline.toml"))
    rng = np.random.default_rng(1)
    for _ in range(48):  # ABC simulations at prior draws (positions in the ranges), as pyabc makes them
        simulate({f.key: rng.uniform() for f in spec.free})
        count += 1

work = {"sobol": sobol, "coalition": coalition, "calibration": calibration}[workload]
from model import ControlRegimeModel
ControlRegimeModel(policies="wassenaar", horizon=6, rng=0).run()  # imports, the compiled kernel's cache
with tempfile.TemporaryDirectory() as folder:
    if warm:  # the sweep layer's first use (imports); other points: no world or setup kept serves the timed runs
        sobol(Path(folder) / "warm", samples=1, seed=99, executor="serial")
    count = 0
    cpu, wall = time.process_time(), time.perf_counter()
    work(Path(folder) / "timed")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(count, cpu, wall)
"""


def measure(tree: Path, workload: str, executor: str = "serial", samples: int = 8,
            warm: bool = True) -> tuple[int, float, float]:
    """``(runs, CPU seconds, wall seconds)`` of one workload in a fresh process on ``tree``'s code
    (``samples``: the Sobol workload's base samples; ``warm``: after the warm-up, see :data:`CHILD`)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, workload, executor, str(samples), "warm" if warm else "cold"],
                         cwd=tree, env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"error: the {workload} workload failed in {tree}:\n{out.stderr[-2000:]}")
    runs, cpu, wall = out.stdout.split()
    return int(runs), float(cpu), float(wall)


def compare(before: Path, commit: str, workloads: list[str], rounds: int, warm: bool = True) -> dict[str, float]:
    """Alternate the trees round by round; print runs per CPU-second and the ratio per workload."""
    rates: dict[str, dict[str, list[float]]] = {w: {"before": [], "now": []} for w in workloads}
    runs: dict[tuple[str, str], int] = {}  # a commit's calibrated parameters, and so its Sobol design, may differ
    for r in range(rounds):
        trees = [("before", before), ("now", ROOT)]
        for workload in workloads:
            for name, tree in trees if r % 2 == 0 else trees[::-1]:
                n, cpu, _ = measure(tree, workload, warm=warm)
                runs[workload, name] = n
                rates[workload][name].append(n / cpu)
    print(f"runs per CPU-second, one process, {'after' if warm else 'without'} the warm-up (medians of {rounds} "
          f"alternating rounds), {commit} against now:")
    ratios = {}
    for workload in workloads:
        old, new = (statistics.median(rates[workload][k]) for k in ("before", "now"))
        ratios[workload] = new / old
        count = f"{runs[workload, 'now']:4d} runs"
        if runs[workload, "before"] != runs[workload, "now"]:
            count += f" ({runs[workload, 'before']} at {commit})"
        print(f"  {workload:12s} {count}: {commit} {old:6.1f}, now {new:6.1f} runs per CPU-second "
              f"per core ({1e3 / new:.0f} ms CPU per run): {new / old:.2f}x")
    return ratios


HEADLINE = ("baseline", "unilateral_us", "unilateral_us_extraterritorial", "echri_coalition", "wassenaar",
            "global_with_china")
"""The headline's scenarios (``model.interfaces.cli.HEADLINE``; the commit compared may predate the name)."""


def headline_cpu(tree: Path) -> float:
    """CPU seconds (user and system) of the headline's comparison in ``tree``, run in one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run([sys.executable, "run.py", "compare", *(f"scenarios/{name}.toml" for name in HEADLINE),
                              "--workers", "1", "--out", str(Path(folder) / "headline")], cwd=tree,
                             env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=False)
    if out.returncode:  # an earlier commit may need a package this one does not (ac505fc's adjustText: the dev extra)
        raise SystemExit(f"error: the headline's comparison failed in {tree}:\n{out.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def headline(before: Path, commit: str, rounds: int) -> None:
    """The headline's whole-process CPU in both trees, alternating."""
    cpu: dict[str, list[float]] = {"before": [], "now": []}
    for r in range(rounds):
        trees = [("before", before), ("now", ROOT)]
        for name, tree in trees if r % 2 == 0 else trees[::-1]:
            cpu[name].append(headline_cpu(tree))
    old, new = (statistics.median(cpu[k]) for k in ("before", "now"))
    print(f"the headline's comparison (run.py compare: 120 runs and the figures, one process), CPU (medians of "
          f"{rounds}): {commit} {old:.0f} s, now {new:.0f} s: {old / new:.2f}x less")
    split()


def split() -> None:
    """CPU time of the headline's runs (serial, this process) and of drawing its figures."""
    from model.analysis.report import draw_figures
    from model.experiment import compare
    from model.scenario import SCENARIO_DIR, load_scenarios

    scenarios = load_scenarios([SCENARIO_DIR / f"{name}.toml" for name in HEADLINE])
    start = time.process_time()
    comparison = compare(scenarios, executor="serial", progress=False)
    runs = time.process_time() - start
    with tempfile.TemporaryDirectory() as folder:
        start = time.process_time()
        draw_figures(comparison, Path(folder))
        figures = time.process_time() - start
    print(f"  its split now, CPU in one process: runs {runs:.1f} s ({runs / (runs + figures):.0%}), figures (PNG) "
          f"{figures:.1f} s ({figures / (runs + figures):.0%})")


def parallel() -> None:
    """Wall time of the Sobol workload of this code on 1 and 2 processes at two sizes, the parallel
    efficiency of the runs beyond a fixed cost, and 50,000 runs extrapolated.

    A sweep has a cost that does not grow with its runs and does not parallelise: preparing the
    design, starting the worker processes (imports, the compiled kernel's cache), putting the tables
    together. At the few hundred runs a benchmark can afford it weighs as much as a sizeable share
    of the runs; at 50,000 it does not. So each executor is timed at ``samples`` 8 and 32 (19 points
    per sample, each run with its baseline: 304 and 1,216 runs), and the extra
    runs' wall time per run gives the rate of a long sweep; the fixed cost is what is left of the
    smaller sweep's wall time."""
    sizes = (8, 32)  # Sobol designs take powers of 2
    timed = {(executor, samples): measure(ROOT, "sobol", executor, samples)
             for executor in ("serial", "2") for samples in sizes}
    n_small, n_large = (timed["serial", samples][0] for samples in sizes)  # runs are counted where they run
    per_run, fixed = {}, {}
    for executor in ("serial", "2"):
        small, large = (timed[executor, samples][2] for samples in sizes)
        per_run[executor] = (large - small) / (n_large - n_small)
        fixed[executor] = small - n_small * per_run[executor]
    efficiency = per_run["serial"] / (2 * per_run["2"])
    print(f"Sobol workload now, wall time: 1 process {timed['serial', sizes[0]][2]:.1f} s ({n_small} runs) and "
          f"{timed['serial', sizes[1]][2]:.1f} s ({n_large} runs); 2 processes {timed['2', sizes[0]][2]:.1f} s and "
          f"{timed['2', sizes[1]][2]:.1f} s")
    print(f"  beyond a fixed cost ({fixed['serial']:.1f} s on 1 process, {fixed['2']:.1f} s on 2): "
          f"{1e3 * per_run['serial']:.0f} ms per run on 1 process, {1e3 * per_run['2']:.0f} ms on 2: parallel "
          f"efficiency {efficiency:.0%}")
    minutes = (fixed["2"] + TARGET_RUNS * per_run["2"]) / 60
    print(f"  {TARGET_RUNS:,} runs of 40 steps on 2 cores: {fixed['2']:.0f} s + {TARGET_RUNS:,} x "
          f"{1e3 * per_run['2']:.1f} ms = {minutes:.1f} minutes (target <= {TARGET_MINUTES}; extrapolated)")


FULL = r"""
import resource, sys, tempfile, time
from pathlib import Path

from model import sweep
from model.calibration.spec import load_spec
from model.scenario import SCENARIO_DIR

if __name__ == "__main__":  # the workers start from a server that imports this module
    points = int(sys.argv[1])
    params = {f.key: (f.low, f.high) for f in load_spec().free}
    with tempfile.TemporaryDirectory() as folder:
        cpu, wall = time.process_time(), time.perf_counter()
        runs = sweep(SCENARIO_DIR / "unilateral_us.toml", params, design="lhs", samples=points, replications=1,
                     executor=2, out=Path(folder) / "full", progress=False, record_every=40)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(2 * len(runs), int(runs["error"].notna().sum()), wall, cpu,
          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def full(before: Path, commit: str, points: int = TARGET_RUNS // 2) -> None:
    """A sweep of ``2 * points`` 40-step runs on 2 processes, as a long sensitivity analysis makes
    them: a Latin hypercube of ``points`` points over the calibrated parameters, each run with its
    baseline, recorded every 40 steps, in a fresh process (its imports counted). Prints the wall time,
    the main process's CPU time and peak resident memory, and the machine's speed before and after
    (``commit``'s Sobol workload on one process): the machine's speed wanders, so the minutes are
    read beside it."""
    speed = [measure(before, "sobol")]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "full_sweep.py"
        script.write_text(FULL)
        out = subprocess.run([sys.executable, str(script), str(points)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"error: the full sweep failed:\n{out.stderr[-2000:]}")
    speed.append(measure(before, "sobol"))
    n, failed, wall, cpu, peak = out.stdout.split()
    n, wall = int(n), float(wall)
    rates = ", ".join(f"{runs / seconds:.1f}" for runs, seconds, _ in speed)
    print(f"{n:,} runs of 40 steps made on 2 processes ({failed} failed): {wall / 60:.1f} minutes "
          f"({1e3 * wall / n:.1f} ms per run; target <= {TARGET_MINUTES} minutes); the main process: "
          f"{float(cpu):.0f} s CPU, peak {float(peak):.0f} MB resident")
    print(f"  the machine's speed before and after: {commit}'s Sobol workload {rates} runs per CPU-second "
          "on one process (8.7 when issue 26 measured it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=BEFORE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workloads", nargs="*", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--headline", action="store_true", help="also the headline's whole-process CPU")
    parser.add_argument("--parallel", action="store_true", help="also the 2-process efficiency and 50,000 runs")
    parser.add_argument("--full", action="store_true",
                        help=f"also make {TARGET_RUNS:,} runs on 2 processes (10-15 minutes)")
    parser.add_argument("--cold", action="store_true",
                        help="time each workload without the warm-up: the sweep layer's imports counted")
    args = parser.parse_args()
    with worktree(args.commit) as before:
        if args.workloads:
            compare(before, args.commit, args.workloads, args.rounds, warm=not args.cold)
        if args.headline:
            headline(before, args.commit, args.rounds)
        if args.full:
            full(before, args.commit)
    if args.parallel:
        parallel()
    print(f"  (load average of the machine afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
