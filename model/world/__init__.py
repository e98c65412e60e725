"""Layer 2: the world — countries, vendors, hubs, the trade network and the route table."""

from model.world.derived import forget_derived, per_world
from model.world.overrides import CountryOverride, VendorOverride, WorldOverrides
from model.world.parameters import WORLD_PARAMETERS, WorldParameters
from model.world.restraint import VoluntaryRestraint
from model.world.world import World, build_world, forget_shared_tables, structure_key

__all__ = [
    "WORLD_PARAMETERS",
    "CountryOverride",
    "VendorOverride",
    "VoluntaryRestraint",
    "World",
    "WorldOverrides",
    "WorldParameters",
    "build_world",
    "forget_derived",
    "forget_shared_tables",
    "per_world",
    "structure_key",
]
