"""The scenario library: the repository's ``scenarios/`` folder and its listing."""

from __future__ import annotations

from pathlib import Path

from model.scenario.loader import load_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
"""The repository's scenario library (``scenarios/`` next to the ``model`` package)."""


def list_scenarios(directory: str | Path = SCENARIO_DIR) -> list[tuple[str, str, Path]]:
    """``(name, description's first line, path)`` of every ``*.toml`` in ``directory``, by name.

    Files are loaded (with their ``extends``) but not checked against the world, so listing is quick.
    """
    found = []
    for path in Path(directory).glob("*.toml"):
        scenario = load_scenario(path, validate=False)
        summary = scenario.description.strip().splitlines()[0] if scenario.description.strip() else ""
        found.append((scenario.name, summary, path))
    return sorted(found)
