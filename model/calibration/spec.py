"""The calibration file: targets (public figures with tolerances) and bounded free parameters."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from model.config.base import Config
from model.config.translate import input_error
from model.errors import ModelInputError, check_name
from model.limits import CalendarDate, Horizon, IntervalReplications, Samples
from model.parameters import ModelParameters

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
        return self


class FreeParameter(Config):
    """A parameter the calibration may move: a key under ``parameters.`` and its bounds."""

    key: str = Field(pattern=r"^parameters\.[A-Za-z_]+(\.[A-Za-z0-9_ ()-]+)?$")
    low: float
    high: float
    rationale: str = ""

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split(".")[1:])


class CalibrationSettings(Config):
    """How the posterior is sampled (ABC-SMC, :mod:`model.calibration.posterior`)."""

    horizon: Horizon = Field(16, ge=2)
    population: Samples = Field(200, ge=10, description="Particles per generation.")
    simulations: int = Field(20_000, ge=10, le=10_000_000,
                             description="Stop once this many simulations were run (all generations).")
    generations: int = Field(30, ge=1, le=1_000, description="Stop after this many generations.")
    validation_replications: IntervalReplications = 20


class CalibrationSpec(Config):
    settings: CalibrationSettings = Field(default_factory=CalibrationSettings)
    targets: list[Target] = Field(min_length=1)
    free: list[FreeParameter] = Field(min_length=1)

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
    try:
        with Path(path).open("rb") as fh:
            spec = CalibrationSpec.model_validate(tomllib.load(fh))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelInputError(str(path), f"cannot read the calibration file ({exc})") from None
    except ValidationError as exc:
        err = input_error(exc, CalibrationSpec)
        raise ModelInputError(f"{path}: {err.key}", err.problem, expected=err.expected, got=err.got,
                              suggestion=err.suggestion) from None
    fields = list(ModelParameters.model_fields)
    for n, free in enumerate(spec.free):
        check_name(free.path[0], fields, f"{path}: free[{n}].key", "model parameter")
    return spec
