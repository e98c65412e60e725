"""Publication figures from stored results tables (they never re-simulate).

One style throughout: the Okabe-Ito colour-blind-safe palette, fonts readable at the saved size,
titles, axis labels with units, legends outside the data. Every figure is saved as PNG and as SVG
(or PDF). Each figure function takes tidy tables (as in a results folder) and returns a
:class:`matplotlib.figure.Figure`; the ``draw_*`` helpers draw onto one axes and are shared with
the dashboard (``model/interfaces/app.py``).

Scenario colours come from one ordered list of scenario names (``order``): baselines are black
and dashed, policy scenarios take the palette in order, so a scenario has the same colour in
every figure drawn with the same order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import matplotlib

if not os.environ.get("MPLBACKEND"):  # files only; Jupyter (which sets it) keeps its inline figures
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from model.analysis import DEFAULT_FORMATS  # noqa: E402
from model.analysis.maps import LAND, draw_countries, map_axes, place_labels, positions  # noqa: E402
from model.experiment.metrics import interval  # noqa: E402
from model.experiment.results import note_drawn, refuse_link  # noqa: E402
from model.formatting import percent, percent_interval  # noqa: E402
from model.scenario import BASELINE, is_baseline  # noqa: E402
from model.vocabulary import ROUTE_DECLARATIONS, ROUTES  # noqa: E402

SCENARIO_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
"""Okabe-Ito without yellow (too light for lines) and black (kept for baselines); vermillion last, so
up to five policies never get both oranges."""
ROUTE_PALETTE = ["#999999", "#0072B2", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#009E73", "#F0E442",
                 "#332288", "#882255", "#44AA99"]
"""Okabe-Ito (grey first, for the legal route), then Tol's indigo, wine and teal for further routes."""
ROUTE_COLOURS = {route: ROUTE_PALETTE[k % len(ROUTE_PALETTE)] for k, route in enumerate(ROUTES)}
"""A colour per route of :data:`model.vocabulary.ROUTES`, in its order: a new route gets the next one."""
ROUTE_LABELS = {route.name: route.label for route in ROUTE_DECLARATIONS}
"""The figures' label of each route (:data:`model.vocabulary.ROUTE_DECLARATIONS`)."""
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.labelsize": 10.5,
    "legend.fontsize": 9.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.fonttype": "none",  # SVG text stays text (editable, searchable)
    "svg.hashsalt": "surveillance-export-controls",  # stable element ids: same results, same SVG
}
CAPABILITY_LABEL = "Target-regime capability\n(population-weighted; 1 = world per-capita level at start)"
FORMATS = ("png", "svg", "pdf")
PNG_COMPRESSION = 3
"""zlib's level for PNG files: the headline's 8 figures take 7% more bytes than at its default 6
and about 30% less time to compress (at 6, compressing was about 15% of drawing them)."""
EFFECTIVE_UNITS = "effective units"  # docs/ODD.md: what US$1 buys from a standard option
WARMUP_NOTE = "end of warm-up:\ncontrols may start"
TARGET_LAND = "#A9B1BA"
OTHER_LAND = LAND
"""Countries that are not target regimes, or have no data, on every map."""


# --- style helpers --------------------------------------------------------------------------

def style():
    """The house style as a context manager: ``with style(): fig = Figure(...)``."""
    return plt.rc_context(STYLE)


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """A stable colour per scenario, by position in ``names``; baselines are black."""
    colours, k = {}, 0
    for name in dict.fromkeys(names):
        if is_baseline(name):
            colours[name] = "#000000"
        else:
            colours[name] = SCENARIO_PALETTE[k % len(SCENARIO_PALETTE)]
            k += 1
    return colours


def scenario_order(present: Sequence[str], order: Sequence[str] | None = None) -> list[str]:
    """The scenarios in ``present``: baselines first, then in ``order`` (unknown names last)."""
    present = list(dict.fromkeys(present))
    rank = {name: i for i, name in enumerate(order or present)}
    return sorted(present, key=lambda n: (not is_baseline(n), rank.get(n, len(rank)), present.index(n)))


def _line_style(name: str) -> str:
    return "--" if is_baseline(name) else "-"


def save(fig: Figure, folder: Path, name: str, formats: Sequence[str] = DEFAULT_FORMATS, *,
         dpi: float | None = None, compact: bool = False) -> list[Path]:
    """Save ``fig`` as ``folder/name.<format>`` for each format and close it.

    ``dpi`` overrides the PNG resolution (default 150). ``compact`` stores PNGs with a 256-colour
    palette, about a third of the size, for web pages and READMEs (SVG/PDF are unaffected).
    """
    refuse_link(folder, "folder of figures")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with plt.rc_context(STYLE):
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            refuse_link(path, "figure")
            options = {"bbox_inches": "tight", "metadata": _metadata(fmt)}
            if dpi is not None:
                options["dpi"] = dpi
            if fmt == "png":
                options["bbox_inches"] = _laid_out(fig, options.get("dpi", STYLE["savefig.dpi"]))
                options["pil_kwargs"] = {"compress_level": PNG_COMPRESSION}
            if fmt == "png" and compact:
                _save_compact_png(fig, path, options)
            else:
                fig.savefig(path, **options)
            note_drawn(path)
            paths.append(path)
            fig.set_layout_engine("none")  # every format gets the first one's layout, worked out once
    plt.close(fig)
    return paths


def _laid_out(fig: Figure, dpi: float) -> Bbox:
    """Run ``fig``'s layout engine once at ``dpi`` and keep its result; returns the figure's tight
    box, padded as ``savefig`` pads it. Saving with this box draws the figure once: with
    ``bbox_inches="tight"`` or a layout engine, ``savefig`` first draws it without output to find both."""
    shown = fig.dpi
    fig.dpi = dpi
    try:
        renderer = fig._get_renderer()
        _run_layout(fig)
        fig.set_layout_engine(None)  # not "none", whose placeholder engine still makes savefig draw first
        return fig.get_tightbbox(renderer).padded(plt.rcParams["savefig.pad_inches"])
    finally:
        fig.dpi = shown


def _save_compact_png(fig: Figure, path: Path, options: dict) -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **options)
    image = Image.open(buffer).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)


def _metadata(fmt: str) -> dict | None:
    """No creation dates in SVG/PDF, so re-drawing the same results gives identical files."""
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    return None


def _band(frame: pd.DataFrame, column: str, by: str = "date") -> pd.DataFrame:
    """Mean and 95% interval of ``column`` across replicates, per ``by`` value."""
    rows = [(key, *interval(group[column])) for key, group in frame.groupby(by, sort=True)]
    band = pd.DataFrame(rows, columns=[by, "mean", "low", "high"])
    if by == "date":
        band["date"] = pd.to_datetime(band["date"])
    return band


def mark_warmup(ax: Axes, warmup_end: str | None, label: bool = True) -> None:
    if not warmup_end:
        return
    ax.axvline(pd.Timestamp(warmup_end), color="#555555", lw=0.8, ls=":")
    if label:
        ax.annotate(WARMUP_NOTE, (pd.Timestamp(warmup_end), 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -4), textcoords="offset points", fontsize=8, color="#555555", va="top")


