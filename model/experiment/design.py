"""Designs: which parameter values each point of a sweep takes.

``grid`` is every combination of the parameters' values. The sampled designs draw points in the
unit hypercube — Latin hypercube (``scipy.stats.qmc``), Sobol (Saltelli's scheme) and Morris
trajectories (SALib) — then map each coordinate to the parameter: ``low + u (high - low)`` within
bounds, whole numbers within integer bounds, or one of the listed values (a categorical parameter).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Axis:
    """One parameter as a design sees it: a list of values, or bounds (whole numbers if ``integer``)."""

    column: str
    levels: list[Any] | None = None
    bounds: tuple[float, float] | None = None
    integer: bool = False

    def value(self, u: float) -> Any:
        """The value at ``u`` in [0, 1]."""
        if self.levels is not None:
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        low, high = self.bounds
        if self.integer:
            return int(min(np.floor(low + u * (high - low + 1)), high))
        return float(low + u * (high - low))


@dataclass(frozen=True)
class Design:
    """The points: ``points`` has ``point_id`` and one column per parameter; ``unit`` holds the
    sampled designs' coordinates in [0, 1] (rows in point order; None for a grid)."""

    kind: str
    points: pd.DataFrame
    unit: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.points)


def make_design(kind: str, axes: Sequence[Axis], *, samples: int | None = None, seed: int = 0,
                levels: int = 4, second_order: bool = False) -> Design:
    """The ``kind`` design over ``axes``; sampled designs are reproducible from ``seed``."""
    if kind == "grid":
        rows = list(itertools.product(*(axis.levels for axis in axes)))
        return Design(kind, _table(axes, rows))
    unit = _unit_sample(kind, len(axes), samples, seed, levels, second_order)
    rows = [tuple(axis.value(u) for axis, u in zip(axes, row)) for row in unit]
    return Design(kind, _table(axes, rows), unit)


def design_size(kind: str, axes: Sequence[Axis], *, samples: int | None = None,
                second_order: bool = False) -> int:
    """How many points :func:`make_design` would make, computed without making them."""
    d = len(axes)
    if kind == "grid":
        return math.prod(len(axis.levels) for axis in axes)
    if kind == "sobol":
        return samples * ((2 * d + 2) if second_order else (d + 2))
    if kind == "morris":
        return samples * (d + 1)
    return samples


def salib_problem(columns: Sequence[str]) -> dict[str, Any]:
    """The SALib problem of a sampled design: every parameter on the unit interval."""
    return {"num_vars": len(columns), "names": list(columns), "bounds": [[0.0, 1.0]] * len(columns)}


def _unit_sample(kind: str, d: int, samples: int, seed: int, levels: int, second_order: bool) -> np.ndarray:
    if kind == "lhs":  # scipy.stats and SALib are imported when used: workers never need them
        from scipy.stats import qmc

        return qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(samples)
    problem = salib_problem([f"x{i}" for i in range(d)])
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=second_order, seed=seed)
    if kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    raise ValueError(f"unknown design {kind!r}")


def _table(axes: Sequence[Axis], rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame({axis.column: pd.Series([row[i] for row in rows], dtype=object)
                          for i, axis in enumerate(axes)})
    table = table.infer_objects()
    table.insert(0, "point_id", np.arange(len(rows)))
    return table
