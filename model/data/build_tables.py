"""Build the default-world tables ``model/data/countries.csv`` and ``model/data/ties.csv``.

Provenance record only: the simulator reads the CSVs written here, never this
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

and a reference ties table (``--ties``; sources in ``model/data/README.md``) into the
buyer-exporter ties the buyers' choice uses:

* ``un_ideal_point`` (UN General Assembly ideal point), left blank for the four countries
  without UN votes: the model gives their pairs a neutral political term (see README.md);
* ``arms_share_<ISO3>`` = arms imports from each exporting nation / all arms imports
  (0 for a country with no recorded arms imports);
* ``china_finance_gdp`` = Chinese development finance 2000-2021 / GDP, capped at 1.

Usage (from the repository root)::

    python model/data/build_tables.py [REFERENCE_CSV] [--out OUTPUT_CSV] [--ties TIES_CSV]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("countries_reference.csv")
DEFAULT_OUT = HERE / "countries.csv"
DEFAULT_TIES_SOURCE = Path("ties_reference.csv")
TIES_OUT = HERE / "ties.csv"

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


def build_ties(src: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Return the project's ties table (one row per country of ``countries``)."""
    df = src.set_index("iso3").reindex(countries["iso3"])
    meta = countries.set_index("iso3")
    out = pd.DataFrame(index=df.index)
    out["un_ideal_point"] = df["un_ideal_point"].round(3)  # blank: no UN votes (see README)
    total = df["arms_tiv_total"].fillna(0.0)
    for column in sorted(c for c in df if c.startswith("arms_tiv_from_")):
        share = df[column].fillna(0.0) / total.where(total > 0)
        out[f"arms_share_{column.removeprefix('arms_tiv_from_')}"] = share.fillna(0.0).round(4)
    out["arms_tiv_total"] = total
    finance = df["china_dev_finance_usd_2000_2021"].fillna(0.0)
    out["china_finance_gdp"] = (finance / meta["gdp_usd"]).clip(upper=1.0).round(4)
    return out.reset_index()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="reference countries.csv (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output CSV (default: %(default)s)")
    parser.add_argument("--ties", type=Path, default=DEFAULT_TIES_SOURCE,
                        help="reference ties.csv (default: %(default)s)")
    parser.add_argument("--ties-out", type=Path, default=TIES_OUT,
                        help="output ties CSV (default: %(default)s)")
    args = parser.parse_args(argv)

    src = pd.read_csv(args.source, keep_default_na=False, na_values=[""])
    countries = build_countries(src)
    countries.to_csv(args.out, index=False)
    imputed = countries.loc[countries["repression_imputed"] == 1, ["iso3", "repression"]]
    print(f"wrote {len(countries)} rows to {args.out}")
    print("imputed repression:", dict(zip(imputed["iso3"], imputed["repression"])))

    ties = build_ties(pd.read_csv(args.ties, keep_default_na=False, na_values=[""]), countries)
    ties.to_csv(args.ties_out, index=False)
    print(f"wrote {len(ties)} rows to {args.ties_out}")
    print("no UN ideal point:", ties.loc[ties["un_ideal_point"].isna(), "iso3"].tolist())


if __name__ == "__main__":
    main()
