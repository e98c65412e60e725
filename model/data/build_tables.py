"""Build the default-world country table ``model/data/countries.csv``.

Provenance record only: the simulator reads the CSV written here, never this
script.  It turns a reference country table (the path given as the first argument;
sources in ``model/data/README.md``) into
the project's own country table:

* ``repression`` = Digital Repression Index 2021 / 100 (3 decimals); the three
  countries without a score get the median of the other countries in their
  subregion and ``repression_imputed`` = 1;
* ``aigs_deployment_2022``: blank -> 0;  ``aigs_adopter_2019`` = 1 where the
  AIGS 2019 regime score exists;
* two corrections to ``land_borders`` (see ``BORDER_FIXES``);
* memberships as 0/1 integers, GDP and population as integers.

Usage (from the repository root)::

    python model/data/build_tables.py [REFERENCE_CSV] [--out OUTPUT_CSV]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("countries_reference.csv")
DEFAULT_OUT = HERE / "countries.csv"

COLUMNS: list[str] = [
    "iso3", "name", "region", "subregion", "lat", "lon", "land_borders",
    "gdp_usd", "population", "repression", "repression_imputed",
    "aigs_deployment_2022", "aigs_adopter_2019", "wassenaar", "eu", "echri_code",
]

# Corrections to the source border lists: {country: {old code: new code or None}}.
# mledoze/countries codes Kosovo "UNK" while this table (and Kosovo's own row)
# uses "XKX"; Sri Lanka has no land border with India (India does not list it).
BORDER_FIXES: dict[str, dict[str, str | None]] = {
    "ALB": {"UNK": "XKX"},
    "MKD": {"UNK": "XKX"},
    "MNE": {"UNK": "XKX"},
    "SRB": {"UNK": "XKX"},
    "LKA": {"IND": None},
}


def fix_borders(iso3: str, borders: str) -> str:
    """Apply ``BORDER_FIXES`` to one semicolon-separated border list."""
    fixes = BORDER_FIXES.get(iso3, {})
    out: list[str] = []
    for code in filter(None, borders.split(";")):
        new = fixes.get(code, code)
        if new is not None:
            out.append(new)
    return ";".join(out)


def build_countries(src: pd.DataFrame) -> pd.DataFrame:
    """Return the project's country table built from the reference table."""
    df = src.copy()
    df["land_borders"] = [
        fix_borders(iso3, b) for iso3, b in zip(df["iso3"], df["land_borders"].fillna(""))
    ]

    raw = df["digital_repression_2021"] / 100.0
    subregion_median = raw.groupby(df["subregion"]).transform("median")  # NaN skipped
    df["repression_imputed"] = raw.isna().astype(int)
    df["repression"] = raw.fillna(subregion_median).round(3)
    if df["repression"].isna().any():
        missing = df.loc[df["repression"].isna(), "iso3"].tolist()
        raise ValueError(f"no subregion median to impute repression for {missing}")

    df["aigs_deployment_2022"] = df["aigs_deployment_2022"].fillna(0).astype(int)
    df["aigs_adopter_2019"] = df["aigs_regime_score_2019"].notna().astype(int)
    df["echri_code"] = df["echri_code_2023"]
    for col in ("wassenaar", "eu", "echri_code"):
        df[col] = df[col].astype(int)
    df["gdp_usd"] = df["gdp_usd"].round().astype("int64")
    df["population"] = df["population"].astype("int64")
    return df[COLUMNS]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="reference countries.csv (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output CSV (default: %(default)s)")
    args = parser.parse_args(argv)

    src = pd.read_csv(args.source, keep_default_na=False, na_values=[""])
    countries = build_countries(src)
    countries.to_csv(args.out, index=False)
    imputed = countries.loc[countries["repression_imputed"] == 1, ["iso3", "repression"]]
    print(f"wrote {len(countries)} rows to {args.out}")
    print("imputed repression:", dict(zip(imputed["iso3"], imputed["repression"])))


if __name__ == "__main__":
    main()
