"""Loading scenario files, and checking a scenario against the world it runs in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from model.config.tables import parse_key
from model.errors import ModelInputError
from model.scenario.errors import ScenarioError
from model.scenario.schema import Scenario, validated
from model.scenario.sources import read_sources
from model.simulation import ControlRegimeModel, release


def load_scenario(path: str | Path, *, validate: bool = True) -> Scenario:
    """The scenario in the TOML file ``path``, merged over the files it ``extends``.

    Unless ``validate`` is false it is also checked against the world (:func:`validate_scenario`).
    Every failure is a :class:`ScenarioError` naming the file that holds the bad key (a parent's
    when the key was inherited; the loaded file when no file holds it, e.g. a missing key).
    """
    sources = read_sources(path)
    if not sources.chain[0].data:
        raise ScenarioError(path, "", "the file sets nothing (no keys)",
                            expected="at least one key; the no-controls baseline is scenarios/baseline.toml, "
                            "or a file with only a description")
    scenario = validated(sources.merged(), sources.file_for, sources)
    if validate:
        validate_scenario(scenario)
    return scenario


def load_scenarios(paths: Sequence[str | Path]) -> list[Scenario]:
    """The scenarios of one comparison, each file once (the same file twice would count its runs twice)."""
    seen: dict[Path, str] = {}
    for path in paths:
        try:
            resolved = Path(path).resolve()
        except (OSError, ValueError, RuntimeError):  # a link loop among them
            continue  # loading it below gives the error
        if resolved in seen:
            raise ScenarioError(path, "", f"the same file is given twice (also as {seen[resolved]})",
                                expected="each scenario file once")
        seen[resolved] = str(path)
    return [load_scenario(path) for path in paths]


def validate_scenario(scenario: Scenario) -> None:
    """Check names (countries, vendors, items, groups) and dates against the world by building the
    model once; a :class:`ScenarioError` for the first problem."""
    try:
        release(ControlRegimeModel(**scenario.model_kwargs(), rng=0, collect_agents=False))
    except ModelInputError as err:
        file = scenario.sources.file_for(parse_key(err.key)) if scenario.sources else scenario.origin
        raise ScenarioError.of(file, err) from None
    except Exception as exc:
        problem = f"the model cannot be built from this scenario ({type(exc).__name__}: {exc})"
        raise ScenarioError(scenario.origin, "", problem) from exc
