"""The kinds of file the project reads, recognised by their top-level keys, for ``run.py validate``.

Each :class:`FileKind` names the top-level keys that mark it and a check that loads the file as its
own command would, without running anything. A new file format joins with :func:`register` (its
command module calls it when imported); a file with none of the registered markers is a scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from model.errors import closest
from model.scenario.sources import read_toml


@dataclass(frozen=True)
class FileKind:
    """A file format: its name, the top-level keys any of which mark it, and its check, which returns
    a one-line summary (and warnings) or raises a ``ModelInputError`` naming file and key."""

    name: str
    markers: frozenset[str]
    check: Callable[[Path], tuple[str, list[str]]]


KINDS: list[FileKind] = []
"""The registered kinds, checked in order; the scenario is the fallback."""


def register(kind: FileKind) -> FileKind:
    """Add ``kind`` (replacing a kind of the same name)."""
    KINDS[:] = [k for k in KINDS if k.name != kind.name] + [kind]
    return kind


def kind_of(path: Path) -> FileKind:
    """The kind of the TOML file ``path`` (a ``ScenarioError`` if it cannot be read as TOML, or if
    it has no marker but a key that is neither a scenario's nor far from a marker: a misspelt
    marker, such as ``scenaro`` for a coalitions file's ``scenario``)."""
    keys = set(read_toml(path))
    kind = next((kind for kind in KINDS if kind.markers & keys), SCENARIO)
    if kind is SCENARIO:
        from model.scenario import Scenario, ScenarioError

        markers = [marker for k in KINDS for marker in sorted(k.markers)]
        for key in sorted(keys - set(Scenario.model_fields)):
            if (hint := closest(key, markers, n=1)) is not None:
                raise ScenarioError(path, key, "unknown key", suggestion=hint)
    return kind


def check_file(path: Path) -> tuple[FileKind, str, list[str]]:
    """Check ``path`` as its kind: the kind, a one-line summary and any warnings."""
    kind = kind_of(path)
    summary, warnings = kind.check(path)
    return kind, summary, warnings


def _scenario(path: Path) -> tuple[str, list[str]]:
    from model.experiment.engine import ScenarioSet
    from model.scenario import load_scenario

    scenario = load_scenario(path)
    ScenarioSet([scenario])  # what running it checks of its name
    return f"scenario {scenario.name!r}, {scenario.replications} replications of {scenario.horizon} steps", []


def _sweep(path: Path) -> tuple[str, list[str]]:
    from model.experiment.engine import design_warning, load_sweep, sweep_plan

    sweep = load_sweep(path)
    plan = sweep_plan(sweep)
    warning = design_warning(sweep)
    summary = f"sweep {sweep.spec.name!r}, {sweep.spec.design} design of {len(sweep.design)} points, {plan.n_runs} runs"
    return summary, [warning] if warning else []


def _calibration(path: Path) -> tuple[str, list[str]]:
    from model.calibration.spec import check_against, load_spec
    from model.scenario import SCENARIO_DIR, load_scenario

    spec = load_spec(path)
    check_against(spec, load_scenario(SCENARIO_DIR / "baseline.toml"))  # the scenario calibrate runs
    return (f"calibration: {len(spec.targets)} targets, {len(spec.free)} free parameters, "
            f"ABC-SMC of {spec.settings.population} particles, at most {spec.settings.simulations} simulations"), []


SCENARIO = FileKind("scenario", frozenset(), _scenario)
register(FileKind("sweep", frozenset({"base"}), _sweep))
register(FileKind("calibration", frozenset({"targets", "free"}), _calibration))
