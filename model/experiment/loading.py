"""``load_results``: the tables of any results folder (comparison, sweep, calibration, analysis),
checked against its manifest, with one long tidy time-series table, an xarray Dataset (the
optional extra ``pip install -e '.[xarray]'``) and the EMA Workbench's ``(experiments, outcomes)``
pair (``to_ema``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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
        wide = _with_run_ids(wide, self.tables.get("runs"), self.tables.get("baselines"))
        ids = [c for c in ("run", "scenario", "point", "role", "replicate", "step", "date") if c in wide]
        values = [c for c in wide if c not in (*_IDENTITY, *ids)]
        long = wide[ids + values].melt(id_vars=ids, var_name="variable", value_name="value")
        return long.reindex(columns=SERIES_COLUMNS)

    def to_xarray(self) -> Any:
        """The time series as an ``xarray.Dataset``, one variable per series, each with its ``units``
        and ``long_name`` from ``columns.csv``. A comparison's dimensions are ``scenario`` (indexed;
        with each scenario's ``role``), ``replicate`` and ``step``, so ``data.sel(scenario="wassenaar")``
        picks a scenario; a sweep's are ``run`` and ``step``, with ``point``, ``role`` and
        ``replicate`` per run and ``point`` indexed (``data.sel(point=3)``). ``date`` is given per step,
        and the folder's kind and path are attributes. Needs the optional extra ``xarray``."""
        try:
            import xarray
        except ImportError:
            raise ModelInputError("to_xarray", "needs xarray, which is not installed",
                                  expected="the extra: pip install -e '.[xarray]'") from None
        series = self.series
        if series.empty:
            return xarray.Dataset(attrs=self._attributes())
        runs = series.drop_duplicates("run").set_index("run")
        cube = self.kind == "comparison" and not runs.duplicated(["scenario", "replicate"]).any()
        if cube:
            series = series.assign(**{c: series["run"].map(runs[c]) for c in ("scenario", "replicate")})
        index = ["scenario", "replicate", "step"] if cube else ["run", "step"]
        data = series.pivot_table(index=index, columns="variable", values="value", sort=True).to_xarray()
        steps = series.drop_duplicates("step").set_index("step")["date"]
        data = data.assign_coords(date=("step", steps.loc[data["step"].values].to_numpy()))
        if cube:
            roles = runs.drop_duplicates("scenario").set_index("scenario")["role"]
            data = data.assign_coords(role=("scenario", roles.loc[data["scenario"].values].to_numpy()))
        else:
            data = data.assign_coords({c: ("run", runs.loc[data["run"].values, c].to_numpy())
                                       for c in ("scenario", "point", "role", "replicate") if runs[c].notna().any()})
            if "point" in data.coords:
                data = data.set_xindex("point")
        described = self.columns
        described = described[described["table"] == "timeseries"].drop_duplicates("name").set_index("name")
        for name in [*data.data_vars, *data.coords]:
            if name in described.index:
                unit, meaning = described.loc[name, ["unit", "meaning"]]
                shown = unit and unit != "date"  # dates carry their own calendar
                data[name].attrs.update({"units": unit, "long_name": meaning} if shown else {"long_name": meaning})
        return data.assign_attrs(self._attributes())

    def to_ema(self) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """The runs as the EMA Workbench's ``(experiments, outcomes)`` pair, one row per successful
        policy run (a sweep's runs table; a comparison's paired replications), ready for
        ``ema_workbench.analysis`` (``prim.Prim(experiments, outcomes["denial_effectiveness"] > 0.05,
        threshold=0.8)``, ``feature_scoring.get_feature_scores_all``, ``pairs_plotting``, ...).

        ``experiments``: a sweep's parameters (member sets and text as categories) and EMA's
        ``scenario``, ``policy`` and ``model`` columns: ``scenario`` is the replicate (``r0``, ...:
        the state of the world, shared by every policy through common random numbers), ``policy``
        the comparison's scenario or the sweep's design point, ``model`` ``ControlRegimeModel``.
        ``outcomes``: every paired metric (a sweep's recorded metrics) as a 1-D array of floats."""
        if self.kind == "sweep":
            runs, policy = self.tables["runs"], "point_id"
            parameters, metrics = self.manifest["design"]["columns"], self.manifest["metrics"]
        elif self.kind == "comparison":
            runs, policy, parameters = self.tables["replications"], "scenario", []
            metrics = [c for c in runs.select_dtypes("number") if c not in ("replicate", "seed")]
        else:
            raise ModelInputError(str(self.folder), f"a folder of kind '{self.kind}' holds no runs to analyse",
                                  expected="a comparison or a sweep")
        if "error" in runs:
            runs = runs[runs["error"].isna()]
        experiments = pd.DataFrame({
            column: runs[column] if pd.api.types.is_numeric_dtype(runs[column])
            else runs[column].astype(str).astype("category") for column in parameters})
        experiments = experiments.assign(
            scenario=pd.Categorical("r" + runs["replicate"].astype(str)),
            policy=pd.Categorical(runs[policy].astype(str)),
            model=pd.Categorical(["ControlRegimeModel"] * len(runs))).reset_index(drop=True)
        return experiments, {metric: runs[metric].to_numpy(float) for metric in metrics}

    def _attributes(self) -> dict[str, str]:
        return {"kind": self.kind, "folder": str(self.folder), "tool": self.manifest.get("tool", "")}


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


def to_ema(path: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The EMA Workbench's ``(experiments, outcomes)`` pair of the comparison or sweep in the
    results folder ``path`` (:meth:`Results.to_ema`)."""
    return load_results(path).to_ema()


def _with_run_ids(wide: pd.DataFrame, runs: pd.DataFrame | None, baselines: pd.DataFrame | None) -> pd.DataFrame:
    """The wide time series with ``run`` (and ``point`` or ``scenario``) columns: a comparison's run
    ids from its ``runs`` and ``baselines`` (runs schema 2) or from its ``runs`` of every run (1)."""
    if "run_id" in wide:  # a sweep
        return wide.rename(columns={"run_id": "run", "point_id": "point"})
    keys = ["scenario", "replicate", "is_baseline"]
    if runs is not None and "role" in runs:  # runs schema 1
        ids = runs.assign(is_baseline=runs["role"] == "baseline")
    elif runs is not None and baselines is not None:
        ids = pd.concat([runs.assign(is_baseline=False), baselines.assign(is_baseline=True)], ignore_index=True)
    else:
        return wide.assign(run=wide["scenario"] + "/" + wide["replicate"].astype(str))
    ids = ids[[*keys, "run_id"]].rename(columns={"run_id": "run"})
    return (wide.assign(is_baseline=wide["role"] == "baseline").merge(ids, on=keys, how="left")
            .drop(columns="is_baseline"))
