"""A comparison's figures and printed headline table (its folder is written by :meth:`Comparison.save`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from model.analysis import DEFAULT_FORMATS
from model.dates import Calendar
from model.errors import ModelInputError, check_name
from model.experiment import Comparison
from model.experiment.engine import local_processes, stop
from model.experiment.metrics import DEFAULT_HEADLINE, DENIAL_MEASURES
from model.formatting import interval, number, percent_interval
from model.vocabulary import ROUTES

FIGURES = ("capability_over_time", "leakage_by_route", "leakage_over_time", "effectiveness", "flow_map",
           "market_share", "regime_capability", "regime_map")
"""The figures of a comparison, in the order they are drawn (``python run.py plot --figure NAME``)."""
NEEDS_POLICY = frozenset({"leakage_by_route", "leakage_over_time", "effectiveness", "flow_map"})
"""Figures that compare policies with their baselines: skipped when a folder holds only baselines."""


def write_comparison(comparison: Comparison, out: Path, command: list[str], force: bool = False,
                     workers: int = 1) -> Path:
    """Write the comparison's results folder (:meth:`Comparison.save`) and draw its figures into it."""
    comparison.save(out, force=force, command=command)
    draw_figures(comparison, out / "figures", workers=workers)
    return out


def draw_figures(comparison: Comparison, folder: Path, only: str | Sequence[str] | None = None,
                 formats: Sequence[str] = DEFAULT_FORMATS, *, dpi: float | None = None,
                 compact: bool = False, workers: int = 1) -> list[Path]:
    """Draw the comparison's figures (or only those named) into ``folder``; returns the files.
    ``dpi`` and ``compact`` are passed to :func:`model.analysis.plots.save`. With ``workers`` > 1
    the figures are drawn by this process and ``workers`` - 1 helper processes (the same files as
    drawn by one).

    Unknown figure names or formats raise :class:`ModelInputError`. Figures that need policy runs
    are skipped for a folder of baselines only (an error when asked for by name).
    """
    options = {"formats": tuple(formats), "dpi": dpi, "compact": compact}
    names = _drawable(comparison, only, formats)
    if workers <= 1 or len(names) <= 1:
        return [path for name in names for path in draw_figure(comparison, name, Path(folder), **options)]
    drawn = _draw_shared(comparison, names, Path(folder), min(workers, len(names)) - 1, options)
    return [path for name in names for path in drawn[name]]


def _drawable(comparison: Comparison, only: str | Sequence[str] | None, formats: Sequence[str]) -> list[str]:
    """The figures to draw, in :data:`FIGURES` order (names and formats checked)."""
    from model.analysis.plots import FORMATS

    wanted = [only] if isinstance(only, str) else list(only) if only is not None else list(FIGURES)
    for name in wanted:
        check_name(name, FIGURES, "figure", "figure")
    for fmt in formats:
        check_name(fmt, FORMATS, "format", "figure format")
    has_policy = len(comparison.summary) > 0 and "policy" in set(comparison.timeseries["role"])
    names = []
    for name in FIGURES:
        if name not in wanted:
            continue
        if name in NEEDS_POLICY and not has_policy:
            if only is not None:
                raise ModelInputError(f"figure {name}", "needs a policy scenario; these results hold only "
                                      "baselines")
            continue
        if name in ("regime_capability", "regime_map") and not len(comparison.regimes):
            continue
        names.append(name)
    return names


def _draw_shared(comparison: Comparison, names: list[str], folder: Path, helpers: int,
                 options: dict) -> dict[str, list[Path]]:
    """Draw ``names`` with ``helpers`` processes, which take figures from the end of the list (the
    maps, the slowest), while this process takes them from the front."""
    drawn: dict[str, list[Path]] = {}
    queue = list(names)
    with local_processes(helpers) as pool:
        try:
            pending: dict[Future, str] = {}
            while queue or pending:
                while queue and len(pending) < helpers:
                    name = queue.pop()
                    pending[pool.submit(draw_figure, comparison, name, folder, **options)] = name
                if queue:
                    name = queue.pop(0)
                    drawn[name] = draw_figure(comparison, name, folder, **options)
                finished, _ = wait(pending, timeout=0 if queue else None, return_when=FIRST_COMPLETED)
                drawn |= {pending.pop(future): future.result() for future in finished}
        except BaseException:  # Ctrl-C or a failed figure: no drawing outlives the command
            stop(pool)
            raise
    return drawn


