"""World maps for the figures and the dashboard: shipped country outlines in the Equal Earth projection.

The outlines are Natural Earth's 1:110m countries (public domain), stored in
``model/data/boundaries_110m.geojson`` (built once by ``model/data/build_boundaries.py``; see
``model/data/README.md``); nothing is downloaded. Equal Earth (Šavrič, Patterson and Jenny 2018) is
an equal-area projection with a closed form, so it needs no projection library: areas on the map
compare as areas on the globe, which is what a choropleth of countries needs.

Small states that have no outline at this scale (e.g. Singapore, Bahrain) are drawn as dots.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.patches import Polygon
from matplotlib.path import Path as MplPath

from model.data import DATA_DIR

BOUNDARIES = DATA_DIR / "boundaries_110m.geojson"
SOUTH_LIMIT = -58.0
"""Latitude below which nothing is drawn (Antarctica has no regime to show)."""
LAND = "#E4E8EC"
"""Land without data (countries that are not in the table being mapped)."""
BORDER = "#FFFFFF"
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = np.sqrt(3.0) / 2.0


def equal_earth(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Equal Earth projection of longitude/latitude in degrees; x, y on a unit-radius sphere
    (x spans about ±2.71 and y ±1.32)."""
    lam, phi = np.radians(np.asarray(lon, float)), np.radians(np.asarray(lat, float))
    theta = np.arcsin(_M * np.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * np.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


@cache
def _outlines() -> tuple[tuple[str, ...], tuple[MplPath, ...]]:
    """Each outlined country's ISO3 code and projected outline (one compound path per country)."""
    collection = json.loads(BOUNDARIES.read_text())
    codes, paths = [], []
    for feature in collection["features"]:
        vertices, kinds = [], []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                points = np.asarray(ring, float)
                if points[:, 1].max() < SOUTH_LIMIT:
                    continue
                lon = np.degrees(np.unwrap(np.radians(points[:, 0])))  # rings across the antimeridian
                for shift in {0.0, -360.0 * np.sign(lon.max() - 180) if abs(lon).max() > 180 else 0.0}:
                    x, y = equal_earth(lon + shift, np.maximum(points[:, 1], SOUTH_LIMIT))
                    vertices.append(np.column_stack([x, y]))
                    kinds.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 2) + [MplPath.CLOSEPOLY])
        if vertices:
            codes.append(feature["properties"]["iso3"])
            paths.append(MplPath(np.concatenate(vertices), np.concatenate(kinds).astype(np.uint8)))
    return tuple(codes), tuple(paths)


def outlined() -> frozenset[str]:
    """ISO3 codes of the countries that have an outline (the others are drawn as dots)."""
    return frozenset(_outlines()[0])


def positions(countries: pd.DataFrame) -> pd.DataFrame:
    """Projected x, y of each country's point (``lon``, ``lat`` columns), indexed by ISO3."""
    x, y = equal_earth(countries["lon"], countries["lat"])
    return pd.DataFrame({"x": x, "y": y}, index=pd.Index(countries["iso3"], name="iso3"))


def _globe() -> np.ndarray:
    """The projected outline of the mapped globe (the ±180° meridians, cut at :data:`SOUTH_LIMIT`)."""
    lat = np.linspace(SOUTH_LIMIT, 90, 60)
    west, y = equal_earth(np.full_like(lat, -180.0), lat)
    return np.column_stack([np.concatenate([west, -west[::-1]]), np.concatenate([y, y[::-1]])])


@cache
def _graticule() -> tuple[np.ndarray, ...]:
    """The projected parallels at every 30° from -30° to 60° and the meridians at every 30° (a light grid)."""
    parallels = [np.column_stack(equal_earth(np.linspace(-180, 180, 90), np.full(90, float(parallel))))
                 for parallel in (-30, 0, 30, 60)]
    meridians = [np.column_stack(equal_earth(np.full(40, float(meridian)), np.linspace(SOUTH_LIMIT, 90, 40)))
                 for meridian in range(-150, 181, 30)]
    return tuple(parallels + meridians)


def map_axes(ax: Axes, ocean: str = "#F3F6F9") -> None:
    """Frame ``ax`` as a world map: the projected globe's outline as background, no ticks."""
    outline = _globe()
    ax.fill(outline[:, 0], outline[:, 1], color=ocean, lw=0.6, ec="#C9D1D9", zorder=0)
    west, east, y = outline[:, 0].min(), outline[:, 0].max(), outline[:, 1]
    ax.add_collection(LineCollection(_graticule(), colors="white", linewidths=0.8, capstyle="projecting",
                                     zorder=0.5), autolim=False)
    ax.set_aspect("equal")
    ax.set_xlim(west * 1.01, east * 1.01)
    ax.set_ylim(y.min() - 0.02, y.max() + 0.02)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)


def draw_countries(ax: Axes, colours: Mapping[str, str] | None = None, countries: pd.DataFrame | None = None,
                   *, default: str = LAND, border: str = BORDER, dot_size: float = 14.0) -> None:
    """Draw every outlined country, filled with ``colours[iso3]`` (``default`` when absent); a
    country of ``countries`` that is coloured but has no outline is drawn as a dot at its point."""
    colours = colours or {}
    codes, paths = _outlines()
    land = PathCollection(list(paths), facecolors=[colours.get(c, default) for c in codes], edgecolors=border,
                          linewidths=0.35, zorder=1)
    ax.add_collection(land, autolim=False)  # map_axes sets the limits
    land.set_clip_path(Polygon(_globe(), closed=True, transform=ax.transData))  # parts beyond ±180°
    if countries is not None:
        small = countries[countries["iso3"].isin(set(colours) - set(codes))]
        if len(small):
            xy = positions(small)
            ax.scatter(xy["x"], xy["y"], s=dot_size, c=[colours[c] for c in small["iso3"]], edgecolors="#555555",
                       linewidths=0.5, zorder=2)


