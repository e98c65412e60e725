"""Layer 3: policies — typed configuration, ready-made regimes and their arrays per step."""

from model.policy.config import (
    Agreement,
    DataAccessControl,
    Destinations,
    Extraterritorial,
    Member,
    NationalControl,
    PolicySet,
)
from model.policy.instrument import Instrument, PolicyArrays, Window
from model.policy.presets import PRESETS, preset
from model.policy.schedule import PolicySchedule, PolicyState, ScheduleParameters
from model.world.restraint import VoluntaryRestraint

__all__ = [
    "PRESETS",
    "Agreement",
    "DataAccessControl",
    "Destinations",
    "Extraterritorial",
    "Instrument",
    "Member",
    "NationalControl",
    "PolicyArrays",
    "PolicySchedule",
    "PolicySet",
    "PolicyState",
    "ScheduleParameters",
    "VoluntaryRestraint",
    "Window",
    "preset",
]
