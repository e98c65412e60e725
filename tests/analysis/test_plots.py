"""Figures: every figure renders from a small real results folder, is saved as PNG and SVG, has a
title, axis labels and a legend that hides no data; ``plot`` redraws without running the model."""

from __future__ import annotations

import gc
import itertools
import json
import sys
import types
from pathlib import Path

import matplotlib.dates
import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from model.analysis import plots
from model.analysis.report import FIGURES, draw_figures, write_comparison
from model.errors import ModelInputError
from model.experiment import Comparison, compare
from model.interfaces.cli import main
from model.interfaces.viz_cli import plot_folder
from model.scenario import SCENARIO_DIR, load_scenario


@pytest.fixture(scope="session")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real results folder: two policy scenarios and their shared baseline, horizon 8, 2 replications."""
    scenarios = [load_scenario(SCENARIO_DIR / f"{name}.toml").model_copy(update={"horizon": 8})
                 for name in ("unilateral_us", "echri_coalition")]
    comparison = compare(scenarios, replications=2, executor="serial", progress=False)
    return write_comparison(comparison, tmp_path_factory.mktemp("plots") / "results", command=["test"])


@pytest.fixture(scope="session")
def comparison(results: Path):
    return Comparison.load(results)


def test_results_folder_has_every_figure_as_png(results: Path) -> None:
    """PNG by default; SVG and PDF on request (test_plot_one_figure_in_chosen_formats)."""
    drawn = sorted(f"{n}.png" for n in FIGURES)
    assert sorted(p.name for p in (results / "figures").iterdir()) == sorted([*drawn, ".drawn"])
    assert sorted((results / "figures" / ".drawn").read_text().splitlines()) == drawn  # what --force may delete
    for name in FIGURES:
        path = results / "figures" / f"{name}.png"
        assert path.is_file() and path.stat().st_size > 1000, path
        image = matplotlib.image.imread(path)
        assert image.shape[0] > 300 and image.shape[1] > 600  # readable size


def _figures(comparison) -> dict:
    """Every figure function called directly on the folder's tables."""
    ts, order = comparison.timeseries, list(comparison.settings["scenarios"])
    dates = ts.drop_duplicates("step").set_index("step")["date"].to_dict()
    return {
        "capability_over_time": lambda: plots.capability_over_time(ts, "2020-01-01", order=order,
                                                                   regimes=comparison.regimes,
                                                                   summary=comparison.summary),
        "leakage_by_route": lambda: plots.leakage_by_route(comparison.summary, order=order),
        "leakage_over_time": lambda: plots.leakage_over_time(ts, "2020-01-01", order=order),
        "effectiveness": lambda: plots.effectiveness(comparison.summary, order=order),
        "flow_map": lambda: plots.flow_map(comparison.flows, targets=comparison.regimes["iso3"].unique(),
                                           order=order),
        "market_share": lambda: plots.market_share(ts, "2020-01-01", order=order),
        "regime_capability": lambda: plots.regime_capability(comparison.regimes, dates=dates, order=order),
        "regime_map": lambda: plots.regime_map(comparison.regimes, order=order),
    }


MAPS = {"flow_map", "regime_map"}


def test_every_figure_is_tested(comparison) -> None:
    assert set(_figures(comparison)) == set(FIGURES)


@pytest.mark.parametrize("name", FIGURES)
def test_figure_has_title_labels_and_a_legend_that_hides_no_data(comparison, name: str, tmp_path: Path) -> None:
    fig = _figures(comparison)[name]()
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    colour_bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert all(bar.get_xlabel() or bar.get_ylabel() for bar in colour_bars), "a colour bar without a label"
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax not in colour_bars]
    assert axes
    def title(ax):
        return "".join(ax.get_title(loc) for loc in ("left", "center", "right"))

    assert all(title(ax) for ax in axes), "a panel without a title"
    if name in MAPS:  # maps have no axes to label: a colour bar or a legend says what colours mean
        assert all(not ax.get_xticks().size and not ax.get_yticks().size for ax in axes)
    else:
        assert any(ax.get_xlabel() for ax in axes) and any(ax.get_ylabel() for ax in axes)
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    if name != "effectiveness":  # there the scenarios are the y tick labels: nothing left to explain
        assert legends, "no legend"
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), f"{name}: legend over a data panel"
    paths = plots.save(fig, tmp_path, name, formats=("png", "svg", "pdf"))
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"] and all(p.stat().st_size > 0 for p in paths)


