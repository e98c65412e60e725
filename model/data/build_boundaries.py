"""Build the country outlines ``model/data/boundaries_110m.geojson`` (run once; provenance record).

Source: Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com), as the
TopoJSON ``countries-110m.json`` of the npm package ``world-atlas`` 2.0.2 (Mike Bostock, ISC
licence). Get it without installing anything with ``npm pack world-atlas@2.0.2`` and unpack the
tarball. The simulator reads the GeoJSON written here, never this script, and nothing is
downloaded at run time.

The TopoJSON is decoded (quantised, delta-encoded arcs), each country keyed by ISO 3166-1
alpha-3 (from its numeric id, via ``pycountry``, needed only here), with coordinates rounded to
0.01 degree. Three features without an ISO number are keyed by the model's country that holds
them (``UNCODED``). Features that are not countries of the model (e.g. Greenland) keep their ISO
code and are drawn as land without data.

Usage (from the repository root)::

    python model/data/build_boundaries.py PATH/TO/countries-110m.json [--out OUTPUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "boundaries_110m.geojson"
DIGITS = 2
UNCODED = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}
"""Features with no ISO 3166 number: the model's country code that holds them."""


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute longitude/latitude of every arc (TopoJSON quantised delta encoding)."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for qx, qy in arc:
            x, y = x + qx, y + qy
            points.append((round(x * kx + dx, DIGITS), round(y * ky + dy, DIGITS)))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """A closed ring from arc indices (a negative index ~i is arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])  # consecutive arcs share their end point
    return [list(p) for p in points]


def iso3_of(feature_id: str | None, name: str) -> str:
    import pycountry

    if feature_id is None:
        return UNCODED.get(name, "")
    country = pycountry.countries.get(numeric=feature_id)
    return country.alpha_3 if country else ""


def build(source: Path) -> dict:
    topology = json.loads(source.read_text())
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        name = geometry["properties"]["name"]
        features.append({
            "type": "Feature",
            "properties": {"iso3": iso3_of(geometry.get("id"), name), "name": name},
            "geometry": {"type": "MultiPolygon",
                         "coordinates": [[ring(r, arcs) for r in polygon] for polygon in polygons]},
        })
    return {"type": "FeatureCollection",
            "source": "Natural Earth 1:110m Admin 0 countries (public domain), via world-atlas 2.0.2 (ISC)",
            "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="countries-110m.json of the npm package world-atlas 2.0.2")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    collection = build(args.source)
    args.out.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"{args.out}: {len(collection['features'])} countries")


if __name__ == "__main__":
    main()