def spread(values: Sequence[float], gap: float, low: float = -np.inf, high: float = np.inf) -> list[float]:
    """Positions near ``values`` (same order) at least ``gap`` apart: overlapping neighbours form
    clusters centred on their mean, clamped to ``[low, high]`` where the room allows."""
    order = np.argsort(values)
    clusters = [[float(values[i])] for i in order]  # each: the original values it holds

    def layout(cluster: list[float]) -> list[float]:
        span = gap * (len(cluster) - 1)
        start = min(max(float(np.mean(cluster)) - span / 2, low), max(high - span, low))
        return [start + k * gap for k in range(len(cluster))]

    merged = True
    while merged:
        merged = False
        for k in range(len(clusters) - 1):
            if layout(clusters[k])[-1] + gap > layout(clusters[k + 1])[0] + 1e-12:
                clusters[k:k + 2] = [clusters[k] + clusters[k + 1]]
                merged = True
                break
    placed = [p for cluster in clusters for p in layout(cluster)]
    out = [0.0] * len(values)
    for rank, index in enumerate(order):
        out[index] = placed[rank]
    return out


def end_labels(ax: Axes, items: Sequence[tuple[float, str, str]], min_gap: float = 0.06) -> None:
    """Label line ends just right of ``ax``: ``items`` are (last y, text, colour); labels are spread
    to at least ``min_gap`` of the axis height apart (on any y scale; set the limits first), with a
    thin leader line when moved."""
    if not items:
        return
    to_axes = ax.transData + ax.transAxes.inverted()
    heights = [float(to_axes.transform((0.0, y))[1]) for y, _, _ in items]
    positions = spread(heights, min_gap, 0.0, 1.0)
    for (_, text, colour), y, at in zip(items, heights, positions):
        ax.annotate(text, xy=(1.0, y), xycoords="axes fraction", xytext=(1.04, at), textcoords="axes fraction",
                    fontsize=8.5, color=colour, va="center", ha="left", annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6, "shrinkA": 0, "shrinkB": 0}
                    if abs(at - y) > 1e-9 else None)


def draw_band(ax: Axes, x, low, high, name: str, colour: str) -> None:
    """A 95% band: filled for a baseline, thin dotted edges for a policy scenario (paired scenarios
    share seeds, so their bands overlap; fills of many colours would merge into one muddy area)."""
    if is_baseline(name):
        ax.fill_between(x, low, high, color="#000000", alpha=0.10, lw=0)
    else:
        ax.plot(x, low, ":", color=colour, lw=0.9, alpha=0.9)
        ax.plot(x, high, ":", color=colour, lw=0.9, alpha=0.9)


def _panel_grid(panels: int, ncols: int, height: float, **share: bool) -> tuple[Figure, np.ndarray]:
    """Small multiples: ``panels`` axes sharing the x axis, ``ncols`` to a row (call inside STYLE)."""
    ncols = max(1, min(ncols, panels))
    nrows = -(-panels // ncols)
    return plt.subplots(nrows, ncols, figsize=(4.3 * ncols + 0.6, height * nrows + 1.6), sharex=True,
                        squeeze=False, layout="constrained", **share)


class EvenYears(matplotlib.ticker.Locator):
    """1 January of every even year, as ``matplotlib.dates.YearLocator(2)`` ticks a date axis, found
    without dateutil's recurrence rules (a layout asks an axis for its ticks about twenty times)."""

    def __call__(self) -> np.ndarray:
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        days = np.datetime64(matplotlib.dates.get_epoch(), "D") + np.floor(sorted((vmin, vmax))).astype("timedelta64[D]")
        first, last = days.astype("datetime64[Y]").astype(int) + 1970
        years = np.arange(first - first % 2, last + last % 2 + 1, 2)
        return matplotlib.dates.date2num(years.astype(str).astype("datetime64[D]"))


@cache
def _year(value: float) -> str:
    return matplotlib.dates.num2date(value).strftime("%Y")


def _year_ticks(ax: Axes) -> None:
    """Date x axis ticked every second year."""
    ax.xaxis.set_major_locator(EvenYears())
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: _year(value)))


def _grid_tidy(axes: np.ndarray, used: int, xlabel: str | None = None) -> list[Axes]:
    """Hide the spare panels of a grid, give the panels above them x tick labels (and ``xlabel``),
    and return the spare panels (hidden; callers may reuse one, e.g. for a legend)."""
    nrows, ncols = axes.shape
    spare = list(axes.flat[used:])
    for ax in spare:
        ax.set_visible(False)
    for col in range(ncols):
        column = [axes[row, col] for row in range(nrows) if row * ncols + col < used]
        if column:
            column[-1].xaxis.set_tick_params(labelbottom=True)
            if xlabel:
                column[-1].set_xlabel(xlabel)
    return spare


def _policy_names(names: Sequence[str]) -> list[str]:
    return [n for n in names if not is_baseline(n)]


def _suptitle(fig: Figure, title: str, subtitle: str | None = None) -> None:
    fig.suptitle(title if subtitle is None else f"{title}\n{subtitle}", fontsize=12, fontweight="normal")


# --- 1. capability over time ----------------------------------------------------------------

HEADLINE_DENIAL = "denial, equal-weighted over target regimes (the headline measure)"
"""What every figure calls the headline measure (docs/ODD.md, 7.13: ``denial_equal``)."""
SYMLOG_BELOW = 0.1
"""Denial axes turn logarithmic above this many percent when values differ by more than
:data:`SYMLOG_WHEN` times, so 0.15% and 31.7% are both readable (linear below it, through zero)."""
SYMLOG_WHEN = 10.0


