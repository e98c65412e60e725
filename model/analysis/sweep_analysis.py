"""Layer 8: analysis of a stored sweep — it reads the results folder only, never re-simulates.

- per-point summaries: mean and 95% interval of every metric over replicates (``summarise``);
- Sobol indices (first order and total, SALib ``sobol.analyze``) and Morris screening (``morris.analyze``)
  for sampled designs, on the per-point means;
- feature scores (the EMA Workbench's extra-trees feature scoring, Jaxa-Rozen and Kwakkel 2018) for any
  design, on the per-point means, with the optional extra ``strategy``;
- coalition sweeps: the change each added member makes, as paired differences between consecutive
  member sets on the same seeds.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from model.config.translate import input_error
from model.errors import ModelInputError, closest
from model.experiment.engine import salib_problem
from model.experiment.metrics import interval, summarise
from model.experiment.results import folder_of, read_listed, read_manifest, require_intact_settings

HEADLINE = ("denial_effectiveness", "leakage_rate", "revenue_lost_share", "target_capability")
"""Metrics analysed first (and drawn) when a sweep recorded them."""
COALITION_METRICS = ("leakage_rate", "denial_effectiveness", "target_capability")
"""Metrics whose change per added member a coalition sweep reports."""


class _Design(BaseModel):
    kind: str
    columns: list[str]
    labels: dict[str, str]
    points: list[dict[str, Any]]
    unit: list[list[float]] | None = None


class _Spec(BaseModel):
    parameters: list[dict[str, Any]]
    second_order: bool = False
    levels: int = 4


class _SweepManifest(BaseModel):
    """What the analysis reads from a sweep's manifest (checked before anything is computed)."""

    name: str
    seed: int
    metrics: list[str]
    design: _Design
    sweep: _Spec


@dataclass(frozen=True)
class SweepResults:
    """The stored tables of a finished sweep and its manifest."""

    folder: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    points: pd.DataFrame
    timeseries: pd.DataFrame | None

    @property
    def kind(self) -> str:
        return self.manifest["design"]["kind"]

    @property
    def columns(self) -> list[str]:
        return self.manifest["design"]["columns"]

    @property
    def labels(self) -> dict[str, str]:
        return self.manifest["design"]["labels"]

    @property
    def metrics(self) -> list[str]:
        return self.manifest["metrics"]

    def headline(self, limit: int = 3) -> list[str]:
        """The metrics to show first: the headline ones recorded, else the first recorded."""
        chosen = [m for m in HEADLINE if m in self.metrics and not (m == "target_capability" and
                                                                    "denial_effectiveness" in self.metrics)]
        return (chosen or self.metrics)[:limit]

    def coalition_columns(self) -> list[str]:
        """Parameters whose values are member sets (a coalition sweep)."""
        specs = self.manifest["sweep"]["parameters"]
        return [column for column, spec in zip(self.columns, specs)
                if spec.get("coalition") or all(isinstance(v, list) for v in spec.get("values") or [0])]

    def values(self, column: str) -> list[Any]:
        """The design's values of ``column`` in point order (member sets as lists)."""
        return [point[column] for point in self.manifest["design"]["points"]]


def read_results(folder: str | Path) -> SweepResults:
    """The tables of the finished sweep in ``folder``."""
    folder = folder_of(folder)
    manifest = read_manifest(folder, ("sweep",))
    try:
        _SweepManifest.model_validate(manifest)
    except ValidationError as exc:
        err = input_error(exc, _SweepManifest)
        raise ModelInputError(f"{folder / 'manifest.json'}: {err.key}", f"damaged manifest: {err.problem}",
                              got=err.got) from None
    if manifest.get("status") != "complete":
        raise ModelInputError(str(folder), "the sweep has not finished",
                              expected="a finished sweep (run the sweep again to resume it)")
    tables = manifest.get("tables", {})
    timeseries = read_listed(folder, manifest, "timeseries") if "timeseries" in tables else None
    runs, points = read_listed(folder, manifest, "runs"), read_listed(folder, manifest, "points")
    if not len(runs) or not len(points):
        raise ModelInputError(str(folder / tables["runs"]["file"]), "empty table",
                              expected="a sweep with at least one run")
    for key, names, table in (("metrics", manifest["metrics"], runs),
                              ("design.columns", manifest["design"]["columns"], points)):
        missing = [name for name in names if name not in table]
        if missing:
            raise ModelInputError(f"{folder / 'manifest.json'}: {key}", "damaged manifest: names no stored column",
                                  got=missing[0], suggestion=closest(missing[0], list(table)))
    if any(set(manifest["design"]["columns"]) - set(point) for point in manifest["design"]["points"]):
        raise ModelInputError(f"{folder / 'manifest.json'}: design.points", "damaged manifest: a point lacks a "
                              "parameter", expected=", ".join(manifest["design"]["columns"]))
    require_intact_settings(manifest, str(folder / "manifest.json"))  # the design and metrics as run
    return SweepResults(folder, manifest, runs, points, timeseries)


def point_summary(results: SweepResults) -> pd.DataFrame:
    """Per point: parameter values, replications, and every metric's mean with ``_low``/``_high``."""
    table = summarise(results.runs[["point_id", *results.metrics]], by="point_id")
    return results.points.merge(table, on="point_id")


def sensitivity(results: SweepResults) -> pd.DataFrame:
    """Sobol (S1, ST with 95% confidence half-widths) or Morris (mu, mu_star, sigma, mu_star_conf)
    indices per metric and parameter, on per-point means; empty for a grid. Metrics with missing or
    constant values are left out."""
    if results.kind not in ("sobol", "morris"):
        return pd.DataFrame()
    means = results.runs.groupby("point_id")[results.metrics].mean().sort_index()
    problem = salib_problem(results.columns)
    spec = results.manifest["sweep"]
    rows = []
    for metric in results.metrics:
        y = means[metric].to_numpy(float)
        if len(y) != len(results.points) or not np.isfinite(y).all() or np.ptp(y) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            indices = _indices(results, problem, y, spec)
        for i, column in enumerate(results.columns):
            values = {name: float(index[i]) for name, index in indices.items()}
            rows.append({"metric": metric, "parameter": column, **values})
    return pd.DataFrame(rows)


