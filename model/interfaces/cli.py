"""The command line: ``python run.py [SUBCOMMAND] ...`` (``--help`` on each).

With no subcommand it runs the headline comparison: the no-controls baseline paired with unilateral
US controls, US controls with extraterritorial rules, the ECHRI coalition, a Wassenaar-like
agreement and a global agreement including China.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from model.errors import ModelInputError
from model.interfaces import arguments
from model.interfaces.options import add_execution_options, local_executor, worker_count
from model.interfaces.writes import stored_in
from model.processes import arrow_on_c_allocator, fewer_young_collections

HEADLINE = ("baseline", "unilateral_us", "unilateral_us_extraterritorial", "echri_coalition", "wassenaar",
            "global_with_china")
RESULTS_DIR = Path("results")
POSTERIOR_DRAWS = 30
"""Parameter sets the headline draws from the shipped posterior (``--draws``)."""


def _executor(args: argparse.Namespace):
    return local_executor(args.workers)


def _out(args: argparse.Namespace, name: str) -> Path:
    if args.out:
        return Path(args.out)
    if args.resume:
        raise ModelInputError("--resume", "needs --out, the results folder to continue")
    return RESULTS_DIR / f"{name}-{dt.datetime.now().astimezone():%Y%m%d-%H%M%S}"


def _run_comparison(paths: Sequence[Path], name: str, args: argparse.Namespace,
                    after: Callable[[Any, Path], None] | None = None) -> int:
    executor = _executor(args)  # first: local workers' server imports while this process does
    from model.analysis.report import draw_figures, headline_table
    from model.experiment import compare
    from model.scenario import load_scenarios

    scenarios = load_scenarios(paths)
    out = _out(args, name)
    try:
        comparison = compare(scenarios, replications=args.replications, seed=args.seed,
                             executor=executor, progress=not args.quiet, out=out, resume=args.resume,
                             force=args.force, command=sys.argv)
    except KeyboardInterrupt:
        if out.exists():
            print(f"interrupted: finished runs are stored in {out}/; continue with --resume", file=sys.stderr)
            return 130
        raise
    try:
        draw_figures(comparison, out / "figures", workers=worker_count(args.workers))
    except KeyboardInterrupt:
        print(f"interrupted while drawing the figures: the results in {out}/ are complete; draw the figures "
              f"with: python run.py plot {out}", file=sys.stderr)
        return 130
    except OSError as exc:
        raise _figures_unwritten(out, exc) from None
    failed = comparison.runs["error"].notna().sum()  # a run whose baseline failed among them
    if len(comparison.summary):
        print(headline_table(comparison.summary, comparison.per_regime))
    if failed:
        print(f"warning: {failed} run(s) failed; see {out / 'runs.csv'}", file=sys.stderr)
    if after is not None:
        after(comparison, out)
    print(f"\nResults written to {out}/")
    return 0


def _figures_unwritten(out: Path, exc: OSError) -> ModelInputError:
    """The error of figures that could not be written into the complete results folder ``out``."""
    from model.experiment.results import write_failure

    return ModelInputError(str(out / "figures"), f"cannot write the figures ({write_failure(exc)}); the results "
                           f"in {out}/ are complete: draw the figures with python run.py plot {out}")


def cmd_headline(args: argparse.Namespace) -> int:
    from model.calibration.headline import POSTERIOR_SAMPLE, posterior_headline
    from model.scenario import SCENARIO_DIR, load_scenarios

    paths = [SCENARIO_DIR / f"{name}.toml" for name in HEADLINE]

    def across_posterior(comparison: Any, out: Path) -> None:
        """The headline again at draws from the posterior (parameter and seed uncertainty together)."""
        draws = POSTERIOR_DRAWS if args.draws is None else args.draws
        if not draws or not POSTERIOR_SAMPLE.is_file():
            return
        print()
        print(posterior_headline(load_scenarios(paths), comparison.per_replication, out=out, draws=draws,
                                 seed=comparison.settings["seed"], executor=_executor(args), command=sys.argv))
        print("(in parentheses: the 90% interval over replications at the calibrated point, seed noise only)")

    return _run_comparison(paths, "headline", args, after=across_posterior)


def cmd_run(args: argparse.Namespace) -> int:
    return _run_comparison([Path(args.scenario)], Path(args.scenario).stem, args)


def cmd_compare(args: argparse.Namespace) -> int:
    return _run_comparison([Path(p) for p in args.scenarios], "compare", args)


def cmd_validate(args: argparse.Namespace) -> int:
    from model.interfaces.file_kinds import check_file

    failures = 0
    for path in args.files:
        try:
            _, summary, warnings = check_file(Path(path))
        except ModelInputError as err:
            print(f"error: {with_remedy(err)}", file=sys.stderr)
            failures += 1
        else:
            for warning in warnings:
                print(f"warning: {path}: {warning}", file=sys.stderr)
            print(f"ok: {path} ({summary})")
    return 2 if failures else 0


def cmd_list(args: argparse.Namespace) -> int:
    from model.scenario import SCENARIO_DIR, list_scenarios

    folder = SCENARIO_DIR if args.dir is None else Path(args.dir)
    if args.dir is not None and (not args.dir or not folder.is_dir()):
        raise ModelInputError("--dir", "no such folder", expected="a folder of scenario files", got=args.dir)
    entries = list_scenarios(folder)
    width = max((len(name) for name, _, _ in entries), default=10)
    for name, description, _ in entries:
        print(f"{name:<{width}}  {description}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    from model.experiment.engine import reproduce

    report = reproduce(Path(args.manifest), executor=_executor(args), progress=not args.quiet)
    for table, reason in report.not_compared.items():
        print(f"not compared: {table}: {reason}", file=sys.stderr)
    if report.differing:
        for table, problem in report.differing.items():
            print(f"DIFFERENT: {table}: {problem}", file=sys.stderr)
        print(f"DIFFERENT: {len(report.differing)} of {report.checked} tables differ in {report.folder}",
              file=sys.stderr)
        return 1
    compared = [name for name in report.tables if name not in report.not_compared]
    print(f"identical: every number in the {len(compared)} tables of {report.folder} "
          f"({', '.join(compared)}) reproduced")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from model.calibration import calibrate_into, load_spec
    from model.calibration.install import describe, install
    from model.interfaces.options import execution
    from model.scenario import SCENARIO_DIR, load_scenario

    if args.install:
        unused = [flag for flag in ("file", "seed", "out", "resume", "workers", "scheduler", "dask_local")
                  if getattr(args, flag) not in (None, False)]
        if unused:
            raise ModelInputError(f"--{unused[0].replace('_', '-')}", "does nothing with --install",
                                  expected="calibrate --install FOLDER [--force]")
        print(describe(install(Path(args.install), force=args.force)))
        return 0
    spec = load_spec(Path(args.file)) if args.file else load_spec()
    scenario = load_scenario(SCENARIO_DIR / "baseline.toml")
    out = Path(args.out) if args.out else RESULTS_DIR / "calibration"
    seed = args.seed if args.seed is not None else scenario.seed
    with execution(args) as executor, stored_in(out):
        result = calibrate_into(spec, scenario, seed=seed, out=out, executor=executor, resume=args.resume,
                                force=args.force, progress=not args.quiet, command=sys.argv)
    best = result.best
    print(f"posterior: {len(result.particles)} particles from {result.simulations} simulations in "
          f"{int((result.generations['generation'] >= 0).sum())} generation(s), effective sample size {result.ess:.0f}, expected loss "
          f"{result.loss:.3f}; the closest particle (loss {best['loss']:.3f}) against the targets:")
    for target in spec.targets:
        inside = target.low <= best[target.name] <= target.high
        print(f"  {target.name:<28} model {best[target.name]:>12.4g}   target {target.value:>10.4g} "
              f"[{target.low:.4g}, {target.high:.4g}]  {'ok' if inside else 'OUTSIDE'}")
    print(f"Written to {out}/. Make this fit the default with: python run.py calibrate --install {out}")
    return 0


def cmd_validation_report(args: argparse.Namespace) -> int:
    target = Path(args.out_file)
    if target.is_dir():
        raise ModelInputError("--out-file", "is a folder", expected="the path of the report file to write",
                              got=args.out_file)
    if not target.parent.is_dir():
        raise ModelInputError("--out-file", f"no such folder {target.parent}",
                              expected="a file in an existing folder", got=args.out_file)
    from model.calibration.validation import write_validation_report

    path = write_validation_report(Path(args.out_file), replications=args.replications,
                                   executor=_executor(args), progress=not args.quiet)
    print(f"Validation report written to {path}")
    return 0


def _common(parser: argparse.ArgumentParser, out: bool = True, settings: bool = True, prefix: str = "") -> None:
    """The options of the commands that run experiments (stored under ``prefix + name``)."""
    if settings:
        parser.add_argument("--replications", type=arguments.replications, dest=f"{prefix}replications",
                            metavar="REPLICATIONS", help="replications per scenario (default: the file's)")
        parser.add_argument("--seed", type=arguments.seed, dest=f"{prefix}seed", metavar="SEED",
                            help="master seed (default: the file's)")
    parser.add_argument("--workers", type=arguments.workers, dest=f"{prefix}workers", metavar="WORKERS",
                        help="processes to use (default: all cores; 1 = serial)")
    parser.add_argument("--quiet", action="store_true", dest=f"{prefix}quiet", help="no progress bar")
    if out:
        parser.add_argument("--out", type=arguments.output_folder, dest=f"{prefix}out", metavar="OUT",
                            help="results folder (default: results/<name>-<timestamp>)")
        parser.add_argument("--resume", action="store_true", dest=f"{prefix}resume",
                            help="continue an interrupted run in --out (the runs already stored are kept)")
        parser.add_argument("--force", action="store_true", dest=f"{prefix}force",
                            help="replace an existing results folder written by this tool")


LEADING = "leading_"
"""Where the options given before the subcommand are parsed to (see :func:`_leading_options`)."""


def _leading_options(args: argparse.Namespace) -> argparse.Namespace:
    """``args`` with the options given before the subcommand (``run.py --seed 5 run X.toml``) in
    force for it, as if given after it; one given before and after with different values, or one the
    subcommand does not take, is a :class:`ModelInputError` (argparse alone would drop it silently)."""
    leading = {key.removeprefix(LEADING): vars(args).pop(key) for key in list(vars(args)) if key.startswith(LEADING)}
    for name, value in leading.items():
        if args.subcommand is None:
            setattr(args, name, value)
        elif _given(value):
            flag = f"--{name}"
            if not hasattr(args, name):
                raise ModelInputError(flag, f"does nothing with {args.subcommand}",
                                      expected=f"run.py {args.subcommand} --help for its options")
            if _given(getattr(args, name)) and getattr(args, name) != value:
                raise ModelInputError(flag, "given before and after the subcommand with different values",
                                      got=[value, getattr(args, name)])
            setattr(args, name, value)
    return args


def _given(value: object) -> bool:
    """Whether an option was given: not its default (None, or False for a flag; 0 is a value)."""
    return value is not None and value is not False


def build_parser() -> argparse.ArgumentParser:
    parser = arguments.Parser(
        prog="run.py",
        description="Export controls on mass-surveillance technology: an agent-based model. "
        "Without a subcommand, runs the headline comparison of unilateral US controls and coordinated "
        "agreements against the no-controls baseline.",
    )
    _common(parser, prefix=LEADING)
    parser.add_argument("--draws", type=arguments.draws, dest=f"{LEADING}draws", metavar="DRAWS",
                        help=f"posterior draws of the headline (default {POSTERIOR_DRAWS}; 0: none)")
    parser.set_defaults(handler=cmd_headline)
    sub = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND", dest="subcommand")

    p = sub.add_parser("run", help="run one scenario paired with its baseline",
                       description="Run SCENARIO.toml and its no-controls baseline on the same seeds.")
    p.add_argument("scenario", metavar="SCENARIO.toml")
    _common(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("compare", help="compare several scenarios, each paired with its baseline",
                       description="Run every scenario and its baseline on the same seeds and compare them.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml")
    _common(p)
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("validate", help="check scenario, sweep, calibration and analysis files without running them",
                       description="Check files without running them (syntax, keys, types, ranges, names; a "
                       "sweep's every point and size): scenarios, sweeps (a top-level `base`), calibration "
                       "files (`targets` / `free`) and the analysis files of coalitions, frontier and discover "
                       "(docs/analysis.md).")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("list", help="list the scenario library", description="List scenarios with descriptions.")
    p.add_argument("--dir", help="folder to list (default: the project's scenarios/)")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("reproduce", help="re-run a results folder and confirm identical numbers",
                       description="Check every table of a results folder against its manifest's digests, "
                       "re-run the runs the manifest describes with its own settings and seeds, and check "
                       "every table is identical.")
    p.add_argument("manifest", metavar="results/X", help="a results folder (or its manifest.json)")
    _common(p, out=False, settings=False)
    p.set_defaults(handler=cmd_reproduce)

    p = sub.add_parser("calibrate", help="fit the default world's free parameters to public figures",
                       description="Sample the posterior of the free parameters in "
                       "model/data/calibration.toml given its targets, by ABC-SMC (pyabc; resumable, its history in OUT/abc.db), and write the "
                       "particles, OUT/posterior.csv and the closest particle OUT/calibrated.toml; --install OUT "
                       "then makes them the default (model/data/).")
    p.add_argument("--file", help="calibration file (default: model/data/calibration.toml)")
    p.add_argument("--seed", type=arguments.seed, help="master seed (default: the baseline scenario's)")
    p.add_argument("--out", type=arguments.output_folder, help="working folder of the search (default: "
                   "results/calibration)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted calibration in --out")
    p.add_argument("--force", action="store_true",
                   help="replace an existing working folder; with --install, install a worse fit")
    p.add_argument("--install", metavar="FOLDER",
                   help="only copy FOLDER's fit to model/data/ (refused if it is over other targets or "
                   "settings, or its loss is higher)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_execution_options(p)
    p.set_defaults(handler=cmd_calibrate)

    p = sub.add_parser("validation-report", help="regenerate docs/validation.md",
                       description="Compare the calibrated baseline with every target, run the behavioural "
                       "checks, the posterior's diagnostics and the headline across the posterior, and write "
                       "docs/validation.md.")
    p.add_argument("--out-file", default="docs/validation.md", help="where to write (default: docs/validation.md)")
    p.add_argument("--replications", type=arguments.interval_replications,
                   help="replications of every section (default: each section's own)")
    _common(p, out=False, settings=False)
    p.set_defaults(handler=cmd_validation_report)

    from model.interfaces.strategy_cli import register as register_strategy
    from model.interfaces.sweep_cli import register as register_sweeps
    from model.interfaces.viz_cli import register as register_viz

    register_sweeps(sub)
    register_strategy(sub)
    register_viz(sub)
    return parser


FLAGS = {"resume": "--resume to continue it", "force": "--force to replace it"}
"""The command-line flags behind the library's options for an existing results folder."""