def equal_weighted(regimes: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and step of a results folder's ``regimes`` table: the mean capability of the
    target regimes, each counted once, and for policy scenarios the equal-weighted denial (mean
    over regimes of ``1 - capability / baseline capability``, of the means over replications, which
    at the horizon agrees with the headline ``denial_equal`` to a few hundredths of a percent point)."""
    columns = ["scenario", "step", "capability", "denial"]
    if regimes.empty:
        return pd.DataFrame(columns=columns)
    wide = regimes.pivot_table(index=["step", "iso3"], columns="scenario", values="capability")
    names = list(regimes["scenario"].unique())
    frames = []
    for name in names:
        frame = wide[name].groupby(level="step").mean().rename("capability").to_frame()
        baseline = None if is_baseline(name) else baseline_of(name, names)
        frame["denial"] = (1 - wide[name] / wide[baseline]).groupby(level="step").mean() if baseline else np.nan
        frames.append(frame.reset_index().assign(scenario=name))
    return pd.concat(frames, ignore_index=True)[columns]


def replications_of(table: pd.DataFrame | None) -> str:
    """``20 `` for a table of 20 replications (a summary's or per-regime table's ``replications``
    column, or a time series' distinct ``replicate`` numbers), to write "over 20 replications"; ""
    when the table does not say."""
    if table is None or not len(table):
        return ""
    if "replications" in table:
        counts = set(table["replications"].dropna().astype(int))
    elif "replicate" in table:
        counts = {int(table["replicate"].nunique())}
    else:
        return ""
    return f"{counts.pop()} " if len(counts) == 1 else ""


def plain_log_ticks(ticks: matplotlib.axis.Axis, subs: Sequence[float] = (1.0, 2.0, 5.0)) -> None:
    """Ticks at ``subs`` times each power of ten on a logarithmic axis, written as plain numbers
    ("0.2", "10"; no TeX-like powers, so no mathtext parser is built), minor ticks unlabelled."""
    ticks.set_major_locator(matplotlib.ticker.LogLocator(subs=tuple(subs)))
    ticks.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ticks.set_minor_formatter(matplotlib.ticker.NullFormatter())


def percent_log_ticks(ticks: matplotlib.axis.Axis) -> None:
    """Ticks at 1, 2 and 5 times each power of ten on a symmetric-logarithmic % axis (linear within
    ±:data:`SYMLOG_BELOW`%), labelled "2%": a range within one decade still gets labelled ticks."""
    ticks.set_major_locator(matplotlib.ticker.SymmetricalLogLocator(linthresh=SYMLOG_BELOW, base=10,
                                                                    subs=(1.0, 2.0, 5.0)))
    ticks.set_minor_locator(matplotlib.ticker.NullLocator())
    ticks.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}%"))


def denial_axis(ax: Axes, values: Sequence[float], label: str, axis: str = "y", room: float = 1.08) -> bool:
    """A denial axis (``axis`` "y" or "x") in %, its limits fitted to ``values`` (in %; from 0 unless
    some are negative) with ``room`` times the largest at the far end: linear, or
    symmetric-logarithmic (linear within ±:data:`SYMLOG_BELOW`%) when the values differ by more than
    :data:`SYMLOG_WHEN` times; ``label`` gets the scale. Returns whether it is logarithmic."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    sizes = np.abs(values[np.abs(values) > SYMLOG_BELOW / 10])
    log = bool(len(sizes) > 1 and sizes.max() / sizes.min() > SYMLOG_WHEN)
    scale, limits, ticks = ((ax.set_yscale, ax.set_ylim, ax.yaxis) if axis == "y" else
                            (ax.set_xscale, ax.set_xlim, ax.xaxis))
    if log:
        scale("symlog", linthresh=SYMLOG_BELOW, linscale=0.6)
        percent_log_ticks(ticks)
        label += f"\n(logarithmic above {SYMLOG_BELOW:g}%, linear below)"
    else:
        ticks.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.3g}%"))
    ticks.set_label_text(label)
    if len(values):
        low, high = min(0.0, float(values.min())), max(float(values.max()), SYMLOG_BELOW)
        limits(low - 0.05 * (high - low) if low < 0 else 0.0, high * (room ** 4 if log else room))
    return log


def capability_over_time(timeseries: pd.DataFrame, warmup_end: str | None = None,
                         order: Sequence[str] | None = None, *, regimes: pd.DataFrame,
                         summary: pd.DataFrame | None = None) -> Figure:
    """Left: the mean capability of the target regimes per scenario (each regime counted once, as
    the headline counts them; the baseline drawn on top). Right: the headline measure over time,
    equal-weighted denial against the baseline, with the horizon's value and 95% interval from
    ``summary`` (the folder's ``summary`` table) at the end of each line."""
    names = scenario_order(regimes["scenario"].unique() if len(regimes) else timeseries["scenario"].unique(),
                           order)
    colours = scenario_colours(names)
    dates = pd.to_datetime(timeseries.drop_duplicates("step").set_index("step")["date"])
    table = equal_weighted(regimes)
    table["date"] = table["step"].map(dates)
    horizon = summary.set_index("scenario") if summary is not None and len(summary) else pd.DataFrame()
    targets = regimes["iso3"].nunique() if len(regimes) else 0
    with plt.rc_context(STYLE):
        fig, (level, change) = plt.subplots(1, 2, figsize=(12.5, 5.2), layout="constrained")
        for name in sorted(names, key=is_baseline):  # baselines last: on top of the policies
            rows = table[table["scenario"] == name].sort_values("step")
            level.plot(rows["date"], rows["capability"], _line_style(name), color=colours[name], label=name,
                       lw=2.2 if is_baseline(name) else 1.5, zorder=3 if is_baseline(name) else 2)
        ends, drawn = [], []
        for name in _policy_names(names):
            rows = table[table["scenario"] == name].sort_values("step")
            if rows["denial"].isna().all():
                continue
            change.plot(rows["date"], 100 * rows["denial"], color=colours[name], label=name, lw=1.8)
            drawn += list(100 * rows["denial"])
            last = rows.iloc[-1]
            if name in horizon.index and "denial_equal" in horizon:
                at = horizon.loc[name]
                mean, low, high = (100 * at[f"denial_equal{s}"] for s in ("", "_low", "_high"))
                change.errorbar(last["date"], mean, yerr=[[mean - low], [high - mean]], fmt="o", ms=4,
                                color=colours[name], capsize=3, lw=1.2)
                ends.append((mean, percent(at["denial_equal"]), colours[name]))
                drawn += [low, high]
            else:
                ends.append((100 * last["denial"], percent(last["denial"]), colours[name]))
        for ax in (level, change):
            mark_warmup(ax, warmup_end)
            ax.set_xlabel("Date (quarterly steps)")
            _year_ticks(ax)
        level.set_ylabel(f"Mean capability of the {targets} target regimes\n(each counted once; "
                         "1 = world per capita at start)")
        level.set_title("Surveillance capability of target regimes")
        denial_axis(change, drawn or [0.0], "Denial vs. the no-controls baseline (%),\nequal-weighted over target "
                    "regimes")
        change.set_title("The headline measure over time")
        change.axhline(0, color="#000000", lw=0.8)
        end_labels(change, ends)
        handles = dict(zip(*reversed(level.get_legend_handles_labels())))
        fig.legend([handles[n] for n in names if n in handles], [n for n in names if n in handles],
                   loc="outside lower center", ncol=min(len(names), 4), frameon=False)
        _suptitle(fig, "Target-regime capability and denial over time",
                  f"{HEADLINE_DENIAL}: 1 - capability / baseline capability per regime, averaged over regimes\n"
                  f"lines: means over {replications_of(timeseries)}replications; dot and whisker at the horizon: "
                  "the headline value and its 95% interval (paired replications)")
        return fig


# --- 2. leakage by route --------------------------------------------------------------------

def _present_routes(values: Mapping[str, float], tolerance: float = 5e-4) -> list[str]:
    return [r for r in ROUTES if r in values and np.nan_to_num(values[r]) > tolerance]


VISIBLE_BAR = 0.005
"""A bar narrower than this share of its axis (a few pixels) is drawn but not named in the key:
the note under the figure names it with its largest value instead."""


def leakage_by_route(summary: pd.DataFrame, order: Sequence[str] | None = None) -> Figure:
    """Stacked bars: of what controls blocked on the direct route (cumulative from the end of the
    warm-up to the horizon), the share target regimes obtained by each other route. The key names
    only routes wide enough to see (:data:`VISIBLE_BAR`); a policy that blocked nothing has no
    leakage rate, which the figure says in its row."""
    summary = _ordered_rows(summary, order)
    peaks = {r: summary[f"leakage_{r}"].abs().max() for r in ROUTES if f"leakage_{r}" in summary}
    routes = _present_routes(peaks)
    high_all = 100 * summary["leakage_rate_high"].fillna(0)
    width = max(10.0, float(high_all.max()) * 1.3)  # room for the total's label
    thin = [r for r in routes if 100 * peaks[r] < VISIBLE_BAR * width]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(11, 0.62 * len(summary) + 2.6), layout="constrained")
        y = np.arange(len(summary))
        left = np.zeros(len(summary))
        for route in routes:
            share = 100 * summary[f"leakage_{route}"].fillna(0).to_numpy()
            ax.barh(y, share, left=left, color=ROUTE_COLOURS[route], height=0.62, edgecolor="white", lw=0.5,
                    label=f"_{ROUTE_LABELS[route]}" if route in thin else ROUTE_LABELS[route])
            left += share
        for yi, total, low, high in zip(y, 100 * summary["leakage_rate"], 100 * summary["leakage_rate_low"],
                                        high_all):
            if np.isnan(total):
                ax.annotate("nothing blocked on the direct route: no leakage to measure", (0, yi), xytext=(6, 0),
                            textcoords="offset points", va="center", fontsize=9.5, color="#555555")
                continue
            ax.errorbar(total, yi, xerr=[[total - low], [high - total]], color="#000000", capsize=3, lw=1)
            ax.annotate(percent_interval(total / 100, low / 100, high / 100), (high, yi), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=9.5)
        ax.set_yticks(y, summary["scenario"])
        ax.set_ylabel("Control regime (scenario)")
        ax.set_ylim(len(summary) - 0.5, -0.5)  # first scenario on top, also when no bar was drawn
        ax.set_xlim(0, width)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Share of blocked acquisitions that target regimes still obtained (%),\n"
                      "cumulative from the end of the warm-up to the horizon")
        ax.set_title("Leakage by route: where the blocked capability came from instead", loc="left")
        if len(routes) > len(thin):
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="route")
        note = f"bar: mean over {replications_of(summary)}paired replications; whisker and [ ]: 95% interval of the total"
        if thin:
            note += "\ntoo thin to tell apart, so not in the key: " + ", ".join(
                f"{ROUTE_LABELS[r]} (at most {percent(peaks[r])})" for r in thin)
        fig.supxlabel(note, x=0.005, ha="left", fontsize=8.5, color="#555555")
        return fig