def test_scenario_colours_are_the_same_in_every_figure(comparison) -> None:
    order = list(comparison.settings["scenarios"])
    colours = plots.scenario_colours(plots.scenario_order(comparison.timeseries["scenario"].unique(), order))
    assert colours["baseline"] == "#000000"
    assert colours["unilateral_us"] != colours["echri_coalition"]
    eff = plots.effectiveness(comparison.summary, order=order)
    dots = {line.get_color() for line in eff.axes[0].get_lines() if line.get_marker() == "o"}
    assert dots == {colours["unilateral_us"], colours["echri_coalition"]}


def test_every_route_has_a_label_and_its_own_colour() -> None:
    from model.vocabulary import ROUTES

    assert set(plots.ROUTE_LABELS) == set(ROUTES)
    assert list(plots.ROUTE_COLOURS) == list(ROUTES) and len(set(plots.ROUTE_COLOURS.values())) == len(ROUTES)


def test_spread_keeps_labels_apart_and_near_their_values() -> None:
    placed = plots.spread([1.0, 0.9, 0.7, 12.0], gap=0.5, low=0, high=13)
    ordered = sorted(placed)
    assert all(b - a >= 0.5 - 1e-9 for a, b in itertools.pairwise(ordered))
    assert placed[3] == 12.0 and abs(sum(placed[:3]) / 3 - 0.8667) < 0.01


def test_even_years_are_the_ticks_a_year_locator_of_two_shows() -> None:
    """The same ticks within the view (an axis drops the others) on 200 random date ranges."""
    rng = np.random.default_rng(7)
    dates = matplotlib.dates
    for low, span in zip(rng.uniform(8000, 30000, 200), rng.uniform(0, 9000, 200)):
        limits = (low, low + span)

        def shown(ticks: np.ndarray, limits: tuple[float, float] = limits) -> np.ndarray:
            return ticks[(ticks >= limits[0]) & (ticks <= limits[1])]

        expected = shown(dates.YearLocator(2).tick_values(*map(dates.num2date, limits)))
        assert np.array_equal(shown(plots.EvenYears().tick_values(*limits)), expected)
        assert np.array_equal(shown(plots.EvenYears().tick_values(*limits[::-1])), expected)


def test_png_is_the_one_savefig_draws_with_a_tight_box(comparison, tmp_path: Path) -> None:
    """save() lays a figure out and draws it once; the pixels are savefig's own with bbox_inches="tight"."""
    for name in ("regime_map", "market_share"):
        make = {"regime_map": lambda: plots.regime_map(comparison.regimes),
                "market_share": lambda: plots.market_share(comparison.timeseries)}[name]
        saved = plots.save(make(), tmp_path, name, ("png",))[0]
        with plots.style():
            reference = make()
            reference.savefig(tmp_path / "reference.png", bbox_inches="tight",
                              pil_kwargs={"compress_level": plots.PNG_COMPRESSION})
            plots.plt.close(reference)
        assert np.array_equal(matplotlib.image.imread(saved), matplotlib.image.imread(tmp_path / "reference.png"))


def test_drawing_leaves_the_garbage_collector_as_it_found_it(comparison, tmp_path: Path) -> None:
    draw_figures(comparison, tmp_path, only="effectiveness")
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # as a worker forked from the server: its objects are set aside and stay so
    try:
        frozen = gc.get_freeze_count()
        draw_figures(comparison, tmp_path / "frozen", only="effectiveness")
        assert 0 < gc.get_freeze_count() <= frozen  # not unfrozen (objects freed since leave it)
    finally:
        gc.unfreeze()


