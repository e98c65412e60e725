"""The analysis file formats (TOML, read with ``tomllib``, validated with pydantic like scenario and
sweep files): ``coalitions`` (Shapley values and formation), ``frontier`` (cost-effectiveness) and
``discover`` (scenario discovery). docs/analysis.md describes every key.

Loading checks everything that can be checked before a run — file syntax, keys and ranges, names
used as folder names, values listed twice, country names against the world, the leader against the
candidates and the agreement, the named regimes, an empty or too large design space — and raises
one :class:`ScenarioError` naming the file and the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from model.config.base import Config
from model.errors import ModelInputError, closest
from model.experiment.engine import checked_path
from model.experiment.results import name_problem
from model.limits import (
    MAX_HORIZON,
    MAX_POINTS,
    MAX_REPLICATIONS,
    MAX_RUNS,
    MAX_SAMPLES,
    MAX_SEED,
    Seed,
    check_size,
)
from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.explain import explain
from model.scenario.sources import read_toml
from model.strategy.designs import LAYERS, Template, template

Layer = Literal["camera", "algorithm_1n", "training_data"]
LayerGame = Literal["all", "camera", "algorithm_1n", "training_data"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
T = TypeVar("T")

MAX_NAME_BYTES = 100
"""Longest analysis or variant name (UTF-8 bytes): it becomes a folder name, with a prefix or suffix."""
MAX_COUNT = MAX_SAMPLES
"""Most NSGA-II designs per generation, generations, or permutations of a sampled Shapley value."""
MIN_PEEL_ALPHA = 0.001
"""PRIM's smallest peel share: the Workbench asserts 0 < 1 - peel_alpha < 1, false in floating point
below about 1e-16; PRIM's usual shares are 0.05-0.1, and 0.001 already peels next to nothing."""


def _plain_name(name: str) -> str:
    """``name`` if it can be a folder name (see :func:`model.experiment.folders.name_problem`)."""
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise ValueError(f"too long for a folder name ({len(name.encode())} bytes; at most {MAX_NAME_BYTES})")
    if name_problem(name):
        raise ValueError("not a plain name; it names a folder, so a visible name without '/', '\\', a NUL "
                         "byte or a leading '.'")
    return name


def _unique(values: list[T]) -> list[T]:
    """``values`` if none is listed twice."""
    twice = [v for i, v in enumerate(values) if v in values[:i]]
    if twice:
        raise ValueError(f"{twice[0]!r} is listed twice; list each value once")
    return values


Name = Annotated[str, AfterValidator(_plain_name)]
"""A name used as a folder name: no separators, not hidden, not too long."""
Unique = Annotated[list[T], AfterValidator(_unique)]
"""A list whose values are all different."""
Count = Annotated[int, Field(le=MAX_COUNT)]


class Study(Config):
    """What every coalition or frontier analysis shares: the scenario whose agreement is varied, and
    the run settings."""

    name: Name = Field("analysis", description="Name of the analysis (default: the file stem); results/<name>/.")
    description: str = Field("", description="What the analysis asks.")
    scenario: str = Field(description="Scenario file with the agreement to vary, relative to this file.")
    agreement: str | None = Field(None, description="Name of the agreement to vary (default: the only one).")
    leader: str | None = Field(None, description="ISO3 code of the leading country (default: the "
                               "agreement's leader, else the first national control's jurisdiction).")
    replications: int = Field(2, ge=1, le=MAX_REPLICATIONS, description="Runs per coalition or design (common seeds).")
    seed: int | None = Field(None, ge=0, le=MAX_SEED, description="Master seed (default: the scenario's).")
    horizon: int | None = Field(None, ge=2, le=MAX_HORIZON, description="Steps per run (default: the scenario's).")


class Sampling(Config):
    """Permutation sampling of Shapley values (used when exact enumeration is too large)."""

    batch: Count = Field(10, ge=1, description="Permutations drawn between checks of the stopping rule.")
    tolerance: float = Field(0.005, ge=0.0, description="Stop when every standard error is at most this "
                             "(in the units of denial effectiveness, 0-1).")
    min_permutations: Count = Field(20, ge=2, description="Permutations before the stopping rule applies.")
    max_permutations: Count = Field(200, ge=2, description="Stop here in any case.")
    seed: Seed = Field(0, description="Seed of the permutation draws.")

    @model_validator(mode="after")
    def _ordered(self) -> Sampling:
        if self.min_permutations > self.max_permutations:
            raise ValueError(f"min_permutations ({self.min_permutations}) is more than max_permutations "
                             f"({self.max_permutations})")
        return self


