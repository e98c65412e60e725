"""The ``sweep`` and ``analyze`` subcommands. ``model/interfaces/cli.py`` adds them with :func:`register`."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from model.errors import ModelInputError
from model.interfaces import arguments
from model.interfaces.options import add_execution_options, execution


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sweep`` and ``analyze`` to a parser's subcommands."""
    from model.experiment.engine import CHUNK

    p = subparsers.add_parser(
        "sweep", help="run a parameter sweep file (grid, LHS, Sobol, Morris)",
        description="Run every point of SWEEP.toml (each paired with its no-controls baseline unless the "
        "file says paired = false) and store the runs in results/<name>/ as they finish.")
    p.add_argument("file", metavar="SWEEP.toml")
    p.add_argument("--out", type=arguments.output_folder, help="results folder (default: results/<sweep name>)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted sweep in the results folder")
    p.add_argument("--force", action="store_true", help="replace an existing results folder written by this tool")
    add_execution_options(p)
    p.add_argument("--replications", type=arguments.replications, help="runs per point (default: the file's)")
    p.add_argument("--seed", type=arguments.seed, help="master seed (default: the file's)")
    p.add_argument("--samples", type=arguments.samples, help="samples of a sampled design (default: the file's)")
    p.add_argument("--chunk", type=arguments.chunk, default=CHUNK,
                   help=f"finished runs per stored part (default {CHUNK})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--dry-run", action="store_true",
                   help="check the file, print the design points, the number of runs and a time estimate "
                   "from one timed run; write nothing")
    p.set_defaults(handler=cmd_sweep)

    a = subparsers.add_parser(
        "analyze", help="summaries, sensitivity indices and figures of a finished sweep",
        description="Write per-point summaries with 95% intervals, Sobol/Morris indices (sampled designs), "
        "the EMA Workbench's feature scores (any design; skipped, saying so, without the extra: pip install "
        "-e '.[strategy]') and coalition steps to results/SWEEP/analysis/, and the figures to "
        "results/SWEEP/figures/.")
    a.add_argument("folder", metavar="results/SWEEP")
    a.add_argument("--no-figures", action="store_true", help="tables only")
    a.set_defaults(handler=cmd_analyze)


def cmd_sweep(args: argparse.Namespace) -> int:
    from model.experiment.engine import design_warning, dry_run, load_sweep, run_sweep, sweep_plan
    from model.experiment.results import results_folder

    if args.dry_run and (writing := [flag for flag, on in (("--out", args.out), ("--resume", args.resume),
                                                          ("--force", args.force)) if on]):
        raise ModelInputError("--dry-run", "writes nothing, so it takes no options about the results folder",
                              got=" ".join(writing), suggestion="drop them, or drop --dry-run")
    prepared = load_sweep(args.file, replications=args.replications, seed=args.seed, samples=args.samples)
    if warning := design_warning(prepared):
        print(f"warning: {args.file}: {warning}", file=sys.stderr)
    if args.dry_run:
        print(dry_run(prepared, sweep_plan(prepared), args.workers or args.dask_local or os.cpu_count() or 1))
        return 0
    folder = Path(args.out) if args.out else results_folder(prepared.spec.name, f"{args.file}: name")
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
    from model.analysis.sweep_report import analyze

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        written = analyze(Path(args.folder), figures=not args.no_figures)
    for warning in caught:  # the library's warnings (feature scoring skipped) as one line each
        if issubclass(warning.category, UserWarning):
            print(f"warning: {warning.message}", file=sys.stderr)
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    for path in written:
        print(path)
    return 0

