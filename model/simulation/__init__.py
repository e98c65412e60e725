"""Layer 5: the Mesa model — :class:`ControlRegimeModel`, its agents, reporters and observables."""

from model.simulation.agents import Country, Vendor
from model.simulation.model import (
    STREAMS,
    ControlRegimeModel,
    clear_process_caches,
    dispose,
    release,
    world_for,
)

__all__ = [
    "STREAMS", "ControlRegimeModel", "Country", "Vendor", "clear_process_caches", "dispose", "release", "world_for",
]