LABEL_PLACES = tuple((dx, dy, ring) for ring in (1, 2, 3, 4) for dx, dy in
                     ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)))
"""Where :func:`place_labels` tries a label, in order: beside its point to the right, left, above,
below, then the corners, and so on ring by ring farther out (``ring`` 1 touches the point)."""
LABEL_PAD = (1.15, 1.3)
"""Each label's box widened and heightened by these factors before checking overlaps."""
LEADER_FROM = 8.0
"""A label farther than this (pixels at the figure's dpi) from its point gets a thin leader line."""


def place_labels(ax: Axes, labels: Sequence[tuple[str, float, float, str]], fontsize: float = 7.5) -> None:
    """Label points ``(text, x, y, weight)`` so that no two labels overlap and none covers another's
    point: in the order given, each label takes the first place of :data:`LABEL_PLACES` that is free
    and inside ``ax`` (or, where none is, the one overlapping least), with a thin leader line when
    placed away from its point. ``weight``: "bold", "normal" or "light" (grey). Place labels once
    the layout is final (:func:`model.analysis.plots.freeze_layout`): sizes are measured, not drawn."""
    if not labels:
        return
    texts = [ax.text(x, y, text, fontsize=fontsize, fontweight="bold" if weight == "bold" else "normal",
                     color="#777777" if weight == "light" else "#222222", zorder=5, ha="center", va="center",
                     path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])
             for text, x, y, weight in labels]
    ax.apply_aspect()
    renderer = ax.figure._get_renderer()  # one renderer for every measure; nothing is drawn
    sizes = np.array([(box.width, box.height) for box in (t.get_window_extent(renderer) for t in texts)])
    half = sizes * np.array(LABEL_PAD) / 2
    points = ax.transData.transform(np.array([(x, y) for _, x, y, _ in labels], float))
    frame = ax.bbox
    taken = [_box(point, np.array([2.5, 2.5])) for point in points]
    leaders = []
    for k, (text, point, size) in enumerate(zip(texts, points, half)):
        others = [box for j, box in enumerate(taken) if j != k]
        centre, least = point, np.inf  # where no place lies inside the axes: on the point
        for dx, dy, ring in LABEL_PLACES:
            place = point + np.array([dx, dy]) * (size * (2 * ring - 1) + 1.5)
            box = _box(place, size)
            if box[0] < frame.x0 or box[1] < frame.y0 or box[2] > frame.x1 or box[3] > frame.y1:
                continue
            overlap = sum(_overlap(box, other) for other in others)
            if overlap < least:
                centre, least = place, overlap
                if overlap == 0:
                    break
        box = _box(centre, size)
        taken.append(box)
        text.set_position(ax.transData.inverted().transform(centre))
        nearest = np.clip(point, box[:2], box[2:])
        if np.hypot(*(nearest - point)) > LEADER_FROM:
            leaders.append(ax.transData.inverted().transform([point, nearest]))
    if leaders:
        ax.add_collection(LineCollection(leaders, colors="#777777", linewidths=0.5, zorder=4.5), autolim=False)


def _box(centre: np.ndarray, half: np.ndarray) -> np.ndarray:
    """The box (x0, y0, x1, y1) of ``half`` width and height around ``centre``."""
    return np.array([centre[0] - half[0], centre[1] - half[1], centre[0] + half[0], centre[1] + half[1]])


def _overlap(box: np.ndarray, other: np.ndarray) -> float:
    """The area two boxes (x0, y0, x1, y1) share."""
    width = min(box[2], other[2]) - max(box[0], other[0])
    height = min(box[3], other[3]) - max(box[1], other[1])
    return max(width, 0.0) * max(height, 0.0)


def _inside_globe(points: np.ndarray) -> np.ndarray:
    """Whether each projected point lies within the mapped globe's outline."""
    return MplPath(_globe()).contains_points(points, radius=1e-3)


def hover_areas(ax: Axes, codes: Sequence[str], countries: pd.DataFrame, dot_radius: float = 6.0
                ) -> list[tuple[str, list[np.ndarray]]]:
    """Where each country of ``codes`` lies on the drawn figure of ``ax``, in pixels from the image's
    top left (draw the figure at the dpi it is saved with first): its outline's rings, or for a
    state without an outline a small octagon round its point. For hover areas over a PNG."""
    height = ax.figure.bbox.height
    to_pixels = ax.transData

    def flipped(points: np.ndarray) -> np.ndarray:
        xy = to_pixels.transform(points)
        return np.column_stack([xy[:, 0], height - xy[:, 1]])

    shapes = dict(zip(*_outlines()))
    points = positions(countries[countries["iso3"].isin(set(codes))])
    turn = np.linspace(0, 2 * np.pi, 9)[:-1]
    areas = []
    for code in codes:
        if code in shapes:  # the copies of rings across the antimeridian lie off the globe: left out
            rings = [flipped(ring) for ring in shapes[code].to_polygons(closed_only=False) if len(ring) > 2
                     and np.mean(_inside_globe(ring)) > 0.5]
        elif code in points.index:
            centre = flipped(points.loc[[code]].to_numpy(float))[0]
            rings = [centre + dot_radius * np.column_stack([np.cos(turn), np.sin(turn)])]
        else:
            continue
        areas.append((code, rings))
    return areas