class Variant(Config):
    """A variant of the agreement for the formation analysis (unset: as in the scenario)."""

    name: Name
    enforcement: float | None = Field(None, ge=0.0, le=1.0)
    extraterritorial: bool | None = None
    no_undercut: bool | None = None


SCENARIO_VARIANT = "as in the scenario"
"""The formation variant of the scenario's own agreement."""


class Formation(Config):
    """Coalition formation: payoff_i = w_i x denial - (1 - w_i) x own revenue-loss share."""

    weight: float = Field(0.5, ge=0.0, le=1.0, description="Weight on denial for every country.")
    weights: Unique[Share] = Field(default_factory=lambda: [round(0.1 * i, 1) for i in range(11)],
                                   min_length=1, description="Weights of the stability map (each 0-1).")
    weight_from: Literal["wassenaar", "eu", "echri_code"] | None = Field(
        None, description="Data column: members get weight_member, others weight_other (revealed preference).")
    weight_member: float = Field(0.8, ge=0.0, le=1.0)
    weight_other: float = Field(0.2, ge=0.0, le=1.0)
    tolerance: float = Field(0.0, ge=0.0, description="Smallest payoff gain that makes a country move.")
    order: list[str] | None = Field(None, description="Accession order (default: by vendor revenue share).")
    variants: list[Variant] = Field(default_factory=list, description="Agreement variants compared.")

    @field_validator("variants")
    @classmethod
    def _distinct_names(cls, variants: list[Variant]) -> list[Variant]:
        names = [v.name for v in variants]
        taken = [SCENARIO_VARIANT, *names]
        twice = [n for i, n in enumerate(names) if n in taken[:i + 1]]
        if twice:
            raise ValueError(f"two variants are named {twice[0]!r} (the scenario's own agreement is "
                             f"{SCENARIO_VARIANT!r}); give each its own name")
        return variants


class CoalitionStudy(Study):
    """Shapley values of the leader's partners (and, optionally, coalition formation)."""

    candidates: list[str] | None = Field(None, description="Potential partners (ISO3; default: every "
                                         "exporting country except the leader).")
    layers: Unique[LayerGame] = Field(default_factory=lambda: ["all"], min_length=1,
                                      description="One game per entry: 'all' (the scenario's layers) or one layer.")
    method: Literal["auto", "exact", "sampled"] = Field("auto", description="auto: exact up to max_exact.")
    max_exact: int = Field(512, ge=1, le=MAX_POINTS, description="Most coalitions enumerated by method = 'auto'.")
    sampling: Sampling = Field(default_factory=Sampling)
    formation: Formation | None = Field(None, description="Also find stable coalitions (exact games only).")


class Space(Config):
    """The design space of a frontier: every combination of these."""

    partners: list[str] = Field(default_factory=list, description="Possible partners (any subset joins).")
    layers: Unique[Layer] = Field(default_factory=lambda: list(LAYERS),
                                  description="Layers that may be controlled (any non-empty subset).")
    enforcement: Unique[Share] = Field(default_factory=lambda: [0.8], description="Enforcement levels.")
    extraterritorial: Unique[bool] = Field(default_factory=lambda: [False])
    no_undercut: Unique[bool] = Field(default_factory=lambda: [False])

    @property
    def size(self) -> int:
        return ((1 << len(self.partners)) * ((1 << len(self.layers)) - 1) * len(self.enforcement)
                * len(self.extraterritorial) * len(self.no_undercut))


class Search(Config):
    """How the frontier is searched: every design, or NSGA-II (pymoo) for large spaces."""

    method: Literal["auto", "exhaustive", "nsga2"] = "auto"
    max_exhaustive: int = Field(128, ge=1, le=MAX_POINTS, description="Largest space searched exhaustively by 'auto'.")
    population: Count = Field(16, ge=4, description="NSGA-II population size.")
    generations: Count = Field(6, ge=1, description="NSGA-II generations.")
    seed: Seed = Field(1, description="Seed of the optimiser.")


