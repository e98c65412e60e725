"""Layer 6: scenarios as TOML files — schema, loading with ``extends``, errors that name file and key."""

from model.scenario.errors import ScenarioError
from model.scenario.library import SCENARIO_DIR, list_scenarios
from model.scenario.loader import load_scenario, load_scenarios, validate_scenario
from model.scenario.schema import BASELINE, Scenario, is_baseline

__all__ = [
    "BASELINE",
    "SCENARIO_DIR",
    "Scenario",
    "ScenarioError",
    "is_baseline",
    "list_scenarios",
    "load_scenario",
    "load_scenarios",
    "validate_scenario",
]
