"""Export controls on mass-surveillance technology: an agent-based model (Mesa 3).

The public names below are imported on first use (``model.compare`` loads the experiment engine,
``import model.vocabulary`` loads nothing else), so light tools start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from model.version import __version__

_EXPORTS = {
    "ModelInputError": "model.errors",
    "ModelParameters": "model.parameters",
    "Agreement": "model.policy",
    "DataAccessControl": "model.policy",
    "Destinations": "model.policy",
    "Extraterritorial": "model.policy",
    "Member": "model.policy",
    "NationalControl": "model.policy",
    "PolicySet": "model.policy",
    "VoluntaryRestraint": "model.policy",
    "Country": "model.simulation",
    "Vendor": "model.simulation",
    "ControlRegimeModel": "model.simulation",
    "World": "model.world",
    "WorldOverrides": "model.world",
    "build_world": "model.world",
    "Scenario": "model.scenario",
    "ScenarioError": "model.scenario",
    "list_scenarios": "model.scenario",
    "load_scenario": "model.scenario",
    "Comparison": "model.experiment",
    "compare": "model.experiment",
    "run_scenario": "model.experiment",
    "growing_coalitions": "model.experiment",
    "sweep": "model.experiment",
    "sweep_file": "model.experiment",
    "coalitions": "model.strategy",
    "frontier": "model.strategy",
    "discover": "model.strategy",
    "load_results": "model.experiment",
    "Results": "model.experiment",
    "to_ema": "model.experiment",
}

__all__ = [
    "Agreement",
    "Comparison",
    "ControlRegimeModel",
    "Country",
    "DataAccessControl",
    "Destinations",
    "Extraterritorial",
    "Member",
    "ModelInputError",
    "ModelParameters",
    "NationalControl",
    "PolicySet",
    "Results",
    "Scenario",
    "ScenarioError",
    "Vendor",
    "VoluntaryRestraint",
    "World",
    "WorldOverrides",
    "__version__",
    "build_world",
    "coalitions",
    "compare",
    "discover",
    "frontier",
    "growing_coalitions",
    "list_scenarios",
    "load_results",
    "load_scenario",
    "run_scenario",
    "sweep",
    "sweep_file",
    "to_ema",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from model.errors import ModelInputError
    from model.experiment import (
        Comparison,
        Results,
        compare,
        growing_coalitions,
        load_results,
        run_scenario,
        sweep,
        sweep_file,
        to_ema,
    )
    from model.parameters import ModelParameters
    from model.policy import (
        Agreement,
        DataAccessControl,
        Destinations,
        Extraterritorial,
        Member,
        NationalControl,
        PolicySet,
        VoluntaryRestraint,
    )
    from model.scenario import Scenario, ScenarioError, list_scenarios, load_scenario
    from model.simulation import ControlRegimeModel, Country, Vendor
    from model.strategy import coalitions, discover, frontier
    from model.world import World, WorldOverrides, build_world
