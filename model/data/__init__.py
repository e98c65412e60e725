"""The default world as shipped: countries, vendors, transit hubs, ties and vendors' inputs (sources in
README.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).parent


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, keep_default_na=False, na_values=[""])


def countries() -> pd.DataFrame:
    """All 179 countries: geography, economy, repression (0-1) and memberships."""
    return _read("countries.csv").copy()


def vendors() -> pd.DataFrame:
    """The 28 vendors: home country, items sold and the assumed market parameters."""
    return _read("vendors.csv").copy()


def ties() -> pd.DataFrame:
    """Ties of every country to the exporting nations: UN ideal point, arms-import shares,
    Chinese development finance relative to GDP."""
    return _read("ties.csv").copy()


def input_costs() -> pd.DataFrame:
    """Cost share of each component in each item, with its range (model/data/README.md, "Inputs")."""
    return _read("input_costs.csv").copy()


def input_suppliers() -> pd.DataFrame:
    """Component suppliers: nation, owner, share of output made with US technology, with ranges."""
    return _read("input_suppliers.csv").copy()


def input_sourcing() -> pd.DataFrame:
    """Vendors' sourcing of each component by supplier, per home country (``*``: all others)."""
    return _read("input_sourcing.csv").copy()


def hubs() -> pd.DataFrame:
    """The default transit hubs and their leakiness."""
    return _read("hubs.csv").copy()