def route_shares(timeseries: pd.DataFrame, prefix: str = "leaked_", denominator: str = "blocked_targets"
                 ) -> pd.DataFrame:
    """Per date, ``100 * mean(prefix<route>) / mean(denominator)`` over replicates (ratio of means);
    NaN where nothing was blocked (e.g. during the warm-up)."""
    columns = [f"{prefix}{r}" for r in ROUTES if f"{prefix}{r}" in timeseries]
    means = timeseries.groupby("date", sort=True)[[*columns, denominator]].mean()
    total = means.pop(denominator).where(lambda s: s > 0)
    shares = 100 * means.div(total, axis=0)
    shares.columns = [c[len(prefix):] for c in columns]
    shares.index = pd.to_datetime(shares.index)
    return shares


def draw_route_area(ax: Axes, shares: pd.DataFrame, routes: Sequence[str] | None = None,
                    step: str | None = None) -> list[str]:
    """Stacked areas of ``shares`` (index dates, a column per route); returns the routes drawn.
    ``step`` ("pre", "post", "mid") draws steps instead of straight lines between dates."""
    routes = list(routes) if routes is not None else _present_routes(shares.max(skipna=True).to_dict(), 0.05)
    data = shares[routes].clip(lower=0)
    valid = data.notna().all(axis=1)
    if routes and valid.any():
        ax.stackplot(data.index[valid], *(data.loc[valid, r] for r in routes),
                     colors=[ROUTE_COLOURS[r] for r in routes], labels=[ROUTE_LABELS[r] for r in routes],
                     edgecolor="white", linewidth=0.3, step=step)
    return routes


def leakage_over_time(timeseries: pd.DataFrame, warmup_end: str | None = None,
                      order: Sequence[str] | None = None, ncols: int = 3) -> Figure:
    """Small multiples per policy scenario: each quarter's leakage split by route (stacked areas)."""
    names = _policy_names(scenario_order(timeseries["scenario"].unique(), order))
    shares = {name: route_shares(timeseries[timeseries["scenario"] == name]) for name in names}
    peaks = pd.concat([s.max() for s in shares.values()], axis=1).max(axis=1) if shares else pd.Series()
    routes = _present_routes(peaks.to_dict(), 0.05)
    with plt.rc_context(STYLE):
        fig, axes = _panel_grid(len(names), ncols, 3.1, sharey=True)
        top = max(10.0, float(np.nanmax([s[routes].clip(lower=0).sum(axis=1).max() for s in shares.values()]
                                        or [0])) * 1.08)
        for ax, name in zip(axes.flat, names):
            draw_route_area(ax, shares[name], routes)
            mark_warmup(ax, warmup_end, label=False)
            ax.set_title(name)
            ax.set_ylim(0, top)
            start = pd.Timestamp(warmup_end) if warmup_end else pd.to_datetime(timeseries["date"]).min()
            ax.set_xlim(start - pd.Timedelta(days=45), pd.to_datetime(timeseries["date"]).max())
            _year_ticks(ax)
        _grid_tidy(axes, len(names), "Date (quarterly steps)")
        for ax in axes[:, 0]:
            ax.set_ylabel("Share of the quarter's blocked\nacquisitions leaked (%)")
        handles = [Patch(color=ROUTE_COLOURS[r], label=ROUTE_LABELS[r]) for r in routes]
        fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(routes)) or 1, frameon=False,
                   title="route by which target regimes obtained what controls blocked")
        _suptitle(fig, "Leakage by route over time",
                  "each quarter from the end of the warm-up: what target regimes obtained by other routes, "
                  f"as a share of what controls blocked (mean over {replications_of(timeseries)}replications)")
        return fig


# --- 3. effectiveness -----------------------------------------------------------------------

def _ordered_rows(summary: pd.DataFrame, order: Sequence[str] | None) -> pd.DataFrame:
    names = scenario_order(summary["scenario"], order)
    return summary.set_index("scenario").loc[names].reset_index()