FEATURE_SCORING_EXTRA = ("ema_workbench", "sklearn")
"""The modules feature scoring needs: the optional extra ``strategy``."""


def feature_scoring_missing() -> str | None:
    """Why feature scoring cannot run here (its extra is missing), or None."""
    missing = [m for m in FEATURE_SCORING_EXTRA if importlib.util.find_spec(m) is None]
    if not missing:
        return None
    return (f"feature scoring skipped: it needs {' and '.join(missing)} "
            "(the extra: pip install -e '.[strategy]')")


def feature_scores(results: SweepResults) -> pd.DataFrame:
    """The EMA Workbench's feature scores (extra trees, regression) of every metric on the swept
    parameters, from the per-point means: columns metric, parameter, score; a metric's scores sum to
    1. Unlike Sobol and Morris indices they need no special design (a grid or a Latin hypercube will
    do). Metrics with missing or constant values are left out. Needs the extra ``strategy``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the Workbench warns that ipyparallel (unused here) is missing
        from ema_workbench.analysis import feature_scoring

        logging.getLogger("EMA").setLevel(logging.WARNING)
    means = results.runs[results.runs["error"].isna()].groupby("point_id")[results.metrics].mean()
    inputs = numeric_inputs(results.points.set_index("point_id").loc[means.index, results.columns])
    rows = []
    for metric in results.metrics:
        y = means[metric].to_numpy(float)
        if len(y) < 2 or not np.isfinite(y).all() or np.ptp(y) == 0:
            continue
        # standardised (the trees' impurity of a metric around 1e-7 underflows to no score at all);
        # the Workbench's own max_features (a third of the inputs), at least one; seeded by the sweep's seed
        scores = feature_scoring.get_ex_feature_scores(
            inputs, (y - y.mean()) / y.std(), mode=feature_scoring.RuleInductionType.REGRESSION,
            max_features=max(1, round(inputs.shape[1] / 3)), random_state=results.manifest["seed"] % 2**32)[0]
        rows += [{"metric": metric, "parameter": _parameter(results, str(feature)), "score": float(score)}
                 for feature, score in scores.iloc[:, 0].items()]
    return pd.DataFrame(rows)


def _parameter(results: SweepResults, feature: str) -> str:
    """The swept column a feature stands for (a member set enters as ``<column> (members)``)."""
    return feature.removesuffix(" (members)") if feature not in results.columns else feature


def numeric_inputs(inputs: pd.DataFrame) -> pd.DataFrame:
    """Swept parameters as inputs of a learning method: member sets (JSON lists) as their size,
    booleans as 0/1, numbers as floats, text as categories."""
    out = {}
    for column in inputs:
        values = inputs[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.astype(int)
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype(float)
        elif _member_sets(values):
            out[f"{column} (members)"] = values.map(lambda v: len(json.loads(v))).astype(int)
        else:
            out[column] = values.astype(str).astype("category")
    return pd.DataFrame(out)


def _member_sets(values: pd.Series) -> bool:
    """Whether every value is a JSON list (a member-set parameter as stored)."""
    return bool(values.map(lambda v: isinstance(v, str) and v.startswith("[") and v.endswith("]")).all())


def _indices(results: SweepResults, problem: dict, y: np.ndarray, spec: dict) -> dict[str, np.ndarray]:
    seed = results.manifest["seed"]
    if results.kind == "sobol":
        from SALib.analyze import sobol

        found = sobol.analyze(problem, y, calc_second_order=spec["second_order"], seed=seed)
        return {k: found[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}
    from SALib.analyze import morris

    unit = np.asarray(results.manifest["design"]["unit"], float)
    found = morris.analyze(problem, unit, y, num_levels=spec["levels"], seed=seed)
    return {k: np.asarray(found[k], float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def coalition_steps(results: SweepResults) -> pd.DataFrame:
    """For each coalition parameter, each member set that adds members to the previous one (other
    parameters equal): the members added and, per metric, the mean change over replicates with its
    95% interval (paired differences: replicate ``i`` of both sets shares its seed)."""
    rows = []
    metrics = [m for m in COALITION_METRICS if m in results.metrics]
    for column in results.coalition_columns():
        sets = results.values(column)
        others = [c for c in results.columns if c != column]
        groups = results.points.groupby(others, sort=False) if others else [((), results.points)]
        for key, group in groups:
            ordered = sorted(group["point_id"], key=lambda p: len(sets[p]))
            for before, after in itertools.pairwise(ordered):
                added = [m for m in sets[after] if m not in sets[before]]
                if not set(sets[before]) < set(sets[after]):
                    continue
                runs = results.runs
                pair = runs[runs["point_id"] == before].merge(runs[runs["point_id"] == after], on="replicate",
                                                              suffixes=("_before", "_after"))
                row = {"parameter": column, **dict(zip(others, key if isinstance(key, tuple) else (key,))),
                       "size": len(sets[after]), "added": "+".join(map(str, added)),
                       "point_before": before, "point_after": after}
                for metric in metrics:
                    change = pair[f"{metric}_after"] - pair[f"{metric}_before"]
                    names = (f"{metric}_change", f"{metric}_change_low", f"{metric}_change_high")
                    row |= dict(zip(names, interval(change)))
                rows.append(row)
    return pd.DataFrame(rows)