def draw_figure(comparison: Comparison, name: str, folder: Path, formats: Sequence[str] = DEFAULT_FORMATS, *,
                dpi: float | None = None, compact: bool = False) -> list[Path]:
    """Draw one of :data:`FIGURES` of the comparison into ``folder``; returns the files."""
    from model.analysis import plots  # matplotlib only when drawing: the command line starts faster

    settings = comparison.settings.get("scenarios", {})
    order = list(settings)
    warmup_end = None
    if settings:
        first = next(iter(settings.values()))
        warmup_end = Calendar.from_settings(first).date_of(first["warmup"]).isoformat()
    ts = comparison.timeseries
    dates = ts.drop_duplicates("step").set_index("step")["date"].to_dict()
    targets = list(comparison.regimes["iso3"].unique()) if len(comparison.regimes) else None
    makers = {
        "capability_over_time": lambda: plots.capability_over_time(ts, warmup_end, order=order,
                                                                   regimes=comparison.regimes,
                                                                   summary=comparison.summary),
        "leakage_by_route": lambda: plots.leakage_by_route(comparison.summary, order=order),
        "leakage_over_time": lambda: plots.leakage_over_time(ts, warmup_end, order=order),
        "effectiveness": lambda: plots.effectiveness(comparison.summary, order=order),
        "flow_map": lambda: plots.flow_map(comparison.flows, targets=targets, order=order),
        "market_share": lambda: plots.market_share(ts, warmup_end, order=order),
        "regime_capability": lambda: plots.regime_capability(comparison.regimes, dates=dates,
                                                             warmup_end=warmup_end, order=order),
        "regime_map": lambda: plots.regime_map(comparison.regimes, order=order, per_regime=comparison.per_regime,
                                               date=dates.get(int(comparison.regimes["step"].max()))),
    }
    with _collecting_new_objects_only():
        return plots.save(makers[name](), folder, name, formats, dpi=dpi, compact=compact)


