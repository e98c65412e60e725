"""Export controls on mass-surveillance technology: an agent-based model (Mesa 3)."""

from model.errors import ModelInputError
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
from model.agents import Country, Vendor
from model.simulation import ControlRegimeModel
from model.world import World, WorldOverrides, build_world
from model.scenario import Scenario, ScenarioError, list_scenarios, load_scenario  # noqa: E402
from model.experiment import Comparison, compare, run_scenario  # noqa: E402
from model.sweeps import growing_coalitions, sweep, sweep_file  # noqa: E402

__version__ = "0.1.0"

_STRATEGY = {"coalitions": "model.strategy.coalitions", "frontier": "model.strategy.frontier",
             "discover": "model.strategy.discovery"}


def __getattr__(name: str):
    """``model.coalitions``, ``model.frontier`` and ``model.discover`` (imported on first use)."""
    if name in _STRATEGY:
        import importlib

        return getattr(importlib.import_module(_STRATEGY[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")


__all__ = [
    "Agreement",
    "Comparison",
    "Country",
    "Scenario",
    "ScenarioError",
    "Vendor",
    "coalitions",
    "compare",
    "discover",
    "frontier",
    "growing_coalitions",
    "sweep",
    "sweep_file",
    "list_scenarios",
    "load_scenario",
    "run_scenario",
    "ControlRegimeModel",
    "DataAccessControl",
    "Destinations",
    "Extraterritorial",
    "Member",
    "ModelInputError",
    "ModelParameters",
    "NationalControl",
    "PolicySet",
    "VoluntaryRestraint",
    "World",
    "WorldOverrides",
    "build_world",
]