def effectiveness(summary: pd.DataFrame, order: Sequence[str] | None = None) -> Figure:
    """Dot and whisker: denial effectiveness and leakage rate per scenario with 95% intervals."""
    panels = [("denial_effectiveness", "Denial effectiveness (the headline measure)",
               ("1 - capability / baseline at the horizon, averaged over target regimes\n(equal-weighted unless the "
                "scenario's `headline` says otherwise) (%)")),
              ("leakage_rate", "Leakage rate",
               "share of blocked acquisitions obtained by other routes (%)")]
    summary = _ordered_rows(summary, order)
    colours = scenario_colours(scenario_order(summary["scenario"], order))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(12, 0.55 * len(summary) + 2.4), sharey=True, layout="constrained")
        y = np.arange(len(summary))
        for ax, (metric, title, label) in zip(axes, panels):
            mean = 100 * summary[metric].to_numpy(float)
            low, high = 100 * summary[f"{metric}_low"].to_numpy(float), 100 * summary[f"{metric}_high"].to_numpy(float)
            for yi, m, lo, hi, name in zip(y, mean, low, high, summary["scenario"]):
                if np.isnan(m):
                    continue
                ax.errorbar(m, yi, xerr=[[m - lo], [hi - m]], fmt="o", color=colours[name], capsize=4, ms=7, lw=1.5)
                ax.annotate(percent_interval(m / 100, lo / 100, hi / 100), (hi, yi), xytext=(7, 0), textcoords="offset points",
                            va="center", fontsize=9, color="#222222")
            ax.set_title(title)
            if metric == "denial_effectiveness":  # small effects beside a global agreement's: logarithmic
                denial_axis(ax, np.concatenate([low, high]), label, axis="x", room=1.45)
            else:
                finite = np.concatenate([low, high, [0.0]])
                finite = finite[np.isfinite(finite)]
                lo_lim, hi_lim = min(0.0, finite.min()), max(finite.max(), 1.0)
                ax.set_xlim(lo_lim - 0.03 * (hi_lim - lo_lim), hi_lim + 0.32 * (hi_lim - lo_lim))
                ax.set_xlabel(label)
            ax.axvline(0, color="#000000", lw=0.8)
            ax.grid(axis="y", visible=False)
        axes[0].set_yticks(y, summary["scenario"])
        axes[0].set_ylabel("Control regime (scenario)")
        axes[0].invert_yaxis()
        _suptitle(fig, "Effectiveness of each control regime",
                  f"mean over {replications_of(summary)}paired replications (dot) and 95% interval (whiskers, [ ])")
        return fig


# --- 4. flow map ----------------------------------------------------------------------------

def map_frame(ax: Axes, countries: pd.DataFrame, highlight: Sequence[str] = (), hubs: Sequence[str] = ()) -> None:
    """A world map (Equal Earth, shipped Natural Earth outlines; :mod:`model.analysis.maps`): ``highlight``
    (e.g. target regimes) darker, other countries light, ``hubs`` as diamonds."""
    map_axes(ax)
    targets = set(highlight)
    draw_countries(ax, {code: TARGET_LAND for code in targets}, countries, default=OTHER_LAND)
    hub_xy = positions(countries[countries["iso3"].isin(set(hubs))])
    ax.scatter(hub_xy["x"], hub_xy["y"], marker="D", s=22, facecolor="white", edgecolor="#333333", lw=0.9, zorder=4)


def top_flows(flows: pd.DataFrame, top: int = 30, buyers: Sequence[str] | None = None,
              routes: Sequence[str] | None = None) -> pd.DataFrame:
    """The ``top`` largest (exporter, hub, buyer, route) flows, after filtering buyers and routes."""
    table = flows.copy()
    table["hub"] = table["hub"].fillna("").astype(str)
    if buyers is not None:
        table = table[table["buyer"].isin(set(buyers))]
    if routes is not None:
        table = table[table["route"].isin(set(routes))]
    table = table.groupby(["exporter", "hub", "buyer", "route"], as_index=False)["acquired"].sum()
    return table.nlargest(top, "acquired").reset_index(drop=True)


def _legs(flows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split flows into drawn legs (origin, destination, route, volume) and home deliveries (rings)."""
    legs, home = [], []
    for row in flows.itertuples(index=False):
        if not row.hub and row.exporter == row.buyer:
            home.append((row.exporter, row.route, row.acquired))
        elif row.hub:
            legs += [(row.exporter, row.hub, row.route, row.acquired), (row.hub, row.buyer, row.route, row.acquired)]
        else:
            legs.append((row.exporter, row.buyer, row.route, row.acquired))
    legs = pd.DataFrame(legs, columns=["origin", "destination", "route", "volume"])
    legs = legs.groupby(["origin", "destination", "route"], as_index=False)["volume"].sum()
    return legs, pd.DataFrame(home, columns=["country", "route", "volume"])


def flow_width(volume: float | np.ndarray, scale: float) -> float | np.ndarray:
    """Line width (points) of a leg of ``volume``; ``scale`` is the volume drawn 6 pt wide."""
    return 0.5 + 5.5 * np.sqrt(np.asarray(volume, float) / scale)


def draw_flow_map(ax: Axes, flows: pd.DataFrame, countries: pd.DataFrame, *, highlight: Sequence[str] = (),
                  hubs: Sequence[str] = (), scale: float | None = None, label_buyers: int = 8,
                  show_home: bool = True, label: bool = True) -> dict[str, float]:
    """Draw ``flows`` (already the ones to show) as curved legs exporter -> (hub ->) buyer,
    coloured by route and wide by volume, on a world map. Returns the volumes drawn by route.
    ``label``: name the countries now (else call :func:`label_flow_map` once the layout is final)."""
    position = positions(countries)
    map_frame(ax, countries, highlight=highlight, hubs=hubs)
    if flows.empty:
        ax.text(0.5, 0.5, "no deliveries yet", transform=ax.transAxes, ha="center", va="center",
                color="#555555", fontsize=10)
        return {}
    legs, home = _legs(flows)
    scale = scale or max(legs["volume"].max() if len(legs) else 0.0, 1e-12)
    for leg in legs.sort_values("volume").itertuples(index=False):
        if leg.origin not in position.index or leg.destination not in position.index:
            continue
        a, b = position.loc[leg.origin].to_numpy(float), position.loc[leg.destination].to_numpy(float)
        arrow = FancyArrowPatch(a, b, connectionstyle="arc3,rad=0.18", arrowstyle="-|>", mutation_scale=7,
                                lw=float(flow_width(leg.volume, scale)), color=ROUTE_COLOURS[leg.route],
                                alpha=0.8, shrinkA=2, shrinkB=3, zorder=3, capstyle="round")
        ax.add_artist(arrow)  # not add_patch: the map's limits are set, and its data limits cost a curve's clipping
    if show_home and len(home):
        home = home[home["country"].isin(position.index)]
        xy = position.loc[home["country"]].to_numpy(float)
        ax.scatter(xy[:, 0], xy[:, 1], s=25 + 320 * np.sqrt(home["volume"] / home["volume"].max()),
                   facecolor="none", edgecolor=[ROUTE_COLOURS[r] for r in home["route"]], lw=2.0, zorder=3)
    if label:
        label_flow_map(ax, flows, countries, label_buyers)
    return flows.groupby("route")["acquired"].sum().to_dict()


def label_flow_map(ax: Axes, flows: pd.DataFrame, countries: pd.DataFrame, label_buyers: int = 8) -> None:
    """Name the hubs used (bold), the six largest exporters and the ``label_buyers`` largest buyers
    of ``flows`` on a map drawn by :func:`draw_flow_map`, without overlaps."""
    if flows.empty:
        return
    position = positions(countries)
    used_hubs = [h for h in flows["hub"] if h]
    exporters = flows.groupby("exporter")["acquired"].sum().nlargest(6).index
    buyers = flows.groupby("buyer")["acquired"].sum().nlargest(label_buyers).index
    weights = {code: "bold" for code in used_hubs}
    for code in [*exporters, *buyers]:
        weights.setdefault(code, "normal")
    place_labels(ax, [(code, *position.loc[code], weight) for code, weight in weights.items()
                      if code in position.index])


def freeze_layout(fig: Figure) -> None:
    """Run the figure's layout once and keep it, so labels placed afterwards stay where placed
    (the layout engine alone: nothing is drawn)."""
    _run_layout(fig)
    fig.set_layout_engine("none")


def _run_layout(fig: Figure) -> None:
    """Place the figure's axes by its layout engine, if it has one (nothing is drawn)."""
    engine = fig.get_layout_engine()
    if engine is not None and fig.axes:
        engine.execute(fig)


def _scale_labels(scale: float) -> list[float]:
    """Round volumes for the width key: about scale, scale/4 and scale/16."""
    keys = []
    for fraction in (1.0, 0.25, 1 / 16):
        value = scale * fraction
        magnitude = 10 ** np.floor(np.log10(value))
        keys.append(float(np.round(value / magnitude) * magnitude))
    return sorted(set(keys), reverse=True)


def _volume_text(value: float) -> str:
    for unit, size in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.3g}"


