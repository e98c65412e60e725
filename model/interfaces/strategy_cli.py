"""The ``coalitions``, ``frontier`` and ``discover`` subcommands. ``model/interfaces/cli.py`` adds them with
:func:`register`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.interfaces import arguments
from model.interfaces.file_kinds import FileKind
from model.interfaces.file_kinds import register as register_kind
from model.interfaces.options import add_execution_options, execution, named_by_flags
from model.interfaces.writes import stored_in


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``coalitions``, ``frontier`` and ``discover`` to a parser's subcommands."""
    p = subparsers.add_parser(
        "coalitions", help="Shapley values of potential partners, and coalition formation",
        description="Run every coalition of the leader's potential partners (or a permutation sample) on "
        "common seeds and write each partner's Shapley value for denial and for revenue lost, per layer, "
        "and, when the file has a [formation] table, the stable coalitions (docs/analysis.md).")
    _analysis_options(p, "COALITIONS.toml")
    p.set_defaults(handler=cmd_coalitions, command="coalitions")

    p = subparsers.add_parser(
        "frontier", help="the cost-effectiveness frontier of agreement designs",
        description="Evaluate a design space (partners, layers, enforcement, extraterritorial rules, "
        "no-undercut) exhaustively or with NSGA-II, and write the Pareto-efficient designs of denial against "
        "revenue lost, with the named regimes on the same seeds (docs/analysis.md).")
    _analysis_options(p, "FRONTIER.toml")
    p.set_defaults(handler=cmd_frontier, command="frontier")

    p = subparsers.add_parser(
        "discover", help="scenario discovery (PRIM, CART) on a sweep's results",
        description="Find the parameter boxes of a finished sweep where a condition on an outcome holds, "
        "e.g. --outcome 'denial_effectiveness > 0.05' (PRIM and CART; needs pip install -e '.[strategy]').")
    p.add_argument("target", metavar="TARGET",
                   help="a sweep results folder (results/SWEEP), or a discovery file (DISCOVERY.toml) naming one")
    p.add_argument("--outcome", help="the condition: COLUMN OP NUMBER (OP: > >= < <=)")
    p.add_argument("--per", choices=["point", "run"], help="point: replicate means (default); run: every run")
    p.add_argument("--threshold", type=float, help="PRIM: smallest density of the chosen box (default 0.8)")
    p.add_argument("--out", type=arguments.output_folder, help="results folder (default: results/<sweep>-discovery)")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.add_argument("--no-figures", action="store_true", help="tables only")
    p.set_defaults(handler=cmd_discover)


def _analysis_options(p: argparse.ArgumentParser, metavar: str) -> None:
    p.add_argument("file", metavar=metavar)
    p.add_argument("--out", type=arguments.output_folder, help="results folder (default: results/<file name>)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted analysis in the results folder")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.add_argument("--replications", type=arguments.replications,
                   help="runs per coalition or design (default: the file's)")
    p.add_argument("--no-figures", action="store_true", help="tables only")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--readme", metavar="README.md",
                   help="also write the summary into this file's 'What the model says' section and copy the "
                   "figure to docs/figures/")
    add_execution_options(p)


def _run(args: argparse.Namespace, load, analyse, report) -> int:
    from model.experiment.results import results_folder, write_text
    from model.strategy.report import check_readme

    if args.readme:
        check_readme(Path(args.readme))  # before the runs, not after them
    changes = {"replications": args.replications} if args.replications is not None else {}
    prepared = load(args.file, **changes)
    folder = Path(args.out) if args.out else results_folder(prepared.study.name, f"{args.file}: name")
    with execution(args) as executor, stored_in(folder):
        try:
            result = analyse(prepared, out=folder, executor=executor, resume=args.resume, force=args.force,
                             progress=not args.quiet, figures=not args.no_figures, command=sys.argv)
        except KeyboardInterrupt:
            print(f"interrupted: finished runs are stored in {folder}/; continue with --resume", file=sys.stderr)
            return 130
    text = report(result)
    write_text(folder / "summary.md", text + "\n")
    if args.readme:
        from model.strategy.report import update_readme

        update_readme(Path(args.readme), args.command, text, sorted((folder / "figures").glob("*.png")),
                      Path(args.readme).parent / "docs" / "figures")
    print(f"Results written to {folder}/")
    return 0


def cmd_coalitions(args: argparse.Namespace) -> int:
    from model.strategy.coalitions import coalitions, load_coalitions
    from model.strategy.report import print_coalitions

    return _run(args, load_coalitions, coalitions, print_coalitions)


def cmd_frontier(args: argparse.Namespace) -> int:
    from model.strategy.frontier import frontier, load_frontier
    from model.strategy.report import print_frontier

    return _run(args, load_frontier, frontier, print_frontier)


def cmd_discover(args: argparse.Namespace) -> int:
    from model.strategy.report import print_discovery

    options = {k: v for k, v in {"per": args.per, "threshold": args.threshold}.items() if v is not None}
    with named_by_flags({"out": "--out"}):
        result = _discover(args, options)
    print_discovery(result)
    print(f"Results written to {result.folder}/")
    return 0


def _discover(args: argparse.Namespace, options: dict[str, object]):
    from model.errors import ModelInputError
    from model.strategy.discovery import discover

    if args.target.endswith(".toml"):
        return discover(file=args.target, outcome=args.outcome, out=args.out, force=args.force,
                        figures=not args.no_figures, command=sys.argv, **options)
    if args.outcome is None:
        raise ModelInputError("--outcome", "required with a results folder",
                              expected="a condition such as 'denial_effectiveness > 0.05'")
    return discover(args.target, args.outcome, out=args.out, force=args.force, figures=not args.no_figures,
                    command=sys.argv, **options)


def _check_coalitions(path: Path) -> tuple[str, list[str]]:
    from model.strategy.coalitions import load_coalitions

    prepared = load_coalitions(path)
    games = f"all {1 << len(prepared.players)} coalitions" if prepared.exact else "permutation sampling"
    return (f"coalitions analysis {prepared.study.name!r}: {len(prepared.players)} potential partners of "
            f"{prepared.template.leader}, {games}"), []


def _check_frontier(path: Path) -> tuple[str, list[str]]:
    from model.strategy.frontier import load_frontier

    prepared = load_frontier(path)
    return f"frontier analysis {prepared.study.name!r}", []


def _check_discovery(path: Path) -> tuple[str, list[str]]:
    from model.strategy.discovery import load_discovery

    prepared = load_discovery(path)
    return f"discovery analysis of {prepared.study.results}: {prepared.study.outcome}", []


# Checked in this order: a frontier file names its design space, a discovery file its outcome, and
# every other analysis file (it names the scenario whose agreement it varies) is a coalitions file.
register_kind(FileKind("frontier analysis", frozenset({"space", "search", "regimes"}), _check_frontier))
register_kind(FileKind("discovery analysis", frozenset({"outcome", "results"}), _check_discovery))
register_kind(FileKind("coalitions analysis", frozenset({"scenario"}), _check_coalitions))