def with_remedy(err: Exception) -> str:
    """The one-line message of ``err``, with the flags that would get past it (unprintable
    characters of names from the input, such as a NUL, escaped)."""
    from model.experiment.engine import ResumeMismatchError
    from model.experiment.results import CannotWriteError, FolderExistsError

    text = str(err)
    if isinstance(err, CannotWriteError) and err.options:
        text += " with --resume"
    elif isinstance(err, FolderExistsError) and err.options:
        text += "; add " + " or ".join(FLAGS[o] for o in err.options)
    elif isinstance(err, ResumeMismatchError):
        text += "; or --force to start again"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line in this process: parse, dispatch, and turn bad input into one line on stderr
    with exit code 2."""
    import numpy as np

    from model.experiment.engine import ExperimentError
    from model.scenario import ScenarioError

    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # NumPy's warnings are noise
            return handler(_one_way(_leading_options(args)))  # here: runs report non-finite numbers as errors
    except (ScenarioError, ModelInputError) as err:
        print(f"error: {with_remedy(err)}", file=sys.stderr)
        return 2
    except ExperimentError as err:  # every run failed: the settings cannot be simulated
        print(f"error: {with_remedy(err)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the output's reader stopped (| head): model.interfaces.start ends quietly
        raise
    except OSError as err:  # a write the commands do not name themselves (a full disk, a read-only place)
        print(f"error: {unwritten(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: no results folder was written", file=sys.stderr)
        return 130


def _one_way(args: argparse.Namespace) -> argparse.Namespace:
    """``args``, unless --resume and --force are both given (one continues a folder, the other replaces
    it; --dry-run refuses both itself)."""
    if getattr(args, "resume", False) and getattr(args, "force", False) and not getattr(args, "dry_run", False):
        raise ModelInputError("--resume", "given with --force: --resume continues the results folder, --force "
                              "replaces it", expected="one of them")
    return args


def unwritten(err: OSError) -> str:
    """One line for an operating-system error: the file and the cause in words."""
    from model.experiment.results import write_failure

    where = f"{err.filename}: " if err.filename else ""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in f"{where}{write_failure(err)}")


def console() -> int:
    """The process entry point of ``run.py``, ``python -m model`` and ``surveillance-controls``:
    Arrow on the C allocator (:func:`model.processes.arrow_on_c_allocator`) and fewer collections
    of young objects (:func:`model.processes.fewer_young_collections`), then :func:`main`."""
    arrow_on_c_allocator()
    fewer_young_collections()
    return main()
