"""The arguments of :class:`model.simulation.ControlRegimeModel`, checked with the bounds and
messages a scenario file gets (``model.limits``, the one translator of validation errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field, InstanceOf, ValidationError, ValidationInfo, field_validator

from model.config.base import Config
from model.config.translate import input_error
from model.dates import Calendar
from model.limits import LAST_DATE, CalendarDate, Horizon, StepsPerYear
from model.parameters import ModelParameters, default_parameters, over_defaults
from model.policy import PolicySet
from model.world import World, WorldOverrides


class RunSettings(Config):
    """What one run is given: policies (a :class:`PolicySet` or a preset's name), parameters (or a
    partial table over the defaults), the world (or overrides of the default world) and its time."""

    policies: PolicySet | str = "none"
    parameters: ModelParameters = Field(default_factory=default_parameters)
    world: InstanceOf[World] | WorldOverrides = Field(default_factory=WorldOverrides)  # a World as it is
    warmup: int = Field(4, ge=0)
    steps_per_year: StepsPerYear = 4
    start_date: CalendarDate = dt.date(2019, 1, 1)
    horizon: Horizon = 40  # after the fields its check reads
    target_threshold: float = Field(0.5, ge=0.0, le=1.0)

    @field_validator("parameters", mode="before")
    @classmethod
    def _over_defaults(cls, parameters: Any) -> Any:
        if parameters is None:
            return default_parameters()
        return over_defaults(parameters) if isinstance(parameters, Mapping) else parameters

    @field_validator("world", mode="before")
    @classmethod
    def _default_world(cls, world: Any) -> Any:
        return WorldOverrides() if world is None else world

    @field_validator("horizon")
    @classmethod
    def _within_span(cls, horizon: int, info: ValidationInfo) -> int:
        warmup, start, per_year = (info.data.get(key) for key in ("warmup", "start_date", "steps_per_year"))
        if None not in (warmup, start, per_year) and (problem := span_problem(start, per_year, warmup, horizon)):
            raise ValueError(problem)
        return horizon


def span_problem(start: dt.date, steps_per_year: int, warmup: int, horizon: int) -> str | None:
    """What is wrong with a run of ``horizon`` steps (``warmup`` of them without controls) from
    ``start``, or None: a horizon within the warm-up, or a run that ends after :data:`LAST_DATE`.
    The scenario schema and :class:`RunSettings` both ask."""
    if horizon <= warmup:
        return f"must be more than warmup ({warmup})"
    calendar = Calendar(start, steps_per_year)
    end = calendar.date_of(horizon - 1)
    if end > LAST_DATE:
        return (f"the run would reach {end.year}, after {LAST_DATE}; at most {calendar.step_of(LAST_DATE) + 1} "
                f"steps from {start}")
    return None


def run_settings(**arguments: Any) -> RunSettings:
    """``arguments`` checked as :class:`RunSettings`; a :class:`model.errors.ModelInputError` naming
    the argument otherwise (``horizon: out of range (expected an integer in [1, 1200], got ...)``)."""
    try:
        return RunSettings.model_validate(arguments)
    except ValidationError as exc:
        raise input_error(exc, RunSettings) from None
