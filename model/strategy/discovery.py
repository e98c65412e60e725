"""Scenario discovery: the parameter boxes of a finished sweep in which a chosen outcome holds, found
by PRIM (Friedman & Fisher 1999; the EMA Workbench's implementation, ``ema_workbench.analysis.prim``)
and, as a second method, by a CART classification tree (scikit-learn).

The outcome is a condition on a recorded column, e.g. ``denial_effectiveness > 0.05``, evaluated
per design point on the mean over replicates (``per = "point"``) or per run. Inputs are the swept
parameters; member-set parameters enter as their number of members.

- coverage: the share of the cases where the outcome holds that lie in the box;
- density: the share of the cases in the box where the outcome holds;
- the trade-off curve: coverage against density along PRIM's peeling trajectory.

Both methods need the optional extra ``pip install -e '.[strategy]'``.
"""

from __future__ import annotations

import logging
import operator
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.analysis.sweep_analysis import SweepResults, numeric_inputs, read_results
from model.errors import ModelInputError, closest
from model.experiment.engine import checked_path
from model.experiment.results import (
    RESULTS_DIR,
    build_manifest,
    manifest_tables,
    write_atomically,
    write_tables,
)
from model.scenario import ScenarioError
from model.strategy.files import DiscoveryStudy, load_study, read_study
from model.strategy.results import KIND

CONDITION = re.compile(r"^\s*([A-Za-z_][\w.\[\]]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
EXTRA = "pip install -e '.[strategy]'"
DISCOVERY_COLUMNS = {
    "id": ("", "step of PRIM's peeling trajectory"),
    "coverage": ("0-1", "share of the cases where the condition holds that lie in the box"),
    "density": ("0-1", "share of the box's cases where the condition holds"),
    "mass": ("0-1", "share of all cases in the box"),
    "res_dim": ("", "number of inputs the box restricts"),
    "n": ("", "cases in the box"),
    "chosen": ("", "the box reported (most coverage at density >= threshold, densest on a tie)"),
    "input": ("", "a swept parameter"),
    "low": ("input's unit", "lower limit of the box"),
    "high": ("input's unit", "upper limit of the box"),
    "values": ("", "categories in the box (categorical inputs)"),
    "data_low": ("input's unit", "smallest value in the data"),
    "data_high": ("input's unit", "largest value in the data"),
    "restricted": ("", "the box restricts this input"),
    "rule": ("", "CART: the conditions leading to the leaf"),
    "cases": ("", "CART: cases in the leaf"),
}
"""Meanings of the discovery tables' columns (``columns.csv``)."""


@dataclass
class Discovery:
    """PRIM's peeling trajectory and chosen box, CART's leaves, and the data they were fitted on."""

    folder: Path
    outcome: str
    trajectory: pd.DataFrame
    box: pd.DataFrame
    chosen: int
    cart: pd.DataFrame
    inputs: pd.DataFrame
    holds: np.ndarray

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"prim_trajectory": self.trajectory, "prim_box": self.box, "cart_leaves": self.cart}


@dataclass(frozen=True)
class Condition:
    """``column op value`` (op one of >, >=, <, <=)."""

    column: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.value:g}"

    def holds(self, values: pd.Series) -> np.ndarray:
        return COMPARE[self.op](values.to_numpy(float), self.value)


def parse_condition(text: str, columns: list[str], key: str, origin: str) -> Condition:
    """``text`` as a :class:`Condition` on one of ``columns``."""
    match = CONDITION.match(text)
    if match is None:
        raise ScenarioError(origin, key, "not a condition", expected="COLUMN OP NUMBER with OP one of "
                            "> >= < <=, e.g. 'denial_effectiveness > 0.05'", got=text)
    column, op, value = match.groups()
    if column not in columns:
        raise ScenarioError(origin, key, "no column of the sweep's results has this name",
                            expected="one of " + ", ".join(columns), got=column,
                            suggestion=closest(column, columns))
    return Condition(column, op, float(value))


@dataclass(frozen=True)
class Prepared:
    study: DiscoveryStudy
    origin: str
    results: SweepResults
    condition: Condition
    inputs: list[str]


