"""The sweep file format (TOML, read with ``tomllib``): its schema and loading.

A sweep file names a base scenario, the parameters to vary (by key path into the resolved scenario),
the design, replications, seed and what to record. ``docs/sweeps.md`` describes every key.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from model.config.base import Config
from model.errors import ModelInputError
from model.experiment.folders import name_problem
from model.experiment.keys import parse
from model.limits import MAX_HORIZON, Replications, Samples, Seed
from model.scenario.errors import ScenarioError
from model.scenario.explain import explain
from model.scenario.sources import read_toml

Design = Literal["grid", "lhs", "sobol", "morris"]
SAMPLED: tuple[Design, ...] = ("lhs", "sobol", "morris")
MAX_LEVELS = 10_000
"""Most values one range may expand to (a guard against a step of the wrong size)."""

RESERVED = frozenset({"run_id", "point_id", "baseline_id", "baseline_run_id", "role", "replicate", "seed",
                      "seconds", "error", "step", "date"})
"""Column names of the results tables that a parameter's ``name`` may not take."""

DEFAULT_SERIES = ["target_capability", "targets_capable", "acquired_targets", "blocked_targets"]
"""Columns recorded every ``record_every`` steps unless the sweep says otherwise."""


class Range(Config):
    """Evenly spaced values from ``first`` to ``last`` (included when a whole number of steps away)."""

    first: int | float
    step: int | float = Field(description="Distance between values; its sign must lead from first to last.")
    last: int | float

    @model_validator(mode="after")
    def _reaches(self) -> Range:
        if self.step == 0:
            raise ValueError("step must not be 0")
        count = (self.last - self.first) / self.step
        if count < 0:
            raise ValueError(f"step {self.step} leads away from last ({self.last})")
        if count >= MAX_LEVELS:
            raise ValueError(f"{math.floor(count) + 1} values; at most {MAX_LEVELS}")
        return self

    def values(self) -> list[int | float]:
        count = math.floor((self.last - self.first) / self.step + 1e-9) + 1
        whole = all(isinstance(v, int) for v in (self.first, self.step))
        return [self.first + i * self.step if whole else round(self.first + i * self.step, 12)
                for i in range(count)]


class Coalition(Config):
    """Member sets that grow one partner at a time, in order of vendor revenue share in the base
    scenario's world (see :func:`model.experiment.coalitions.growing_coalitions`)."""

    leader: str = Field("USA", description="ISO3 code of the country every set starts with.")
    exclude: list[str] = Field(default_factory=list, description="ISO3 codes never added.")
    size: int | None = Field(None, ge=1, description="Largest set, leader included (unset: all partners).")


class Parameter(Config):
    """One swept parameter: where it is in the scenario, and its values (exactly one of ``values``,
    ``range``, ``bounds`` or ``coalition``)."""

    key: str = Field(description="Key path into the resolved scenario, e.g. "
                     "policies.national[USA].enforcement.")
    name: str | None = Field(None, description="Column name in the results (default: the key path).")
    label: str | None = Field(None, description="Axis label for figures, with units (default: the name).")
    values: list[Any] | None = Field(None, min_length=1, description="The values, in order.")
    range: Range | None = Field(None, description="first / step / last.")
    bounds: tuple[float, float] | None = Field(None, description="[low, high] for sampled designs.")
    integer: bool = Field(False, description="Sample whole numbers within bounds (both included).")
    coalition: Coalition | None = Field(None, description="Growing member sets (a coalition sweep).")

    @field_validator("key")
    @classmethod
    def _parses(cls, key: str) -> str:
        try:
            parse(key)
        except ModelInputError as err:
            raise ValueError(err.problem + (f" ({err.expected})" if err.expected else "")) from None
        return key

    @model_validator(mode="after")
    def _one_source(self) -> Parameter:
        given = [k for k in ("values", "range", "bounds", "coalition") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of values, range, bounds, coalition (got {len(given)})")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low < high (got {list(self.bounds)})")
        if self.integer and self.bounds is None:
            raise ValueError("integer applies to bounds only")
        if self.integer and not all(float(b).is_integer() for b in self.bounds):
            raise ValueError(f"integer bounds must be whole numbers (got {list(self.bounds)})")
        return self

    @property
    def column(self) -> str:
        return self.name or self.key


