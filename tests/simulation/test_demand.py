"""Demand that depends on the regime (docs/ODD.md, 7.1): more repressive states spend a larger share of GDP."""

from __future__ import annotations

import numpy as np
import pytest

from model.parameters import ModelParameters
from model.simulation import ControlRegimeModel
from model.simulation.demand import regime_weight
from model.world import build_world


@pytest.fixture(scope="module")
def world():
    return build_world(ModelParameters())


def test_without_a_regime_effect_every_country_spends_the_same_share(world):
    assert np.array_equal(regime_weight(world, ModelParameters(budget_repression=0.0)), np.ones(world.n_countries))


@pytest.mark.parametrize("b", [0.5, 3.0, 6.0])
def test_the_world_share_is_kept_and_repression_raises_a_country_s_share(world, b):
    weight = regime_weight(world, ModelParameters(budget_repression=b))
    assert (world.gdp * weight).sum() == pytest.approx(world.gdp.sum())
    order = np.argsort(world.repression)
    assert np.all(np.diff(weight[order]) >= 0)
    # hand-checked: w_c / w_d = exp(b (r_c - r_d))
    c, d = order[-1], order[0]
    assert weight[c] / weight[d] == pytest.approx(np.exp(b * (world.repression[c] - world.repression[d])))


def test_china_s_spending_share_rises_from_its_gdp_share_to_the_ihs_figure():
    """At 0 China spends its share of world GDP (17.7%); about 3 gives more than 40% (IHS Markit)."""
    shares = {}
    for b in (0.0, 3.0):
        model = ControlRegimeModel(horizon=5, seed=1, collect_agents=False,
                                   parameters=ModelParameters(budget_repression=b)).run()
        shares[b] = model.summary["spend_share_CHN"]
    assert 0.15 < shares[0.0] < 0.2
    assert shares[3.0] > 0.4