def route_key(routes: Sequence[str], lw: float = 4) -> list[Line2D]:
    """Legend handles for ``routes``, in the order of :data:`ROUTES`."""
    return [Line2D([], [], color=ROUTE_COLOURS[r], lw=lw, label=ROUTE_LABELS[r]) for r in ROUTES if r in routes]


def flow_map(flows: pd.DataFrame, countries: pd.DataFrame | None = None, *, scenarios: Sequence[str] | None = None,
             targets: Sequence[str] | None = None, hubs: Sequence[str] | None = None, top: int = 30,
             routes: Sequence[str] | None = None, order: Sequence[str] | None = None, ncols: int = 2) -> Figure:
    """A map of deliveries of controlled items to target regimes: one panel per scenario, the
    ``top`` largest exporter -> (hub ->) buyer flows coloured by route and wide by volume.

    ``flows`` is a results folder's ``flows.csv`` (mean per replicate of cumulative post-warm-up
    vendor deliveries); ``targets`` limits buyers (None: all); ``routes`` limits routes (None: all).
    """
    from model import data

    countries = data.countries() if countries is None else countries
    hubs = list(data.hubs()["iso3"]) if hubs is None else list(hubs)
    names = scenarios or scenario_order(flows["scenario"].unique(), order)
    shown = {name: top_flows(flows[flows["scenario"] == name], top, targets, routes) for name in names}
    totals = {name: top_flows(flows[flows["scenario"] == name], len(flows) + 1, targets, routes)["acquired"].sum()
              for name in names}
    all_legs = [(_legs(t)[0]["volume"].max() if len(t) else 0.0) for t in shown.values()]
    scale = max(all_legs + [1e-12])
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(7.6 * ncols, 3.9 * nrows + (0.8 if nrows * ncols > len(names)
                                 else 1.9)), squeeze=False, layout="constrained")
        drawn_routes: set[str] = set()
        for ax, name in zip(axes.flat, names):
            volumes = draw_flow_map(ax, shown[name], countries, highlight=targets or (), hubs=hubs, scale=scale,
                                    label=False)
            drawn_routes |= set(volumes)
            share = 100 * shown[name]["acquired"].sum() / totals[name] if totals[name] > 0 else 0.0
            ax.set_title(f"{name}: the {len(shown[name])} largest flows ({percent(share / 100)} of the volume)",
                         fontsize=10.5)
        spare = _grid_tidy(axes, len(names))
        routes_key = route_key(drawn_routes)
        widths = [Line2D([], [], color="#555555", lw=float(flow_width(v, scale)), label=_volume_text(v))
                  for v in _scale_labels(scale)]
        marks = [Line2D([], [], ls="", marker="o", ms=10, mfc="none", mec="#555555", mew=2,
                        label="delivered inside the vendor's\nhome country (ring area: volume)"),
                 Line2D([], [], ls="", marker="D", ms=5, mfc="white", mec="#333333",
                        label="transit hub (bold: used by a flow shown)"),
                 Patch(facecolor=TARGET_LAND, edgecolor="white", label="target regime"),
                 Patch(facecolor=OTHER_LAND, edgecolor="white", label="other country")]
        width_title = f"line width: volume ({EFFECTIVE_UNITS})"
        if spare:  # the legends fill the first spare panel
            holder = spare[0]
            holder.set_visible(True)
            holder.axis("off")
            first = holder.legend(handles=routes_key, loc="upper left", frameon=False, title="route",
                                  bbox_to_anchor=(0.0, 1.0))
            holder.add_artist(first)
            holder.legend(handles=widths + marks, loc="upper left", bbox_to_anchor=(0.52, 1.0), frameon=False,
                          title=width_title)
        else:
            columns = [[Patch(visible=False, label="route:"), *routes_key],
                       [Patch(visible=False, label=f"{width_title}:"), *widths], marks]
            rows = max(map(len, columns))  # a legend fills column by column: pad each to the same length
            fig.legend(handles=[h for column in columns
                                for h in column + [Patch(visible=False, label=" ")] * (rows - len(column))],
                       loc="outside lower center", ncol=3, frameon=False)
        _suptitle(fig, "Flows of controlled items to target regimes, by route",
                  "vendor deliveries from the end of the warm-up to the horizon, mean per replication; "
                  "Equal Earth projection, Natural Earth 1:110m borders")
        freeze_layout(fig)
        for ax, name in zip(axes.flat, names):
            label_flow_map(ax, shown[name], countries)
        return fig


# --- 5. market share ------------------------------------------------------------------------

