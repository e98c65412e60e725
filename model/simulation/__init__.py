"""Layer 5: the Mesa model — :class:`ControlRegimeModel`, its agents, reporters, observables, the
typed end of a run (:class:`RunResult`) and where a model's world and setup come from."""

from model.simulation.agents import Country, Vendor
from model.simulation.caches import PROCESS_CACHES, ProcessCaches, clear_process_caches, world_for
from model.simulation.lifetime import dispose, release
from model.simulation.model import STREAMS, ControlRegimeModel
from model.simulation.result import REGIME_FIELDS, RunEnd, RunResult
from model.simulation.setup import FRESH, RunSetup, SetupRequest, SetupSource

__all__ = [
    "FRESH", "PROCESS_CACHES", "REGIME_FIELDS", "STREAMS", "ControlRegimeModel", "Country", "ProcessCaches",
    "RunEnd", "RunResult", "RunSetup", "SetupRequest", "SetupSource", "Vendor", "clear_process_caches",
    "dispose", "release", "world_for",
]
