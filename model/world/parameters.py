"""The behavioural parameters a world is built from (:class:`WorldParameters`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from model.parameters import ModelParameters


@dataclass(frozen=True)
class WorldParameters:
    """The behavioural parameters :func:`model.world.build_world` reads, and so the only ones a world depends
    on: worlds built with equal values of these are equal. :func:`model.world.build_world` reads its parameters
    through this type alone, so a parameter it reads is one of these fields or an AttributeError."""

    border_cost: float
    distance_cost: float
    contiguity_discount: float
    region_discount: float
    hub_markup: float
    tie_political: float
    tie_security: float
    tie_finance: float
    tie_home: float
    ties_scale: float
    price_factor_by_home: Mapping[str, float]
    scale_factor_by_vendor: Mapping[str, float]
    algorithm_scale_factor_by_vendor: Mapping[str, float]

    @classmethod
    def of(cls, params: ModelParameters | WorldParameters) -> WorldParameters:
        """These parameters' values in ``params``."""
        if isinstance(params, WorldParameters):
            return params
        return cls(**{f.name: getattr(params, f.name) for f in fields(cls)})

    def __hash__(self) -> int:  # the tables are dicts: hashed by their sorted items
        return hash(tuple(tuple(sorted(v.items())) if isinstance(v, Mapping) else v
                          for v in (getattr(self, f.name) for f in fields(self))))


WORLD_PARAMETERS = tuple(f.name for f in fields(WorldParameters))
"""The names of :class:`WorldParameters`' fields."""
