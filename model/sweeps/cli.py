"""The ``sweep`` and ``analyze`` subcommands. ``model/cli.py`` adds them with :func:`register`;
``python -m model.sweeps.cli`` runs them on their own."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from model import arguments
from model.errors import ModelInputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sweep`` and ``analyze`` to a parser's subcommands."""
    from model.sweeps.execute import CHUNK

    p = subparsers.add_parser(
        "sweep", help="run a parameter sweep file (grid, LHS, Sobol, Morris)",
        description="Run every point of SWEEP.toml (each paired with its no-controls baseline unless the "
        "file says paired = false) and store the runs in results/<name>/ as they finish.")
    p.add_argument("file", metavar="SWEEP.toml")
    p.add_argument("--out", help="results folder (default: results/<sweep name>)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted sweep in the results folder")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    add_execution_options(p)
    p.add_argument("--replications", type=arguments.replications, help="runs per point (default: the file's)")
    p.add_argument("--seed", type=arguments.seed, help="master seed (default: the file's)")
    p.add_argument("--samples", type=arguments.samples, help="samples of a sampled design (default: the file's)")
    p.add_argument("--chunk", type=arguments.chunk, default=CHUNK,
                   help=f"finished runs per stored part (default {CHUNK})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_sweep)

    a = subparsers.add_parser(
        "analyze", help="summaries, sensitivity indices and figures of a finished sweep",
        description="Write per-point summaries with 95% intervals, Sobol/Morris indices (sampled designs) "
        "and coalition steps to results/SWEEP/analysis/, and the figures to results/SWEEP/figures/.")
    a.add_argument("folder", metavar="results/SWEEP")
    a.add_argument("--no-figures", action="store_true", help="tables only")
    a.set_defaults(handler=cmd_analyze)


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """``--workers`` | ``--scheduler`` | ``--dask-local``: where the runs execute."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=arguments.workers, help="local processes (default: all cores; 1 = serial)")
    where.add_argument("--scheduler", type=arguments.scheduler, metavar="tcp://HOST:PORT",
                       help="run on an existing Dask cluster")
    where.add_argument("--dask-local", type=arguments.workers, metavar="N",
                       help="start a local Dask cluster of N single-threaded worker processes")


def execution(args: argparse.Namespace) -> AbstractContextManager[Any]:
    """The executor the options of :func:`add_execution_options` ask for (a Dask client is closed on exit)."""
    from model.sweeps.cluster import dask_client

    if args.scheduler is not None or args.dask_local is not None:
        return dask_client(args.scheduler, args.dask_local)
    return nullcontext(local_executor(args.workers))


def cmd_sweep(args: argparse.Namespace) -> int:
    from model.sweeps.api import RESULTS_DIR, load_sweep, run_sweep

    prepared = load_sweep(args.file, replications=args.replications, seed=args.seed, samples=args.samples)
    folder = Path(args.out) if args.out else RESULTS_DIR / prepared.spec.name
    with execution(args) as executor:
        try:
            runs = run_sweep(prepared, folder, executor=executor, resume=args.resume, force=args.force,
                             progress=not args.quiet, chunk=args.chunk, command=sys.argv)
        except KeyboardInterrupt:
            print(f"interrupted: finished runs are stored in {folder}/; continue with --resume",
                  file=sys.stderr)
            return 130
    failed = int(runs["error"].notna().sum())
    print(f"{len(runs)} point runs ({failed} failed) stored in {folder}/; "
          f"analyse with: python run.py analyze {folder}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from model.sweeps.analysis import analyze

    written = analyze(Path(args.folder), figures=not args.no_figures)
    for path in written:
        print(path)
    return 0


def local_executor(workers: int | None) -> str | int:
    """``workers`` local processes (default: all cores) as an ``execute`` executor; 1 is serial."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 1:
        raise ModelInputError("--workers", "must be at least 1", got=count)
    return "serial" if count == 1 else count


def main(argv: Sequence[str] | None = None) -> int:
    """The two subcommands on their own (as ``model/cli.py`` runs them: bad input is one line, exit 2)."""
    from model.scenario import ScenarioError

    parser = arguments.Parser(prog="python -m model.sweeps.cli")
    register(parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND", required=True))
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ScenarioError, ModelInputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
