"""``load_results``: the tables of any results folder (comparison, sweep, calibration, analysis),
checked against its manifest, with one long tidy time-series table and, optionally, an xarray
Dataset (the optional extra ``pip install '.[xarray]'``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import ModelInputError
from model.experiment.arguments import checked_path
from model.experiment.folders import COLUMNS, folder_of, read_listed, read_manifest

SERIES_COLUMNS = ["run", "scenario", "point", "role", "replicate", "step", "date", "variable", "value"]
"""The long time-series table: one row per run, step and variable (``scenario`` for comparisons,
``point`` for sweeps)."""
_IDENTITY = ("run_id", "scenario", "role", "replicate", "seed", "step", "date", "point_id", "baseline_id")


@dataclass(frozen=True)
class Results:
    """A results folder read back: its kind, manifest, tables by name and column dictionary."""

    folder: Path
    kind: str
    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def columns(self) -> pd.DataFrame:
        """The folder's ``columns.csv``: table, name, unit, meaning."""
        return pd.read_csv(self.folder / COLUMNS, keep_default_na=False)

    @property
    def series(self) -> pd.DataFrame:
        """Every recorded time series as one long tidy table (:data:`SERIES_COLUMNS`); empty when
        the folder holds none."""
        wide = self.tables.get("timeseries")
        if wide is None or not len(wide):
            return pd.DataFrame(columns=SERIES_COLUMNS)
        wide = _with_run_ids(wide, self.tables.get("runs"))
        ids = [c for c in ("run", "scenario", "point", "role", "replicate", "step", "date") if c in wide]
        values = [c for c in wide if c not in (*_IDENTITY, *ids)]
        long = wide[ids + values].melt(id_vars=ids, var_name="variable", value_name="value")
        return long.reindex(columns=SERIES_COLUMNS)

    def to_xarray(self) -> Any:
        """The time series as an ``xarray.Dataset`` with dimensions ``run`` and ``step`` (one
        variable per series; ``date`` per step, ``scenario`` or ``point`` and ``replicate`` per run)."""
        try:
            import xarray  # noqa: F401 - pandas needs it for to_xarray
        except ImportError:
            raise ModelInputError("to_xarray", "needs xarray, which is not installed",
                                  expected="pip install '.[xarray]'") from None
        wide = self.series.pivot_table(index=["run", "step"], columns="variable", values="value", sort=True)
        data = wide.to_xarray()
        runs = self.series.drop_duplicates("run").set_index("run")
        steps = self.series.drop_duplicates("step").set_index("step").sort_index()
        coords = {c: ("run", runs.loc[data["run"].values, c].to_numpy())
                  for c in ("scenario", "point", "role", "replicate") if runs[c].notna().any()}
        return data.assign_coords(date=("step", steps.loc[data["step"].values, "date"].to_numpy()), **coords)


def load_results(path: str | Path) -> Results:
    """The tables of the results folder ``path`` (any kind), each checked against the manifest; a
    damaged folder is one :class:`ModelInputError` naming the file and what is wrong."""
    folder = folder_of(checked_path(path, "path"))
    manifest = read_manifest(folder)
    if manifest.get("status", "complete") != "complete":
        raise ModelInputError(str(folder), f"the {manifest['kind']} has not finished",
                              expected="a finished results folder")
    names = [name for name in manifest.get("tables", {}) if name != "columns"]
    if not names:
        raise ModelInputError(str(folder / "manifest.json"), "lists no tables",
                              expected="a folder written by this version of the tool")
    return Results(folder, manifest["kind"], manifest, {name: read_listed(folder, manifest, name) for name in names})


def _with_run_ids(wide: pd.DataFrame, runs: pd.DataFrame | None) -> pd.DataFrame:
    """The wide time series with ``run`` (and ``point`` or ``scenario``) columns."""
    if "run_id" in wide:  # a sweep
        return wide.rename(columns={"run_id": "run", "point_id": "point"})
    keys = ["scenario", "role", "replicate"]
    if runs is not None and set(keys) <= set(runs):
        return wide.merge(runs[[*keys, "run_id"]].rename(columns={"run_id": "run"}), on=keys, how="left")
    return wide.assign(run=wide["scenario"] + "/" + wide["replicate"].astype(str))
