"""The ``plot`` and ``dashboard`` subcommands (added to ``run.py`` by :func:`register`).

- ``python run.py plot results/X [--figure NAME] [--format png|svg|pdf]`` redraws a results
  folder's figures from its stored tables, without running the model: a comparison's figures
  (``model.analysis.report``) or, for a sweep folder, the sweep's (``model.analysis.sweep_figures``).
- ``python run.py dashboard [--port N] [--host H]`` serves the interactive dashboard
  (``model/interfaces/app.py``, Mesa's SolaraViz; needs the optional extra ``pip install -e '.[viz]'``).

Bad input raises :class:`model.errors.ModelInputError`; the main command line prints it as one
line and exits with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import socket
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from model.errors import ModelInputError
from model.interfaces import arguments
from model.interfaces.options import named_by_flags, worker_count
from model.limits import MAX_DPI, MAX_PORT, MIN_DPI

FORMAT_METAVAR = "png|svg|pdf"
"""``model.analysis.plots.FORMATS`` as the help shows it (spelled out so building the parser needs no matplotlib)."""
DEFAULT_PORT = 8765
DEFAULT_HOST = "localhost"
APP_MODULE = "model.interfaces.app"
"""The dashboard, served by module name (the package's own imports then resolve as usual)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``plot`` and ``dashboard`` subcommands to the main parser's ``subparsers``."""
    from model.analysis.report import FIGURES  # no matplotlib import: run.py starts as fast as before

    p = subparsers.add_parser(
        "plot", help="redraw the figures of a results folder (no simulation)",
        description="Redraw the figures of a results folder from its stored tables, without running the "
        "model, into results/X/figures/ (or --out). Comparison folders (run.py, run, compare) get the "
        f"comparison figures ({', '.join(FIGURES)}); sweep folders get the sweep figures.",
    )
    p.add_argument("folder", metavar="results/X", help="a results folder (holding manifest.json)")
    p.add_argument("--figure", action="append", metavar="NAME",
                   help="draw only this figure (repeatable; default: all). Comparison figures: "
                   + ", ".join(FIGURES))
    p.add_argument("--format", action="append", metavar=FORMAT_METAVAR,
                   help="file format (repeatable or comma-separated; default: png)")
    p.add_argument("--out", type=arguments.output_folder, help="folder for the figures (default: results/X/figures)")
    p.add_argument("--dpi", type=arguments.dpi, help="PNG resolution in dots per inch (default: 150)")
    p.add_argument("--compact", action="store_true",
                   help="PNG with a 256-colour palette, about a third of the size (for web pages, READMEs)")
    p.add_argument("--workers", type=arguments.workers,
                   help="processes drawing a comparison's figures (default: all cores; 1 = this process alone)")
    p.set_defaults(handler=cmd_plot)

    p = subparsers.add_parser(
        "dashboard", help="serve the interactive dashboard in the browser (needs the [viz] extra)",
        description="Serve the interactive dashboard (Mesa SolaraViz): choose a scenario and its main "
        "policy settings, optionally a second scenario to compare side by side on the same seed, step or "
        "run the model, and watch target capability, maps of denial, capability or flows, the route split "
        "and a per-regime table update. Stop with Ctrl+C. Needs the optional extra: pip install -e '.[viz]'. "
        "See docs/dashboard.md.",
    )
    p.add_argument("--port", type=arguments.port, default=DEFAULT_PORT,
                   help=f"port to serve on (default: {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"interface to listen on (default: {DEFAULT_HOST}; 0.0.0.0 for all interfaces)")
    p.add_argument("--open", action="store_true", help="also open the dashboard in the default web browser")
    p.set_defaults(handler=cmd_dashboard)


# --- plot -------------------------------------------------------------------------------------

def _formats(values: Sequence[str] | None) -> tuple[str, ...]:
    from model.analysis.plots import FORMATS
    from model.errors import check_name

    if not values:
        return ("png",)
    formats = [f.strip().lower().lstrip(".") for value in values for f in value.split(",")]
    if "" in formats:  # --format '' or 'png,,svg': drew nothing, or less than asked, silently
        raise ModelInputError("--format", "an empty format", expected="formats such as png or png,svg",
                              got=",".join(values))
    for fmt in formats:
        check_name(fmt, FORMATS, "--format", "figure format")
    return tuple(dict.fromkeys(formats))


def plot_folder(folder: Path, figures: Sequence[str] | None = None, formats: Sequence[str] = ("png",),
                out: Path | None = None, *, dpi: float | None = None, compact: bool = False,
                workers: int = 1) -> list[Path]:
    """Redraw the figures of a results folder from its tables; returns the files written.
    ``dpi``, ``compact`` and ``workers`` (processes drawing) apply to comparison figures (see
    :func:`model.analysis.report.draw_figures`)."""
    if dpi is not None and not MIN_DPI <= dpi <= MAX_DPI:
        raise ModelInputError("--dpi", "out of range", expected=f"{MIN_DPI} to {MAX_DPI} dots per inch", got=dpi)
    from model.experiment.results import MANIFEST, folder_of, read_manifest

    folder = folder_of(folder)
    kind = read_manifest(folder, ("comparison", "sweep"))["kind"]
    if out is not None and (Path(out) / MANIFEST).exists():
        raise ModelInputError("--out", "a results folder: figures are not written among its tables",
                              expected="a folder for the figures, such as its figures/ subfolder", got=str(out))
    if kind == "comparison":
        from model.analysis.report import FIGURES, draw_figures
        from model.experiment import Comparison

        comparison = Comparison.load(folder)
        if figures:
            from model.errors import check_name

            for name in figures:
                check_name(name, FIGURES, "--figure", "figure")
        with named_by_flags(FLAGS):
            return draw_figures(comparison, out or folder / "figures", only=figures, formats=formats,
                                dpi=dpi, compact=compact, workers=workers)
    if kind == "sweep":
        draw = _sweep_figures()
        with named_by_flags(FLAGS):
            if not figures:
                return list(draw(folder, out=out, only=None, formats=tuple(formats)))
            paths: list[Path] = []
            for name in figures:
                paths += draw(folder, out=out, only=name, formats=tuple(formats))
        return paths
    raise AssertionError(kind)  # read_manifest admits only the two kinds above


FLAGS = {"only": "--figure", "formats": "--format", "out": "--out", "dpi": "--dpi"}
"""The flags of ``plot`` behind the drawing functions' arguments, for their error messages."""


def _sweep_figures():
    """``model.analysis.sweep_figures.draw_sweep_figures``, imported only when a sweep folder is plotted."""
    try:
        from model.analysis.sweep_figures import draw_sweep_figures
    except ImportError as exc:
        raise ModelInputError("sweep figures", "not available in this version of the model "
                              f"(model.analysis.sweep_figures.draw_sweep_figures cannot be imported: {exc})") from None
    return draw_sweep_figures


def cmd_plot(args: argparse.Namespace) -> int:
    from model.experiment.results import folder_of

    folder = folder_of(args.folder)
    out = Path(args.out) if args.out else None
    try:
        paths = plot_folder(folder, figures=args.figure, formats=_formats(args.format), out=out, dpi=args.dpi,
                            compact=args.compact, workers=worker_count(args.workers))
    except OSError as exc:
        raise ModelInputError(str(out or folder / "figures"), f"cannot write the figures ({exc.strerror})",
                              expected="a writable folder") from None
    for path in paths:
        print(path)
    if not paths:
        print(f"no figures to draw for {folder}", file=sys.stderr)
    return 0


# --- dashboard --------------------------------------------------------------------------------

def check_viz_installed() -> None:
    """A :class:`ModelInputError` unless the optional ``viz`` extra is installed and compatible."""
    missing = [name for name in ("solara", "ipyvuetify", "altair") if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelInputError("dashboard", f"needs the optional viz extra (missing: {', '.join(missing)})",
                              expected="pip install -e '.[viz]'")
    version = metadata.version("ipyvuetify")
    if int(version.split(".")[0]) >= 3:
        raise ModelInputError("dashboard", "ipyvuetify 3 breaks Mesa 3.3's SolaraViz ('TabsItems')",
                              expected="ipyvuetify<3 (pip install -e '.[viz]')", got=version)


def check_port(host: str, port: int) -> None:
    """A :class:`ModelInputError` unless ``port`` is valid and free on ``host``."""
    if not 1 <= port <= MAX_PORT:
        raise ModelInputError("--port", "out of range", expected=f"a port number 1-{MAX_PORT}", got=port)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ModelInputError("--host", f"unknown host ({exc.strerror})", got=host) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ModelInputError("--port", f"cannot listen on {host}:{port} ({exc.strerror})",
                                  expected="a free port (try --port 0 for any free port)", got=port) from None


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host if host != "localhost" else "127.0.0.1", 0))
        return int(probe.getsockname()[1])


def solara_arguments(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The arguments of ``solara run`` that serve the dashboard."""
    return [APP_MODULE, "--host", host, "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open", "--log-level", "warning"]


def cmd_dashboard(args: argparse.Namespace) -> int:
    check_viz_installed()
    port = args.port if args.port != 0 else free_port(args.host)
    check_port(args.host, port)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no usage reports from a research tool
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from solara.__main__ import run as solara_run

    print(f"Dashboard: http://{args.host}:{port}/  (stop with Ctrl+C; see docs/dashboard.md)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        solara_run.main(args=solara_arguments(args.host, port, args.open), standalone_mode=False)
    return 0