def test_svg_is_identical_when_redrawn(comparison, tmp_path: Path) -> None:
    first = draw_figures(comparison, tmp_path / "a", only="effectiveness", formats=("svg",))[0].read_bytes()
    second = draw_figures(comparison, tmp_path / "b", only="effectiveness", formats=("svg",))[0].read_bytes()
    assert first == second



def test_figures_drawn_by_two_processes_are_the_files_drawn_by_one(comparison, tmp_path: Path) -> None:
    formats = ("png", "svg")
    one = draw_figures(comparison, tmp_path / "one", formats=formats)
    two = draw_figures(comparison, tmp_path / "two", formats=formats, workers=2)
    assert [p.name for p in two] == [p.name for p in one] and len(one) == 2 * len(FIGURES)
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two))

def test_flow_map_draws_only_the_top_flows(comparison) -> None:
    top = plots.top_flows(comparison.flows[comparison.flows["scenario"] == "unilateral_us"], 5)
    assert len(top) == 5 and top["acquired"].is_monotonic_decreasing
    assert set(top.columns) == {"exporter", "hub", "buyer", "route", "acquired"}


def test_share_table_keeps_the_top_countries_and_other(comparison) -> None:
    table = plots.share_table(comparison.timeseries, top=3)
    assert list(dict.fromkeys(table["country"]))[-1] == "other" and table["country"].nunique() == 4
    totals = table.groupby(["scenario", "date"])["share"].sum()
    assert ((totals - 100).abs() < 1e-6).all()


# --- plot: redraw from a stored folder ----------------------------------------------------------