def prepare(study: DiscoveryStudy, origin: str) -> Prepared:
    """Check ``study`` against its sweep results before anything is written."""
    _require_extra()
    try:
        results = read_results(study.results)
    except ModelInputError as err:
        raise ScenarioError(origin, "results", str(err), got=study.results) from None
    outcomes = [c for c in results.runs.columns if c in results.metrics]
    condition = parse_condition(study.outcome, outcomes, "outcome", origin)
    inputs = study.inputs if study.inputs is not None else list(results.columns)
    for i, name in enumerate(inputs):
        if name not in results.columns:
            raise ScenarioError(origin, f"inputs[{i}]", "not a parameter of the sweep",
                                expected="one of " + ", ".join(results.columns), got=name,
                                suggestion=closest(name, results.columns))
    if not inputs:
        raise ScenarioError(origin, "inputs", "no inputs to search", expected="at least one parameter")
    if not results.runs["error"].isna().any():
        raise ScenarioError(origin, "results", f"no successful runs to discover from (all {len(results.runs)} "
                            "runs of the sweep failed: see the error column of its runs table)",
                            expected="a sweep with successful runs", got=study.results)
    return Prepared(study, origin, results, condition, inputs)


def load_discovery(path: str | Path | None = None, **keys: Any) -> Prepared:
    """A discovery file, or the keys themselves (``results``, ``outcome``, ...); ``keys`` replace
    the file's."""
    if path is not None:
        study = load_study(path, DiscoveryStudy)
        origin = str(path)
        if keys:
            study = read_study(study.model_dump() | keys, DiscoveryStudy, origin)
    else:
        origin = "<discover>"
        study = read_study(keys, DiscoveryStudy, origin)
    return prepare(study, origin)


def cases(prepared: Prepared) -> tuple[pd.DataFrame, np.ndarray]:
    """The inputs (one row per point or run) and whether the condition holds in each."""
    runs, condition = prepared.results.runs, prepared.condition
    runs = runs[runs["error"].isna()]
    if prepared.study.per == "point":
        outcome = runs.groupby("point_id")[condition.column].mean()
        inputs = runs.drop_duplicates("point_id").set_index("point_id").loc[outcome.index, prepared.inputs]
    else:
        outcome, inputs = runs[condition.column], runs[prepared.inputs]
    return numeric_inputs(inputs.reset_index(drop=True)), condition.holds(outcome)


def choose_box(trajectory: pd.DataFrame, threshold: float) -> int:
    """The ``id`` of the box to report from a peeling trajectory (columns id, coverage, density):
    the most coverage among boxes of density >= ``threshold``, the densest of those on a tie (then
    the earliest); with no such box, the densest."""
    good = trajectory[trajectory["density"] >= threshold]
    if len(good):
        return int(good.sort_values(["coverage", "density", "id"], ascending=[False, False, True])["id"].iloc[0])
    return int(trajectory.sort_values(["density", "id"], ascending=[False, True])["id"].iloc[0])


