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
from model.simulation import ControlRegimeModel
from model.world import World, WorldOverrides, build_world

__version__ = "0.1.0"

__all__ = [
    "Agreement",
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
