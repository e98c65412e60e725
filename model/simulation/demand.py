"""Demand that depends on the regime: who spends how much of its GDP on surveillance (docs/ODD.md, 7.4)."""

from __future__ import annotations

import numpy as np

from model.parameters import ModelParameters
from model.world import World


def regime_weight(world: World, params: ModelParameters) -> np.ndarray:
    """``[C]`` multiplier of each country's budget share of GDP: ``exp(budget_repression x
    repression)``, scaled so that the GDP-weighted mean is 1 (the world spends ``budget_share`` of
    its GDP whatever the regime effect; more repressive states spend a larger share)."""
    weight = np.exp(params.budget_repression * world.repression)
    return weight * (world.gdp.sum() / (world.gdp * weight).sum())