@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to run the model fail."""
    def refuse(*args, **kwargs):
        raise AssertionError("plot must not run the model")

    monkeypatch.setattr("model.experiment.runner.run_one", refuse)
    monkeypatch.setattr("model.simulation.ControlRegimeModel.step", refuse)
    monkeypatch.setattr("model.experiment.compare", refuse)


def test_plot_redraws_from_stored_tables_without_running_the_model(results: Path, tmp_path: Path,
                                                                  no_simulation, capsys) -> None:
    out = tmp_path / "figures"
    assert main(["plot", str(results), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.png" for n in FIGURES)
    assert str(out / "flow_map.png") in capsys.readouterr().out


def test_plot_one_figure_in_chosen_formats(results: Path, tmp_path: Path, no_simulation) -> None:
    paths = plot_folder(results, figures=["flow_map"], formats=("pdf",), out=tmp_path)
    assert [p.name for p in paths] == ["flow_map.pdf"]
    assert main(["plot", str(results), "--figure", "effectiveness", "--format", "png,svg",
                 "--out", str(tmp_path / "x")]) == 0
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["effectiveness.png", "effectiveness.svg"]


def test_plot_draws_the_same_files_with_helper_processes(results: Path, tmp_path: Path, no_simulation) -> None:
    names = ("effectiveness", "market_share")
    for workers in ("1", "2"):
        assert main(["plot", str(results), *(a for n in names for a in ("--figure", n)), "--format", "png",
                     "--workers", workers, "--out", str(tmp_path / workers)]) == 0
    for name in names:
        assert (tmp_path / "1" / f"{name}.png").read_bytes() == (tmp_path / "2" / f"{name}.png").read_bytes()


def test_plot_compact_png_for_readmes(results: Path, tmp_path: Path, no_simulation) -> None:
    from PIL import Image

    assert main(["plot", str(results), "--figure", "leakage_by_route", "--format", "png",
                 "--dpi", "80", "--compact", "--out", str(tmp_path / "small")]) == 0
    small = Image.open(tmp_path / "small" / "leakage_by_route.png")
    full = Image.open(results / "figures" / "leakage_by_route.png")
    assert small.mode == "P" and small.width < full.width * 0.6
    with pytest.raises(SystemExit) as refused:  # refused as the arguments are parsed
        main(["plot", str(results), "--dpi", "5"])
    assert refused.value.code == 2


def test_plot_writes_into_the_results_folder_by_default(results: Path, no_simulation) -> None:
    before = (results / "figures" / "market_share.png").stat().st_mtime_ns
    assert main(["plot", str(results), "--figure", "market_share", "--format", "png"]) == 0
    assert (results / "figures" / "market_share.png").stat().st_mtime_ns >= before


@pytest.mark.parametrize("argv, message", [
    (["--figure", "efectiveness"], "did you mean 'effectiveness'"),
    (["--format", "gif"], "unknown figure format"),
])
def test_plot_bad_names_are_one_line_errors(results: Path, argv, message, capsys) -> None:
    assert main(["plot", str(results), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_plot_help_lists_the_formats_plots_can_write() -> None:
    from model.interfaces.viz_cli import FORMAT_METAVAR

    assert FORMAT_METAVAR.split("|") == list(plots.FORMATS)


def test_plot_rejects_what_is_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelInputError, match="no such results folder"):
        plot_folder(tmp_path / "missing")
    with pytest.raises(ModelInputError, match=r"no manifest.json"):
        plot_folder(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "calibration"}))
    with pytest.raises(ModelInputError, match="kind"):
        plot_folder(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "comparison"}))
    with pytest.raises(ModelInputError, match="missing table"):
        plot_folder(tmp_path)


def test_plot_dispatches_sweep_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    calls = []

    def draw_sweep_figures(folder, out=None, only=None, formats=("png", "svg")):
        calls.append((folder, out, only, formats))
        return [tmp_path / f"{only or 'all'}.{formats[0]}"]

    fake = types.ModuleType("model.analysis.sweep_figures")
    fake.draw_sweep_figures = draw_sweep_figures
    monkeypatch.setitem(sys.modules, "model.analysis.sweep_figures", fake)
    assert plot_folder(tmp_path) == [tmp_path / "all.png"]
    assert plot_folder(tmp_path, figures=["a", "b"], formats=("pdf",)) == [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    assert calls[0] == (tmp_path, None, None, ("png",))


def test_plot_of_a_sweep_without_sweep_figures_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    monkeypatch.setitem(sys.modules, "model.analysis.sweep_figures", None)  # importing it raises ImportError
    with pytest.raises(ModelInputError, match="sweep figures"):
        plot_folder(tmp_path)


def test_baseline_only_results_skip_policy_figures(comparison, tmp_path: Path) -> None:
    import dataclasses

    ts = comparison.timeseries
    only_baseline = dataclasses.replace(
        comparison, summary=pd.DataFrame(), per_replication=pd.DataFrame(),
        timeseries=ts[ts["role"] == "baseline"], flows=comparison.flows.iloc[:0],
        regimes=comparison.regimes[comparison.regimes["scenario"] == "baseline"],
        settings={**comparison.settings, "scenarios": {"baseline": comparison.settings["scenarios"]["unilateral_us"]}},
    )
    names = {p.stem for p in draw_figures(only_baseline, tmp_path, formats=("png",))}
    assert names == {"capability_over_time", "market_share", "regime_capability", "regime_map"}
    with pytest.raises(ModelInputError, match="needs a policy scenario"):
        draw_figures(only_baseline, tmp_path, only="effectiveness")




def test_capability_over_time_shows_the_headline_measure(comparison) -> None:
    """The right panel is equal-weighted denial (the headline): its end labels are the summary's
    ``denial_equal`` written by the one formatter, and its legend lists only drawn series."""
    from model.formatting import percent

    fig = _figures(comparison)["capability_over_time"]()
    fig.draw_without_rendering()
    level, change = fig.axes[:2]
    assert "equal-weighted" in change.get_ylabel() and "%" in change.get_ylabel()
    labels = {t.get_text() for t in change.texts if t.get_text().endswith("%")}
    summary = comparison.summary.set_index("scenario")
    assert labels == {percent(summary.loc[name, "denial_equal"]) for name in summary.index}
    drawn = {line.get_label() for line in level.get_lines()}
    assert {t.get_text() for t in fig.legends[0].get_texts()} <= drawn
    at_horizon = plots.equal_weighted(comparison.regimes)
    last = at_horizon[at_horizon["step"] == at_horizon["step"].max()].set_index("scenario")["denial"]
    for name in summary.index:  # the regime means' denial agrees with the paired headline
        assert last[name] == pytest.approx(summary.loc[name, "denial_equal"], abs=5e-4)


def test_headline_table_leads_with_the_headline_and_cuts_nothing(comparison) -> None:
    from model.analysis.report import headline_table
    from model.vocabulary import ROUTES

    table = headline_table(comparison.summary, comparison.per_regime)
    header = table.splitlines()[0]
    columns = [c.strip() for c in header.split("  ") if c.strip()]
    assert columns[:2] == ["scenario", "denial, equal-weighted (headline)"]
    assert "-0.0%" not in table and " -0.0 " not in table
    shown = [r for r in ROUTES if comparison.summary[f"leakage_{r}"].abs().max() >= 0.0005]
    route_header = next(line for line in table.splitlines() if line.startswith("scenario") and "legal" in line)
    assert route_header.split()[1:] == shown  # full names, none cut off


def _drawn_labels(fig) -> set[str]:
    """Labels of the artists that show data: lines with points, bars with a length, filled areas."""
    from matplotlib.collections import PolyCollection
    from matplotlib.container import BarContainer

    labels = set()
    for ax in fig.axes:
        labels |= {line.get_label() for line in ax.get_lines() if len(line.get_xdata())}
        labels |= {c.get_label() for c in ax.containers if isinstance(c, BarContainer)
                   and any(abs(bar.get_width()) > 0 for bar in c.patches)}
        labels |= {c.get_label() for c in ax.collections if isinstance(c, PolyCollection)}
    return labels


@pytest.mark.parametrize("name", ["capability_over_time", "leakage_by_route", "leakage_over_time", "market_share",
                                  "regime_capability"])
def test_legends_list_only_drawn_series(comparison, name: str) -> None:
    fig = _figures(comparison)[name]()
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    entries = {t.get_text() for legend in legends for t in legend.get_texts()}
    assert entries and entries <= _drawn_labels(fig), entries - _drawn_labels(fig)


def test_effectiveness_shows_small_denial_beside_large_on_a_stated_log_axis(comparison) -> None:
    summary = comparison.summary.copy()
    summary.loc[summary.index[0], ["denial_effectiveness", "denial_effectiveness_low", "denial_effectiveness_high"]] = (
        0.30, 0.29, 0.31)  # a global agreement beside unilateral controls' fraction of a percent
    ax = plots.effectiveness(summary, order=list(comparison.settings["scenarios"])).axes[0]
    assert ax.get_xscale() == "symlog" and "logarithmic above 0.1%" in ax.get_xlabel() and "(%)" in ax.get_xlabel()


def test_leakage_key_names_only_routes_wide_enough_to_see(comparison) -> None:
    summary = comparison.summary.copy()
    summary[[f"leakage_{r}" for r in plots.ROUTES]] = 0.0
    summary[["leakage_public_copies", "leakage_conversion"]] = (0.79, 0.001)  # 0.1% beside 79%
    summary[["leakage_rate", "leakage_rate_low", "leakage_rate_high"]] = (0.791, 0.79, 0.792)
    fig = plots.leakage_by_route(summary)
    key = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert key == {plots.ROUTE_LABELS["public_copies"]}
    assert f"{plots.ROUTE_LABELS['conversion']} (at most 0.10%)" in fig.get_supxlabel()


def test_a_policy_that_blocked_nothing_has_no_leakage_and_says_why(comparison) -> None:
    import warnings

    from model.analysis.report import NOTHING_BLOCKED, headline_table

    summary = comparison.summary.copy()
    first = summary.index[0]
    summary.loc[first, [c for c in summary if c.startswith("leakage_")]] = float("nan")  # inputs only
    table = headline_table(summary)
    assert "n/a" not in table and "none blocked" in table
    assert f"{summary.loc[first, 'scenario']}: {NOTHING_BLOCKED}" in table
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no empty-legend warning either
        fig = plots.leakage_by_route(summary.loc[[first]])
    assert [t.get_text() for t in fig.axes[0].texts] == ["nothing blocked on the direct route: no leakage to measure"]
    assert fig.axes[0].get_legend() is None
