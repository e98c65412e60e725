"""World maps: the shipped outlines, the Equal Earth projection, labels that do not overlap, and
per-regime denial computed from a results folder's regimes table."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from model import data
from model.analysis import maps, plots


def test_equal_earth_matches_the_published_extent() -> None:
    """Šavrič et al. (2018): on a unit sphere the map spans x ±2.70663 and y ±1.31736."""
    x, y = maps.equal_earth([0, 180, -180, 0, 0], [0, 0, 0, 90, -90])
    assert np.allclose(x, [0, 2.70663, -2.70663, 0, 0], atol=1e-5)
    assert np.allclose(y, [0, 0, 0, 1.31736, -1.31736], atol=1e-5)
    lon = np.linspace(-180, 180, 7)
    assert np.all(np.diff(maps.equal_earth(lon, np.full(7, 40.0))[0]) > 0)  # east is right


def test_equal_earth_preserves_area() -> None:
    """A 1°x1° cell has the same projected area wherever its longitude, and its area shrinks with
    latitude as cos(latitude) does on the sphere."""
    def cell_area(lon: float, lat: float) -> float:
        x, y = maps.equal_earth([lon, lon + 1, lon + 1, lon], [lat, lat, lat + 1, lat + 1])
        return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))

    equator = cell_area(0, 0)
    assert cell_area(120, 0) == pytest.approx(equator, rel=1e-6)
    sphere = np.sin(np.radians(61)) - np.sin(np.radians(60))
    assert cell_area(10, 60) / equator == pytest.approx(sphere / np.sin(np.radians(1)), rel=1e-3)


def test_shipped_outlines_cover_the_model_countries() -> None:
    assert maps.BOUNDARIES.stat().st_size < 1_000_000
    collection = json.loads(maps.BOUNDARIES.read_text())
    assert "Natural Earth" in collection["source"]
    codes = {feature["properties"]["iso3"] for feature in collection["features"]}
    missing = set(data.countries()["iso3"]) - codes
    # small states without an outline at 1:110m are drawn as dots
    assert missing == {"BHR", "BRB", "COM", "CPV", "HKG", "MDV", "MLT", "MUS", "SGP", "STP", "SYC"}
    assert maps.outlined() == codes - {"ATA"}  # south of the mapped area


def test_outlines_are_installed_as_package_data() -> None:
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["model"]
    assert any(maps.BOUNDARIES.match(pattern) for pattern in patterns)


def test_regime_denial_pairs_each_policy_with_its_baseline() -> None:
    regimes = pd.DataFrame({
        "scenario": ["baseline", "baseline", "strict", "strict", "strict", "strict", "baseline", "baseline"],
        "step": [1, 1, 1, 1, 0, 0, 0, 0],
        "iso3": ["AAA", "BBB", "AAA", "BBB", "AAA", "BBB", "AAA", "BBB"],
        "capability": [2.0, 4.0, 1.5, 5.0, 9.0, 9.0, 9.0, 9.0],
    })
    table = plots.regime_denial(regimes).set_index("iso3")
    assert table.loc["AAA", "denial"] == pytest.approx(0.25) and table.loc["BBB", "denial"] == pytest.approx(-0.25)
    assert set(table["baseline"]) == {"baseline"}
    assert (plots.regime_denial(regimes, step=0)["denial"] == 0).all()
    own = regimes.replace({"baseline": "strict:baseline"})
    assert set(plots.regime_denial(own)["baseline"]) == {"strict:baseline"}


def test_regime_map_colours_targets_and_marks_the_rest_as_no_data() -> None:
    regimes = pd.DataFrame({"scenario": ["baseline", "baseline", "policy", "policy"], "step": 4,
                            "iso3": ["CHN", "SGP", "CHN", "SGP"], "capability": [4.0, 1.0, 3.0, 1.2]})
    fig = plots.regime_map(regimes)
    baseline_ax, policy_ax = fig.axes[:2]
    codes = maps._outlines()[0]
    land = next(c for c in policy_ax.collections if len(c.get_paths()) == len(codes))
    colours = {code: tuple(land.get_facecolors()[i]) for i, code in enumerate(codes)}
    no_data = tuple(plots.matplotlib.colors.to_rgba(plots.OTHER_LAND))
    assert colours["CHN"] != no_data and colours["USA"] == no_data
    assert "denial" in policy_ax.get_title() and "capability" in baseline_ax.get_title()
    small = policy_ax.collections[-1]  # Singapore: a dot, blue for its negative denial on a diverging scale
    red, _, blue, _ = small.get_facecolors()[0]
    assert blue > red
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 2  # capability, and this policy's own denial scale
    denial_bar = next(bar.get_xlabel() for bar in bars if "denial" in bar.get_xlabel())
    assert "-20.0% to 25.0%" in denial_bar and "blue: below 0" in denial_bar
    assert any(t.get_text() == plots.NO_DATA_LABEL for legend in fig.legends for t in legend.get_texts())


def test_denial_scales_fit_each_panel() -> None:
    """Sequential from 0 to the panel's maximum; diverging and symmetric when a value is below 0;
    logarithmic where most values are far below the largest (small effects stay visible)."""
    plain = plots.denial_mappable([0.5, 1.0, 2.0])
    assert (plain.norm.vmin, plain.norm.vmax) == (0.0, 2.0) and plain.cmap.name == plots.DENIAL_COLOURS
    both = plots.denial_mappable([-0.01, 0.5, 3.0])
    assert (both.norm.vmin, both.norm.vmax) == (-3.0, 3.0) and both.cmap.name == plots.DIVERGING_COLOURS
    assert both.to_rgba(-0.01) != both.to_rgba(0.01)
    skewed = plots.denial_mappable([0.05, 0.1, 0.08, 4.0])
    assert isinstance(skewed.norm, plots.matplotlib.colors.SymLogNorm)
    assert skewed.norm(0.1) > 0.3  # 0.1% is no longer near-white beside 4%


def test_regime_map_shows_the_folders_paired_denial_when_it_has_one() -> None:
    """The map shows the per_regime table's denial (mean of paired replicates, as the headline), not the
    ratio of mean capabilities it falls back to without one."""
    regimes = pd.DataFrame({"scenario": ["baseline", "baseline", "policy", "policy"], "step": 4,
                            "iso3": ["CHN", "IND", "CHN", "IND"], "capability": [4.0, 2.0, 3.0, 1.0]})
    per_regime = pd.DataFrame({"scenario": "policy", "iso3": ["CHN", "IND"], "denial": [0.1, 0.3]})
    assert plots.regime_map(regimes).axes[1].get_title() == "policy: denial, equal-weighted mean 37.5%"
    assert (plots.regime_map(regimes, per_regime=per_regime).axes[1].get_title()
            == "policy: denial, equal-weighted mean 20.0%")


def test_flow_map_labels_do_not_overlap() -> None:
    countries = data.countries()
    flows = pd.DataFrame({  # a crowded corner: Armenia, Georgia, Azerbaijan, Kyrgyzstan, Uzbekistan...
        "scenario": "s", "exporter": "CHN", "hub": "",
        "buyer": ["ARM", "GEO", "AZE", "KGZ", "UZB", "TJK", "TKM", "KAZ", "IRN", "TUR"],
        "route": "foreign_availability", "acquired": np.linspace(10, 1, 10)})
    fig = plots.flow_map(flows, countries)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if t.get_text().isupper() and len(t.get_text()) == 3]
    assert len(texts) >= 8
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_place_labels_beside_their_points_inside_the_axes_with_leaders_only_when_far() -> None:
    """A lone point's label sits just right of it (no leader); labels crowded into a corner
    all stay inside the axes and apart from each other and from the other points, the far ones with
    leader lines."""
    fig, ax = plots.plt.subplots(figsize=(4, 3))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    maps.place_labels(ax, [("AAA", 2.0, 5.0, "normal")] + [(f"C{k:02d}", 9.5 - 0.3 * k, 9.5, "light") for k in range(6)])
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    plots.plt.close(fig)
    points = ax.transData.transform([(2.0, 5.0)] + [(9.5 - 0.3 * k, 9.5) for k in range(6)])
    assert 0 < boxes[0].x0 - points[0, 0] < 5 and boxes[0].y0 < points[0, 1] < boxes[0].y1
    frame = ax.bbox
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    assert not any(b.contains(*p) for b, p in itertools.product(boxes, points))
    distance = [np.hypot(*(np.clip(p, b.p0, b.p1) - p)) for b, p in zip(boxes, points)]
    far = {k for k, d in enumerate(distance) if d > maps.LEADER_FROM}
    starts = ax.transData.transform([segment[0] for c in ax.collections for segment in c.get_segments()])
    assert 0 < len(far) < len(boxes) and len(starts) == len(far)
    assert {int(np.argmin(np.hypot(*(points - s).T))) for s in starts} == far


def test_capability_colour_bar_writes_plain_numbers() -> None:
    """Ticks at 1, 2 and 5 times the powers of ten, written "0.5" and "20", not as TeX powers of ten."""
    regimes = pd.DataFrame({"scenario": "baseline", "step": 4, "iso3": ["CHN", "IND", "IRN"],
                            "capability": [20.0, 0.06, 1.0]})
    fig = plots.regime_map(regimes)
    fig.draw_without_rendering()
    bar = next(ax for ax in fig.axes if ax.get_label() == "<colorbar>")
    labels = [t.get_text() for t in bar.get_xticklabels() if t.get_text()]
    plots.plt.close(fig)
    assert {"0.1", "0.5", "1", "2", "10", "20"} <= set(labels) and not any("$" in label for label in labels)