class FrontierStudy(Study):
    """Denial bought against revenue lost, over a design space."""

    space: Space = Field(default_factory=Space)
    search: Search = Field(default_factory=Search)
    regimes: Unique[str] = Field(default_factory=list, description="Scenario files of named regimes to place "
                                 "on the figure, relative to this file.")


class DiscoveryStudy(Config):
    """Scenario discovery on a finished sweep's results."""

    name: Name = "discovery"
    description: str = ""
    results: str = Field(description="The sweep's results folder, relative to the working directory.")
    outcome: str = Field(description="The condition, e.g. 'denial_effectiveness > 0.05'.")
    per: Literal["point", "run"] = Field("point", description="point: the replicate mean per design point.")
    inputs: Unique[str] | None = Field(None, description="Parameter columns to search (default: all).")
    threshold: float = Field(0.8, gt=0.0, le=1.0, description="PRIM: smallest density of the chosen box.")
    peel_alpha: float = Field(0.05, ge=MIN_PEEL_ALPHA, lt=0.5, description="PRIM: share of points peeled per step.")
    mass_min: float = Field(0.05, gt=0.0, lt=1.0, description="PRIM: smallest share of points in a box.")
    max_depth: int = Field(3, ge=1, le=10, description="CART: depth of the tree.")


def read_study(data: dict[str, Any], kind: type[Config], origin: str) -> Any:
    """``data`` as a ``kind``; a one-line :class:`ScenarioError` naming ``origin`` and the key."""
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, kind, lambda loc: origin) from None


def load_study(path: str | Path, kind: type[Config]) -> Any:
    """The analysis file ``path`` as a ``kind`` (``name`` defaults to the file stem)."""
    path = checked_path(path, "file")
    return read_study({"name": path.stem, **read_toml(path)}, kind, str(path))


def load_template(study: Study, folder: Path, origin: str) -> Template:
    """The study's scenario (its path relative to ``folder``) with its run settings, and the
    agreement to vary."""
    scenario = load_scenario(folder / study.scenario)
    changes = {k: v for k, v in {"horizon": study.horizon, "seed": study.seed,
                                 "replications": study.replications}.items() if v is not None}
    if study.horizon is not None and study.horizon <= scenario.warmup:
        raise ScenarioError(origin, "horizon", "out of range",
                            expected=f"more steps than the warm-up ({scenario.warmup})", got=study.horizon)
    scenario = Scenario.from_resolved(scenario.resolved() | changes)
    return template(scenario, study.agreement, study.leader, origin)


def check_countries(names: list[str], valid: list[str], key: str, origin: str) -> None:
    """Every name one of ``valid`` (exporting countries), each at most once."""
    for i, name in enumerate(names):
        if name not in valid:
            raise ScenarioError(origin, f"{key}[{i}]", "unknown exporting country",
                                expected="one of " + ", ".join(valid), got=name,
                                suggestion=closest(name, valid))
        if names.index(name) != i:
            raise ScenarioError(origin, f"{key}[{i}]", "listed twice", got=name)


def check_leader(tmpl: Template, exporters: list[str], origin: str) -> None:
    """The leader has vendors in the world and leads the agreement varied (when that names a leader)."""
    if tmpl.leader not in exporters:
        raise ScenarioError(origin, "leader", "the leader has no vendors in the world",
                            expected="one of " + ", ".join(exporters), got=tmpl.leader,
                            suggestion=closest(tmpl.leader, exporters))
    agreement = tmpl.scenario.resolved()["policies"]["agreements"][tmpl.agreement]
    own = agreement.get("leader")
    if own is not None and own != tmpl.leader:
        raise ScenarioError(origin, "leader", f"the agreement {agreement['name']!r} of the scenario is led by {own}",
                            expected=f"{own}, or a scenario whose agreement has no leader or is led by {tmpl.leader}",
                            got=tmpl.leader, suggestion=repr(own))


def check_runs(designs: int, replications: int, key: str, origin: str) -> None:
    """Refuse more designs, or runs (the designs and the baseline, times replications), than one sweep
    of the engine holds."""
    try:
        check_size("designs", designs, MAX_POINTS, key)
        check_size("runs", (designs + 1) * replications, MAX_RUNS, key)
    except ModelInputError as err:
        raise ScenarioError.of(origin, err) from None