@contextmanager
def _collecting_new_objects_only() -> Iterator[None]:
    """Set the objects alive now (results, libraries) aside from the garbage collector until the block
    ends (``gc.freeze``): drawing makes many short-lived objects, and each full collection they
    trigger would walk all the others again (about a tenth of drawing a headline's figures). In a
    process that has set its objects aside already (a worker forked from the server of
    :mod:`model.experiment.worker_start`) nothing is done: unfreezing would undo that."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


MEASURE_NAMES = {"equal": "denial, equal-weighted", "population": "denial, population-weighted",
                 "importing": "denial, importing only"}
"""How the printed table and the figures name the measures of :data:`DENIAL_MEASURES`."""


def measure_order(summary: pd.DataFrame) -> list[str]:
    """:data:`DENIAL_MEASURES` with the headline first (the scenarios' ``headline``, or the
    default's when they differ)."""
    headlines = set(summary["headline"]) if "headline" in summary and len(summary) else set()
    first = headlines.pop() if len(headlines) == 1 else DEFAULT_HEADLINE
    return [first, *(m for m in DENIAL_MEASURES if m != first)]


def headline_table(summary: pd.DataFrame, per_regime: pd.DataFrame | None = None) -> str:
    """The printed table: per policy, denial over target regimes three ways (the headline measure
    first) and leakage with 95% intervals, revenue lost by controlling-country vendors, the leakage
    split by route, and (from ``per_regime``) the target regimes with the largest and smallest
    denial. Numbers keep two significant figures (:mod:`model.formatting`)."""
    measures = measure_order(summary)
    headers = [f"{MEASURE_NAMES[m]}{' (headline)' if k == 0 else ''}" for k, m in enumerate(measures)]
    headers += ["leakage rate", "revenue lost (US$ bn)"]
    rows = [[percent_interval(row[f"denial_{m}"], row[f"denial_{m}_low"], row[f"denial_{m}_high"])
             for m in measures]
            + [_leakage_cell(row),
               interval(row["revenue_lost"], row["revenue_lost_low"], row["revenue_lost_high"], scale=1e-9)]
            for _, row in summary.iterrows()]
    lines = _aligned(["scenario", *headers], [[name, *cells] for name, cells in zip(summary["scenario"], rows)])
    lines += ["", "Leakage by route (% of what controls blocked on the direct route):"]
    blocking = summary[summary["leakage_rate"].notna()]
    routes = [r for r in ROUTES if blocking[f"leakage_{r}"].abs().max() >= 0.0005]
    if len(blocking):
        lines += _aligned(["scenario", *routes], [[row["scenario"], *(number(100 * row[f"leakage_{r}"]) for r in routes)]
                                                  for _, row in blocking.iterrows()], right=True)
    if len(blocking) < len(summary):
        lines.append(f"{', '.join(summary.loc[summary['leakage_rate'].isna(), 'scenario'])}: {NOTHING_BLOCKED}")
    if per_regime is not None and len(per_regime):
        lines += ["", "Target regimes with the largest and smallest denial (mean over replications):"]
        width = max(map(len, per_regime["scenario"]), default=8)
        for scenario, group in per_regime.dropna(subset=["denial"]).groupby("scenario", sort=False):
            ranked = group.sort_values("denial", ascending=False)
            top, bottom = ranked.iloc[0], ranked.iloc[-1]
            lines.append(f"{scenario:<{width}}  largest {top['iso3']} "
                         f"{percent_interval(top['denial'], top['denial_low'], top['denial_high'])}; smallest "
                         f"{bottom['iso3']} {percent_interval(bottom['denial'], bottom['denial_low'], bottom['denial_high'])}")
    n = int(summary["replications"].iat[0]) if len(summary) else 0
    lines += ["", (f"Means over {n} paired replications; [95% interval]. A regime's denial = 1 - its capability "
                   f"/ baseline at the horizon; {MEASURE_NAMES[measures[0]]} is the headline "
                   "(denial_effectiveness; scenario key `headline`). Equal-weighted: mean over target regimes; "
                   "population-weighted: weighted by population; importing only: mean over target regimes "
                   "without vendors of their own. Home-market sales are never leakage.")]
    return "\n".join(lines)


NOTHING_BLOCKED = ("no leakage to measure: its controls blocked no sale to a target regime on the direct route "
                   "(measures on vendors' inputs act through their prices and quality, not by blocking sales)")
"""Why a policy has no leakage rate (leaked / blocked is undefined when nothing was blocked)."""


def _leakage_cell(row: pd.Series) -> str:
    """The leakage rate with its interval, or "none blocked" where it is undefined (:data:`NOTHING_BLOCKED`)."""
    if pd.isna(row["leakage_rate"]):
        return "none blocked"
    return percent_interval(row["leakage_rate"], row["leakage_rate_low"], row["leakage_rate_high"])


def _aligned(header: list[str], rows: list[list[str]], right: bool = False) -> list[str]:
    """A header, a rule and ``rows`` in columns as wide as their widest cell (nothing cut off);
    the first column left-aligned, the others left- or (``right``) right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join([f"{first:<{widths[0]}}", *(f"{c:>{w}}" if right else f"{c:<{w}}"
                                                       for c, w in zip(rest, widths[1:]))]).rstrip()

    return [line(header), "-" * (sum(widths) + 2 * (len(widths) - 1)), *map(line, rows)]
