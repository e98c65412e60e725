"""The calibration file: targets (public figures with tolerances) and bounded free parameters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from model.config.base import Config
from model.config.translate import input_error
from model.dates import Calendar
from model.errors import ModelInputError, check_name
from model.experiment.engine import check_names, raw_metric_names
from model.limits import CalendarDate, Horizon, IntervalReplications, Samples
from model.parameters import ModelParameters
from model.scenario import Scenario
from model.scenario.errors import ScenarioError
from model.scenario.sources import read_toml

CALIBRATION_FILE = Path(__file__).resolve().parents[1] / "data" / "calibration.toml"


class Target(Config):
    """A public figure and the model observable (time-series columns, aggregated over a period) it is compared with."""

    name: str
    observable: list[str] = Field(min_length=1, description="Summary columns, added up.")
    denominator: list[str] = Field(default_factory=list, description="Summary columns, added up, that "
                                   "the observable is divided by at every step (a share among them).")
    start: CalendarDate
    end: CalendarDate
    aggregate: Literal["mean", "sum"] = "mean"
    value: float
    low: float
    high: float
    source: str

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if not self.low <= self.value <= self.high or self.low == self.high:
            raise ValueError(f"{self.name}: need low <= value <= high and low < high")
        if self.start > self.end:
            raise ValueError(f"{self.name}: start ({self.start}) is after end ({self.end})")
        return self


class FreeParameter(Config):
    """A parameter the calibration may move: a key under ``parameters.`` and its bounds."""

    key: str = Field(pattern=r"^parameters\.[A-Za-z_]+(\.[A-Za-z0-9_ ()-]+)?$")
    low: float
    high: float
    rationale: str = ""

    @model_validator(mode="after")
    def _a_range(self) -> FreeParameter:
        if not self.low < self.high:
            raise ValueError(f"{self.key}: need low < high")
        return self

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split(".")[1:])


class CalibrationSettings(Config):
    """How the posterior is sampled (ABC-SMC, :mod:`model.calibration.posterior`)."""

    horizon: Horizon = Field(16, ge=2)
    population: Samples = Field(200, ge=10, description="Particles per generation.")
    simulations: int = Field(20_000, ge=10, le=10_000_000,
                             description="Stop once this many simulations were run (all generations).")
    generations: int = Field(1, ge=1, le=1_000, description="Stop after this many generations (1: rejection "
                             "ABC, every particle drawn from the prior).")
    acceptance: float = Field(0.5, gt=0.0, le=1.0, description="Each generation's threshold is this quantile "
                              "of the previous generation's distances (the first's, of a sample from the prior).")
    prior_sample: Samples | None = Field(None, description="Prior draws whose distances set the first threshold "
                                         "(default: population); counted among the simulations. A small sample "
                                         "makes a low quantile, and with it the number of simulations, noisy.")
    validation_replications: IntervalReplications = 20


class CalibrationSpec(Config):
    settings: CalibrationSettings = Field(default_factory=CalibrationSettings)
    targets: list[Target] = Field(min_length=1)
    free: list[FreeParameter] = Field(min_length=1)
    _origin: str = PrivateAttr("<calibration>")

    @model_validator(mode="after")
    def _distinct(self) -> CalibrationSpec:
        for what, names in (("target", [t.name for t in self.targets]), ("free key", [f.key for f in self.free])):
            if repeated := sorted({n for n in names if names.count(n) > 1}):
                raise ValueError(f"two {what}s named {repeated[0]!r} (each is a column of the results)")
        return self

    @property
    def origin(self) -> str:
        """The file the calibration was read from, as error messages name it."""
        return self._origin

    @property
    def columns(self) -> list[str]:
        """The time-series columns the targets read."""
        return sorted({column for t in self.targets for column in (*t.observable, *t.denominator)})

    def identity(self) -> str:
        """A digest of what makes two fits' losses comparable: the targets (names, observables,
        periods, values, tolerances) and the calibration horizon."""
        data = {"targets": [t.model_dump(mode="json", exclude={"source"}) for t in self.targets],
                "horizon": self.settings.horizon}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def parameters(self, base: ModelParameters, values: dict[str, float]) -> ModelParameters:
        """``base`` with the free parameters set to ``values`` (keyed by ``FreeParameter.key``)."""
        return with_values(base, values)


def with_values(base: ModelParameters, values: dict[str, float]) -> ModelParameters:
    """``base`` with the parameters keyed ``parameters.<name>[.<key>]`` set to ``values``."""
    data = base.model_dump()
    for key, value in values.items():
        path = key.split(".")[1:]
        table = data
        for part in path[:-1]:
            table = table.setdefault(part, {})
        table[path[-1]] = value
    return ModelParameters(**data)


def load_spec(path: Path = CALIBRATION_FILE) -> CalibrationSpec:
    """Read and check a calibration file; every free key must name a model parameter."""
    data = read_toml(Path(path))  # a regular file, of bounded size and nesting
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError.of(path, input_error(exc, CalibrationSpec)) from None
    fields = list(ModelParameters.model_fields)
    for n, free in enumerate(spec.free):
        check_name(free.path[0], fields, f"{path}: free[{n}].key", "model parameter")
        for bound in ("low", "high"):  # the search moves the parameter over [low, high]: both ends valid
            try:
                spec.parameters(ModelParameters(), {free.key: getattr(free, bound)})
            except ModelInputError as err:
                raise ScenarioError(path, f"free[{n}].{bound}", f"outside {free.key}'s own range",
                                    expected=err.expected or err.problem, got=getattr(free, bound)) from None
    spec._origin = str(path)
    return spec


def check_against(spec: CalibrationSpec, scenario: Scenario) -> None:
    """What the calibration's runs of ``scenario`` must give its targets: every observable and
    denominator a time-series column they record, every target's period within the dates they
    cover (``settings.horizon`` steps from the scenario's start). ``run.py validate`` and
    :func:`model.calibration.calibrate_into` (before making its folder) both check it."""
    base = scenario.model_copy(update={"horizon": spec.settings.horizon})
    _, series = raw_metric_names(base)
    calendar = Calendar(base.start_date, base.steps_per_year)
    first, after = calendar.date_of(0), calendar.date_of(base.horizon)
    for n, target in enumerate(spec.targets):
        for key in ("observable", "denominator"):
            check_names(getattr(target, key), series, f"targets[{n}].{key}", spec.origin)
        for key in ("start", "end"):
            if not first <= getattr(target, key) < after:
                raise ScenarioError(spec.origin, f"targets[{n}].{key}", "outside the calibration runs' "
                                    f"dates ({base.horizon} steps from {first}: settings.horizon)",
                                    expected=f"a date in [{first}, {after - dt.timedelta(days=1)}]",
                                    got=getattr(target, key))