def share_table(timeseries: pd.DataFrame, top: int = 5, countries: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean revenue share (%) by scenario, date and vendor home country: the ``top`` countries by
    mean share (or ``countries``) and ``other``; long format (scenario, date, country, share)."""
    columns = [c for c in timeseries if c.startswith("share_")]
    means = timeseries.groupby(["scenario", "date"], sort=False)[columns].mean() * 100
    means.columns = [c[len("share_"):] for c in columns]
    chosen = list(countries) if countries else list(means.mean().nlargest(top).index)
    rest = [c for c in means if c not in chosen]
    table = means[chosen].assign(other=means[rest].sum(axis=1)) if rest else means[chosen]
    out = table.reset_index().melt(["scenario", "date"], var_name="country", value_name="share")
    out["date"] = pd.to_datetime(out["date"])
    return out


def market_share(timeseries: pd.DataFrame, warmup_end: str | None = None, order: Sequence[str] | None = None,
                 top: int = 5, ncols: int = 3) -> Figure:
    """Market share by vendor home country over time, one panel per country (the ``top`` by mean
    share, and all others together), one line per scenario: the shift to non-controlling suppliers."""
    names = scenario_order(timeseries["scenario"].unique(), order)
    colours = scenario_colours(names)
    shares = share_table(timeseries, top)
    panels = list(dict.fromkeys(shares["country"]))
    with plt.rc_context(STYLE):
        fig, axes = _panel_grid(len(panels), ncols, 2.9)
        for ax, country in zip(axes.flat, panels):
            rows = shares[shares["country"] == country]
            for name in names:
                line = rows[rows["scenario"] == name]
                ax.plot(line["date"], line["share"], _line_style(name), color=colours[name], lw=1.6, label=name)
            mark_warmup(ax, warmup_end, label=False)
            ax.set_title("all other home countries" if country == "other" else f"vendors based in {country}")
            _year_ticks(ax)
        _grid_tidy(axes, len(panels), "Date (quarterly steps)")
        for ax in axes[:, 0]:
            ax.set_ylabel("Share of world vendor\nrevenue (%)")
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=min(len(names), 4), frameon=False)
        _suptitle(fig, "Market share by vendor home country",
                  f"mean over {replications_of(timeseries)}replications; each panel has its own scale"
                  + (" (dotted line: end of warm-up)" if warmup_end else ""))
        return fig


# --- 6. chosen regimes' capability ----------------------------------------------------------

def most_populous(codes: Sequence[str], countries: pd.DataFrame, n: int) -> list[str]:
    table = countries[countries["iso3"].isin(set(codes))]
    return list(table.nlargest(n, "population")["iso3"])


def regime_capability(regimes: pd.DataFrame, countries: pd.DataFrame | None = None, *,
                      iso3: Sequence[str] | None = None, n: int = 9, dates: Mapping[int, str] | None = None,
                      warmup_end: str | None = None, order: Sequence[str] | None = None, ncols: int = 3,
                      log: bool | None = None) -> Figure:
    """Small multiples of chosen target regimes' capability (default: the ``n`` most populous),
    baseline and policies with 95% bands. ``regimes`` is a results folder's ``regimes.csv``;
    ``dates`` maps steps to dates (None: steps on the x axis). ``log``: logarithmic capability
    axes (None: when some regime's capability changes more than fivefold over the run, where
    differences between scenarios would otherwise vanish under the growth)."""
    from model import data

    countries = data.countries() if countries is None else countries
    chosen = list(iso3) if iso3 else most_populous(regimes["iso3"].unique(), countries, n)
    names = scenario_order(regimes["scenario"].unique(), order)
    colours = scenario_colours(names)
    name_of = countries.set_index("iso3")["name"].to_dict()
    table = regimes[regimes["iso3"].isin(set(chosen))].copy()
    table["x"] = pd.to_datetime(table["step"].map(dates)) if dates is not None else table["step"]
    if log is None:
        spans = table.groupby("iso3")["capability"].agg(lambda c: c.max() / max(c.min(), 1e-12))
        log = bool(len(spans)) and float(spans.max()) > 5.0 and bool((table["capability_low"] > 0).all())
    with plt.rc_context(STYLE):
        fig, axes = _panel_grid(len(chosen), ncols, 2.8)
        for ax, code in zip(axes.flat, chosen):
            rows = table[table["iso3"] == code]
            for name in names:
                line = rows[rows["scenario"] == name].sort_values("step")
                ax.plot(line["x"], line["capability"], _line_style(name), color=colours[name], lw=1.5, label=name)
                draw_band(ax, line["x"], line["capability_low"], line["capability_high"], name, colours[name])
            if dates is not None:
                mark_warmup(ax, warmup_end, label=False)
                _year_ticks(ax)
            ax.set_title(f"{name_of.get(code, code)} ({code})")
            if log:
                ax.set_yscale("log")
                plain_log_ticks(ax.yaxis)
        _grid_tidy(axes, len(chosen), "Date (quarterly steps)" if dates is not None else "Step (quarter)")
        for ax in axes[:, 0]:
            ax.set_ylabel("Capability\n(1 = world per capita at start)")
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=min(len(names), 4), frameon=False)
        _suptitle(fig, "Surveillance capability of selected target regimes" + ("" if iso3 else
                  f" (the {len(chosen)} most populous)"),
                  "mean over replications; 95% interval: grey band (baseline), dotted lines (policies); "
                  "each panel has its own " + ("logarithmic scale" if log else "scale"))
        return fig


# --- 7. maps of capability and denial per regime --------------------------------------------

NO_DATA_LABEL = "no data (not a target regime)"
DENIAL_COLOURS = "YlOrRd"
DIVERGING_COLOURS = "RdBu_r"
"""Denial when some regime's is below zero (more capability than its baseline): blue below zero, red above."""
CAPABILITY_COLOURS = "YlGnBu"


def baseline_of(name: str, names: Sequence[str]) -> str | None:
    """The baseline a policy scenario is paired with in a results folder holding ``names``:
    its own ``<name>:baseline`` or else the folder's only baseline (None if there is none)."""
    if f"{name}:{BASELINE}" in names:
        return f"{name}:{BASELINE}"
    baselines = [n for n in dict.fromkeys(names) if is_baseline(n)]
    return baselines[0] if len(baselines) == 1 else None


def regime_denial(regimes: pd.DataFrame, step: int | None = None) -> pd.DataFrame:
    """Per policy scenario and target regime at ``step`` (None: the last): capability, its
    baseline's and the denial ``1 - capability / baseline capability`` (of the means).
    ``regimes`` is a results folder's ``regimes.csv`` (or a model's regime table with ``scenario``)."""
    columns = ["scenario", "baseline", "iso3", "capability", "baseline_capability", "denial"]
    if regimes.empty:
        return pd.DataFrame(columns=columns)
    step = int(regimes["step"].max()) if step is None else step
    at = regimes[regimes["step"] == step].set_index(["scenario", "iso3"])["capability"]
    names = list(regimes["scenario"].unique())
    rows = []
    for name in _policy_names(names):
        baseline = baseline_of(name, names)
        if baseline is None:
            continue
        pair = pd.DataFrame({"capability": at.loc[name], "baseline_capability": at.loc[baseline]}).dropna()
        pair["denial"] = 1 - pair["capability"] / pair["baseline_capability"]
        rows.append(pair.reset_index().assign(scenario=name, baseline=baseline))
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def _colours_of(values: pd.Series, mappable: matplotlib.cm.ScalarMappable) -> dict[str, str]:
    return {code: matplotlib.colors.to_hex(mappable.to_rgba(value)) for code, value in values.items()
            if np.isfinite(value)}


def denial_mappable(denial_percent: Sequence[float]) -> matplotlib.cm.ScalarMappable:
    """The colour scale of one panel's denial (%), fitted to its values: sequential from 0 to their
    maximum, or diverging around 0 (blue below, red above, symmetric) when some are below zero;
    symmetric-logarithmic beyond a hundredth of the largest magnitude when the typical (median)
    magnitude is under 1/:data:`SYMLOG_WHEN` of the largest, so 0.1% stays visible beside 4%."""
    values = np.asarray(denial_percent, float)
    values = values[np.isfinite(values)]
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 0.0)
    largest = max(abs(low), abs(high), 1e-6)
    vmin, vmax = (-largest, largest) if low < 0 else (0.0, largest)
    if len(values) > 1 and largest / max(float(np.median(np.abs(values))), 1e-12) > SYMLOG_WHEN:
        norm = matplotlib.colors.SymLogNorm(largest / 100, linscale=0.5, vmin=vmin, vmax=vmax, base=10)
    else:
        norm = matplotlib.colors.Normalize(vmin, vmax)
    return matplotlib.cm.ScalarMappable(norm, matplotlib.colormaps[DIVERGING_COLOURS if low < 0 else DENIAL_COLOURS])


