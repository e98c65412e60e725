"""The calibration file: targets (public figures with tolerances) and bounded free parameters."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from model.config.base import Config
from model.config.translate import input_error
from model.errors import ModelInputError, check_name
from model.limits import CalendarDate, Horizon, IntervalReplications, Replications, Samples
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
    horizon: Horizon = Field(16, ge=2)
    replications: Replications = 2
    rounds: list[Samples] = Field(default_factory=lambda: [48, 24], min_length=1, max_length=100)
    shrink: float = Field(0.35, gt=0.0, le=1.0)
    validation_replications: IntervalReplications = 20

    def box_share(self, round_number: int) -> float:
        """Share of each free parameter's range that round ``round_number`` (from 1) searches."""
        return self.shrink ** (round_number - 1)

    @property
    def final_box_share(self) -> float:
        """The share of the range the last round searched."""
        return self.box_share(len(self.rounds))


class CalibrationSpec(Config):
    settings: CalibrationSettings = Field(default_factory=CalibrationSettings)
    targets: list[Target] = Field(min_length=1)
    free: list[FreeParameter] = Field(min_length=1)

    @property
    def columns(self) -> list[str]:
        """The time-series columns the targets read."""
        return sorted({column for t in self.targets for column in (*t.observable, *t.denominator)})

    def parameters(self, base: ModelParameters, values: dict[str, float]) -> ModelParameters:
        """``base`` with the free parameters set to ``values`` (keyed by ``FreeParameter.key``)."""
        data = base.model_dump()
        for free in self.free:
            if free.key not in values:
                continue
            table = data
            for part in free.path[:-1]:
                table = table.setdefault(part, {})
            table[free.path[-1]] = values[free.key]
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