def prim_box(inputs: pd.DataFrame, holds: np.ndarray, study: DiscoveryStudy) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """PRIM's peeling trajectory, the chosen box (the most coverage at density >= threshold, the
    densest of those on a tie; else the densest) as one row per input, and the chosen step."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the Workbench warns that ipyparallel (unused here) is missing
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.WARNING)
        logging.getLogger("EMA.ema_workbench.analysis.prim").setLevel(logging.ERROR)
        search = prim.Prim(inputs, holds, threshold=study.threshold, peel_alpha=study.peel_alpha,
                           mass_min=study.mass_min)
        box = search.find_box()
    trajectory = box.peeling_trajectory[["id", "coverage", "density", "mass", "res_dim", "n"]].copy()
    chosen = choose_box(trajectory, study.threshold)
    limits, initial = box.box_lims[chosen], box.box_lims[0]
    rows = []
    for column in inputs:
        low, high = limits.at[0, column], limits.at[1, column]
        categorical = isinstance(low, set)
        restricted = (low != initial.at[0, column]) if categorical else \
            (low > initial.at[0, column] or high < initial.at[1, column])
        rows.append({"input": column, "low": None if categorical else float(low),
                     "high": None if categorical else float(high),
                     "values": ";".join(sorted(map(str, low))) if categorical else None,
                     "data_low": None if categorical else float(initial.at[0, column]),
                     "data_high": None if categorical else float(initial.at[1, column]),
                     "restricted": bool(restricted)})
    trajectory["chosen"] = trajectory["id"] == chosen
    return trajectory, pd.DataFrame(rows), chosen


def cart_leaves(inputs: pd.DataFrame, holds: np.ndarray, depth: int) -> pd.DataFrame:
    """The leaves of a classification tree (depth ``depth``): each leaf's rule, its cases, density
    (share where the outcome holds) and coverage (its share of all cases where it holds)."""
    from sklearn.tree import DecisionTreeClassifier

    x = pd.get_dummies(inputs, dtype=float)
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(2, len(x) // 50), random_state=0)
    tree.fit(x.to_numpy(), holds)
    t = tree.tree_
    rows: list[dict[str, Any]] = []

    def walk(node: int, rule: list[str]) -> None:
        if t.children_left[node] == -1:
            members = tree.apply(x.to_numpy()) == node
            hits = int(holds[members].sum())
            rows.append({"rule": " and ".join(rule) or "all cases", "cases": int(members.sum()),
                         "density": hits / max(int(members.sum()), 1),
                         "coverage": hits / max(int(holds.sum()), 1)})
            return
        name, cut = x.columns[t.feature[node]], t.threshold[node]
        walk(t.children_left[node], [*rule, f"{name} <= {cut:.4g}"])
        walk(t.children_right[node], [*rule, f"{name} > {cut:.4g}"])

    walk(0, [])
    return pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False, ignore_index=True)


def discover(
    results: str | Path | Prepared | None = None, outcome: str | None = None, *, file: str | Path | None = None,
    out: str | Path | None = None, force: bool = False, figures: bool = True, command: list[str] | None = None,
    **options: Any,
) -> Discovery:
    """Scenario discovery on the sweep results folder ``results`` for the condition ``outcome``
    (e.g. ``"denial_effectiveness > 0.05"``), or as a discovery ``file`` says; ``options`` are
    other keys of the file format (``per``, ``inputs``, ``threshold``, ...). Writes
    ``out`` (default ``results/<sweep>-discovery``)."""
    if isinstance(results, Prepared):
        prepared = results
    else:
        results = None if results is None else checked_path(results, "results")
        keys = {k: v for k, v in {"results": None if results is None else str(results), "outcome": outcome,
                                  **options}.items() if v is not None}
        prepared = load_discovery(file, **keys)
    path = output_folder(None if out is None else checked_path(out, "out"), prepared.results.folder)
    inputs, holds = cases(prepared)
    if holds.all() or not holds.any():
        raise ScenarioError(prepared.origin, "outcome", f"the condition holds in {'every' if holds.all() else 'no'}"
                            " case, so there is no box to find", expected="a condition true in some cases",
                            got=str(prepared.condition))
    study = prepared.study
    trajectory, box, chosen = prim_box(inputs, holds, study)
    cart = cart_leaves(inputs, holds, study.max_depth)
    result = Discovery(path, str(prepared.condition), trajectory, box, chosen, cart, inputs, holds)
    settings = {"study": study.model_dump(mode="json"), "origin": prepared.origin,
                "condition": str(prepared.condition), "cases": len(holds), "holds": int(holds.sum()),
                "sweep": sweep_identity(prepared.results)}

    def fill(staging: Path) -> dict[str, Any]:
        if figures:
            from model.strategy.figures import prim_figure, save

            per_point = prepared.results.runs.groupby("point_id").size() if study.per == "point" else None
            replicates = int(per_point.min()) if per_point is not None and per_point.nunique() == 1 else None
            save(prim_figure(result, replicates), staging / "figures", "prim")
        written = write_tables(staging, result.tables(), DISCOVERY_COLUMNS)
        manifest = build_manifest(KIND, {"analysis": "discovery", **settings}, command or [])
        return {**manifest, "status": "complete", **manifest_tables(written)}

    write_atomically(path, KIND, fill, force=force)
    return result


def output_folder(out: str | Path | None, sweep: Path) -> Path:
    """The results folder ``out`` (default ``results/<sweep>-discovery``): never the sweep's own
    folder, inside it, or holding it."""
    path = Path(out) if out is not None else RESULTS_DIR / f"{sweep.name}-discovery"
    target, source = path.resolve(), sweep.resolve()
    if target == source or source in target.parents or target in source.parents:
        raise ModelInputError("out", "the output folder is the sweep's results folder, inside it or holds it",
                              expected=f"a folder apart from the sweep {sweep}", got=str(path))
    return path


def sweep_identity(results: SweepResults) -> dict[str, Any]:
    """What identifies the sweep discovered from: its folder, settings digest and tables' digests."""
    manifest = results.manifest
    tables = manifest.get("tables") or {}
    return {"folder": str(results.folder), "settings_digest": manifest.get("settings_digest"),
            "tables": {name: entry.get("digest") for name, entry in tables.items() if isinstance(entry, dict)}}


def _require_extra() -> None:
    """A one-line error when the optional analysis libraries are missing."""
    import importlib.util

    missing = [m for m in ("ema_workbench", "sklearn") if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelInputError("discover", f"needs {' and '.join(missing)}", expected=f"the extra: {EXTRA}")