def denial_colour_bar(fig: Figure, mappable: matplotlib.cm.ScalarMappable, denial_percent: Sequence[float],
                      ax: Axes | Sequence[Axes], **where):
    """A colour bar for :func:`denial_mappable`, ticked at its ends, 0 and (logarithmic scales) where
    it turns logarithmic, written with :func:`model.formatting.percent`; its label states the range
    of ``denial_percent``."""
    norm = mappable.norm
    ticks = {norm.vmin, 0.0, norm.vmax}
    if isinstance(norm, matplotlib.colors.SymLogNorm):
        ticks |= {norm.linthresh} | ({-norm.linthresh} if norm.vmin < 0 else set())
    bar = fig.colorbar(mappable, ax=ax, **where)
    axis = bar.ax.xaxis if bar.orientation == "horizontal" else bar.ax.yaxis
    axis.set_major_locator(matplotlib.ticker.FixedLocator(sorted(ticks)))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: percent(v / 100)))
    axis.set_minor_locator(matplotlib.ticker.NullLocator())
    bar.ax.tick_params(labelsize=8)
    values = np.asarray(denial_percent, float)
    values = values[np.isfinite(values)]
    scale = "logarithmic beyond ±" + percent(norm.linthresh / 100) if isinstance(
        norm, matplotlib.colors.SymLogNorm) else "linear"
    span = f"{percent(values.min() / 100)} to {percent(values.max() / 100)}" if len(values) else "no values"
    bar.set_label(f"denial (%): this panel's values {span}; {scale}" + ("; blue: below 0" if norm.vmin < 0 else ""),
                  fontsize=8.5)
    return bar


def capability_mappable(capability: Sequence[float]) -> matplotlib.cm.ScalarMappable:
    """The colour scale of capability: logarithmic (regimes differ by orders of magnitude)."""
    values = np.asarray(capability, float)
    values = values[np.isfinite(values) & (values > 0)]
    low, high = (values.min(), values.max()) if len(values) else (0.01, 1.0)
    return matplotlib.cm.ScalarMappable(matplotlib.colors.LogNorm(low, max(high, low * 1.01)),
                                        matplotlib.colormaps[CAPABILITY_COLOURS])


def draw_choropleth(ax: Axes, values: pd.Series, mappable: matplotlib.cm.ScalarMappable,
                    countries: pd.DataFrame) -> None:
    """Countries coloured by ``values`` (indexed by ISO3) on a world map; others as land without data."""
    map_axes(ax)
    draw_countries(ax, _colours_of(values, mappable), countries, default=OTHER_LAND)


def regime_map(regimes: pd.DataFrame, countries: pd.DataFrame | None = None, *, order: Sequence[str] | None = None,
               step: int | None = None, date: str | None = None, ncols: int = 2,
               per_regime: pd.DataFrame | None = None) -> Figure:
    """Choropleths at the horizon (or ``step``): each baseline's target-regime capability, then each
    policy scenario's denial per regime (``1 - capability / baseline capability``, %), each panel on
    its own colour scale (:func:`denial_mappable`) with its range stated. ``regimes`` is a results
    folder's ``regimes`` table; ``date`` names the step. Denial comes from the folder's
    ``per_regime`` table when given (the mean over replications of the paired denial, as the
    headline measures it), else from :func:`regime_denial`; a panel's title gives its mean over
    regimes, the equal-weighted headline measure."""
    from model import data

    countries = data.countries() if countries is None else countries
    step = int(regimes["step"].max()) if step is None else step
    names = scenario_order(regimes["scenario"].unique(), order)
    baselines = [n for n in names if is_baseline(n)]
    use_table = per_regime is not None and len(per_regime) and step == int(regimes["step"].max())
    denial = per_regime if use_table else regime_denial(regimes, step)
    policies = [n for n in names if n in set(denial["scenario"])]
    at = regimes[regimes["step"] == step]
    capability = capability_mappable(at[at["scenario"].isin(baselines)]["capability"])
    panels = [(n, "capability") for n in baselines] + [(n, "denial") for n in policies]
    with plt.rc_context(STYLE):
        fig, axes = _panel_grid(len(panels), ncols, 2.9)
        fig.set_size_inches(6.4 * axes.shape[1] + 0.4, 4.0 * axes.shape[0] + 1.3)
        cap_axes = []
        for ax, (name, kind) in zip(axes.flat, panels):
            if kind == "capability":
                values = at[at["scenario"] == name].set_index("iso3")["capability"]
                draw_choropleth(ax, values, capability, countries)
                ax.set_title(f"{name}: capability")
                cap_axes.append(ax)
            else:
                rows = denial[denial["scenario"] == name].set_index("iso3")
                scale = denial_mappable(100 * rows["denial"])
                draw_choropleth(ax, 100 * rows["denial"], scale, countries)
                ax.set_title(f"{name}: denial, equal-weighted mean {percent(rows['denial'].mean())}")
                denial_colour_bar(fig, scale, 100 * rows["denial"], ax, location="bottom", shrink=0.7, aspect=30,
                                  pad=0.01)
        _grid_tidy(axes, len(panels))
        if cap_axes:
            bar = fig.colorbar(capability, ax=cap_axes, location="bottom", shrink=0.6, aspect=30, pad=0.01,
                               label="capability at the horizon\n(1 = world per capita at start; log scale)")
            decades = np.log10(capability.norm.vmax / capability.norm.vmin)
            plain_log_ticks(bar.ax.xaxis, (1.0, 2.0, 5.0) if decades <= 3 else (1.0,))
        fig.legend(handles=[Patch(facecolor=OTHER_LAND, edgecolor="#999999", label=NO_DATA_LABEL),
                            Line2D([], [], ls="", marker="o", ms=5, mfc="#888888", mec="#555555",
                                   label="small state (no outline at this scale)")],
                   loc="outside lower center", ncol=2, frameon=False)
        when = f"at {date}" if date else f"at step {step}"
        _suptitle(fig, "Target-regime capability and denial by country",
                  f"{when} (the horizon), mean over {replications_of(per_regime)}paired replications; denial = 1 - capability / baseline "
                  "capability; each panel has its own colour scale\nEqual Earth projection, Natural Earth "
                  "1:110m borders")
        return fig