class SweepSpec(Config):
    """A parameter sweep: base scenario, parameters, design, replications, seed and what to record."""

    name: str = Field("sweep", description="Name of the sweep (default: the file stem); results/<name>/.")
    description: str = Field("", description="What the sweep explores.")
    base: str = Field("", description="Base scenario file, relative to the sweep file.")
    scenario: dict[str, Any] = Field(
        default_factory=dict,
        description="Changes to the base scenario, written as in a scenario file (tables merge key by "
        "key; arrays replace whole).",
    )
    design: Design = Field("grid", description="grid (every combination), lhs, sobol or morris.")
    samples: Samples | None = Field(
        None, description="lhs: points; sobol: base samples N (a power of 2; N * (D + 2) points, "
        "N * (2D + 2) with second_order); morris: trajectories N (N * (D + 1) points).",
    )
    levels: int = Field(4, ge=2, le=1_000, description="Morris grid levels.")
    second_order: bool = Field(False, description="Sobol: also second-order indices (more points).")
    replications: Replications | None = Field(None, description="Runs per point (default: the base scenario's).")
    seed: Seed | None = Field(None, description="Master seed (default: the base scenario's).")
    paired: bool = Field(True, description="Pair each point with its no-controls baseline on the same seeds.")
    metrics: list[str] | None = Field(
        None, description="End-of-run metrics (default: all paired metrics, or a headline set unpaired).")
    series: list[str] = Field(default_factory=lambda: list(DEFAULT_SERIES),
                              description="Columns recorded every record_every steps ([] for none).")
    record_every: int = Field(4, ge=1, le=MAX_HORIZON,
                              description="Steps between time-series records (the last is always kept).")
    parameters: list[Parameter] = Field(min_length=1, description="The swept parameters.")

    @field_validator("name")
    @classmethod
    def _a_folder_name(cls, name: str) -> str:
        if problem := name_problem(name):  # results/<name>/ unless told otherwise: refused alike
            raise ValueError(f"{problem} (results go to results/<name>/)")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        sampled = self.design in SAMPLED
        if sampled and self.samples is None:
            raise ValueError(f"design {self.design!r} needs samples")
        if not sampled and self.samples is not None:
            raise ValueError("samples applies to lhs, sobol and morris designs only")
        if self.design == "sobol" and self.samples & (self.samples - 1):
            lower = 1 << (self.samples.bit_length() - 1)
            raise ValueError(f"sobol samples must be a power of 2 (got {self.samples}; "
                             f"try {lower} or {lower * 2})")
        if not sampled and any(p.bounds is not None for p in self.parameters):
            raise ValueError("bounds are for sampled designs (lhs, sobol, morris); a grid needs values, "
                             "a range or a coalition")
        columns = [p.column for p in self.parameters]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise ValueError(f"two parameters have the column name {repeated[0]!r}; give one a name")
        clash = sorted(set(columns) & RESERVED)
        if clash:
            raise ValueError(f"parameter name {clash[0]!r} is a results column; choose another name")
        return self


def read_spec(data: dict[str, Any], origin: str) -> SweepSpec:
    """``data`` as a :class:`SweepSpec`; a one-line :class:`ScenarioError` naming ``origin`` and the key."""
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, SweepSpec, lambda loc: origin) from None


def load_spec(path: str | Path) -> SweepSpec:
    """The sweep file ``path`` (``name`` defaults to its stem)."""
    path = Path(path)
    data = read_toml(path)
    if not isinstance(data.get("base"), str) or not data.get("base"):
        raise ScenarioError(path, "base", "required key is missing" if "base" not in data else "wrong type",
                            expected="a path to a scenario file, relative to the sweep file",
                            got=data.get("base"))
    return read_spec({"name": path.stem, **data}, str(path))
