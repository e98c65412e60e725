"""The scenario: run settings, parameters, world changes and policies, as one typed object.

The nested tables reuse the model's own configuration classes (:class:`ModelParameters`,
:class:`WorldOverrides`, :class:`PolicySet`), so their keys, defaults and ranges are defined once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, PrivateAttr, SerializeAsAny, ValidationError, ValidationInfo, field_validator

from model.config.base import Config
from model.config.tables import Loc
from model.config.translate import input_error
from model.limits import LAST_DATE, CalendarDate, Horizon, Replications, Seed, StepsPerYear
from model.parameters import ModelParameters, default_parameters, over_defaults
from model.policy import PolicySet
from model.policy.config import policy_set_type
from model.scenario.errors import ScenarioError
from model.scenario.explain import explain
from model.scenario.sources import Sources
from model.simulation.settings import span_problem
from model.world import WorldOverrides

DEFAULT_SEED = 20200911
"""The master seed when a scenario names none: the date of IBM's comment to BIS (11 Sept 2020)."""


BASELINE = "baseline"
"""The name of no-controls runs: ``baseline``, or ``<scenario>:baseline`` for a scenario's own."""


def is_baseline(name: str) -> bool:
    """Whether ``name`` names no-controls runs (:data:`BASELINE` or ``<scenario>:baseline``)."""
    return name == BASELINE or name.endswith(f":{BASELINE}")


class Scenario(Config):
    """One experiment condition: how long and how often to run, with which parameters, world and policies."""

    name: str = Field("scenario", description="Short name used in results; defaults to the file stem.")
    description: str = Field("", description="What the scenario represents; its first line is listed.")
    extends: str | None = Field(
        None,
        description="Parent scenario file, relative to this file. Tables merge key by key; arrays "
        "(including arrays of tables) are replaced whole. `name`, `description` and `extends` are "
        "never inherited.",
    )
    start_date: CalendarDate = Field(dt.date(2019, 1, 1), description="Calendar date of the first step.")
    steps_per_year: StepsPerYear = Field(4, description="Steps per year (4: one step is a quarter).")
    warmup: int = Field(
        4, ge=0, description="Steps without controls at the start, identical across scenarios for a seed."
    )
    horizon: Horizon = Field(
        40, description="Steps per run, warm-up included; more than `warmup`; the run ends by "
        f"{LAST_DATE.year}."
    )
    replications: Replications = Field(20, description="Runs per scenario, each with its own seed.")
    seed: Seed = Field(
        DEFAULT_SEED,
        description=f"Master seed; every run's seed derives from it. Default {DEFAULT_SEED} (the date "
        "of IBM's comment to BIS, 11 Sept 2020).",
    )
    target_threshold: float = Field(
        0.5, ge=0.0, le=1.0,
        description="Repression at or above which a regime is a target (the headline outcome).",
    )
    headline: Literal["equal", "population", "importing"] = Field(
        "equal",
        description="Which denial measure is the headline `denial_effectiveness`: `equal` (mean over "
        "target regimes, each counted once), `population` (population-weighted mean) or `importing` "
        "(mean over target regimes without vendors of their own). All three are always reported; "
        "docs/ODD.md gives the reasons for the default.",
    )
    parameters: ModelParameters = Field(
        default_factory=default_parameters,
        description="Behavioural parameters; unlisted ones keep the project defaults (calibrated "
        "values when `model/data/calibrated.toml` exists).",
    )
    world: WorldOverrides = Field(default_factory=WorldOverrides, description="Changes to the default world.")
    policies: SerializeAsAny[PolicySet] = Field(  # a subclass's own instruments are stored too (an extension's)
        default_factory=PolicySet, description="The controls the scenario switches on (none: baseline)."
    )

    _sources: Sources | None = PrivateAttr(None)

    @field_validator("name")
    @classmethod
    def _a_label(cls, name: str) -> str:
        if not name.strip() or not name.isprintable():
            raise ValueError("must be a label: not empty, without control characters")
        return name

    @field_validator("horizon")
    @classmethod
    def _after_warmup(cls, horizon: int, info: ValidationInfo) -> int:
        warmup, start, per_year = (info.data.get(key) for key in ("warmup", "start_date", "steps_per_year"))
        if None not in (warmup, start, per_year) and (problem := span_problem(start, per_year, warmup, horizon)):
            raise ValueError(problem)
        return horizon

    @field_validator("policies", mode="before")
    @classmethod
    def _registered_policy_set(cls, policies: Any) -> Any:
        """A table is read into the registered policy set (an extension's instruments included)."""
        kind = policy_set_type()
        if kind is PolicySet or not isinstance(policies, dict):
            return policies  # checked as the field's own type, every error with its full key path
        try:
            return kind.model_validate(policies)
        except ValidationError as exc:  # an extension's set: its error says its own key path
            raise ValueError(str(input_error(exc, kind))) from None

    @field_validator("parameters", mode="before")
    @classmethod
    def _over_defaults(cls, parameters: Any) -> Any:
        if isinstance(parameters, dict):
            return over_defaults(parameters)
        return parameters

    def __eq__(self, other: object) -> bool:
        """Equal settings make equal scenarios, wherever they were loaded from."""
        return isinstance(other, Scenario) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable tables inside: not hashable

    @property
    def sources(self) -> Sources | None:
        """The files the scenario was loaded from (None when built in Python)."""
        return self._sources

    @property
    def origin(self) -> str:
        """Where the scenario comes from, as error messages name it."""
        return str(self._sources.path) if self._sources else f"<scenario {self.name}>"

    def model_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :class:`model.simulation.ControlRegimeModel` (all but ``rng``)."""
        return {
            "policies": self.policies,
            "parameters": self.parameters,
            "world": self.world,
            "horizon": self.horizon,
            "warmup": self.warmup,
            "steps_per_year": self.steps_per_year,
            "start_date": self.start_date,
            "target_threshold": self.target_threshold,
        }

    def baseline(self) -> Scenario:
        """The same scenario with an empty :class:`PolicySet`, named ``<name>:baseline``.

        Restraint rules in ``world`` stay; those in ``policies.restraints`` go with the policies.
        """
        return self.model_copy(update={"name": f"{self.name}:{BASELINE}", "policies": PolicySet()})

    def resolved(self) -> dict[str, Any]:
        """Every setting, defaults and inherited values included, as JSON-able data (dates as ISO text)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_resolved(cls, data: dict[str, Any]) -> Scenario:
        """The scenario :meth:`resolved` describes; a :class:`ScenarioError` if ``data`` is not one."""
        return validated(data, lambda loc: f"<resolved scenario {data.get('name', '')}>")


def validated(
    data: dict[str, Any], file_for: Callable[[Loc], str], sources: Sources | None = None
) -> Scenario:
    """``data`` as a :class:`Scenario`; errors are located by ``file_for(key path)``."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, Scenario, file_for) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a validator that met a bad shape
        raise ScenarioError(file_for(()), "", f"malformed scenario ({type(exc).__name__}: {exc})") from exc
    scenario._sources = sources
    return scenario
