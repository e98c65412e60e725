"""Hand-checked routes in the tiny world (see ``tests/conftest.py``).

With price and quality sensitivities of 1, a buyer's acquisition from an option is
``budget * quality / price`` whatever else is on offer, so each route's quantity is a sum of
terms computed here by hand. Route costs: direct 1.1 (border cost); via the hub
1.1 * 1.1 * 1.1 = 1.331 (two borders and the hub markup).
"""

from __future__ import annotations

import numpy as np
import pytest

from model import (
    Agreement,
    ControlRegimeModel,
    Extraterritorial,
    NationalControl,
    PolicySet,
)
from model.vocabulary import LAYERS, ROUTE_INDEX

CAMERA, ALGORITHM, DATA = 0.6, 0.25, 0.15  # layer budgets per step
DIRECT, VIA_HUB, PREMIUM = 1.1, 1.331, 1.25
US_CAMERAS_AND_ALGORITHMS = NationalControl(
    jurisdiction="USA", items=["camera", "algorithm_1n"], reexport_control=False
)


def routes_after_warmup(world, params, policies) -> dict[str, dict[str, float]]:
    """Acquisitions by route of each buyer in the first step with controls in force."""
    model = ControlRegimeModel(world=world, parameters=params, policies=policies, horizon=6, rng=0)
    model.run(5)  # warm-up is steps 0-3; step 4 has the controls
    by_route = model.procurement.by_route.sum(axis=1)  # [C, K]
    return {
        code: {route: float(by_route[c, k]) for route, k in ROUTE_INDEX.items()}
        for c, code in enumerate(world.iso3)
    }


def untouched(budget_quality_price: list[tuple[float, float, float]]) -> float:
    return sum(b * q / p for b, q, p in budget_quality_price)


def test_no_controls_every_buyer_buys_legally(tiny_world, tiny_params):
    routes = routes_after_warmup(tiny_world, tiny_params, PolicySet())["XXA"]
    assert routes["legal"] == pytest.approx(untouched([
        (CAMERA, 0.8, DIRECT), (CAMERA, 0.6, 0.5 * DIRECT), (ALGORITHM, 0.9, DIRECT),
    ]))
    assert routes["conversion"] == pytest.approx(ALGORITHM * 0.9 * 0.6 / (DIRECT * 1.3))
    assert routes["domestic"] == pytest.approx(untouched([(CAMERA, 0.3, 1.5), (ALGORITHM, 0.2, 1.5), (DATA, 0.4, 1.5)]))
    assert routes["public_copies"] == pytest.approx(DATA * 0.6 / 0.2)
    for leak in ("foreign_availability", "transshipment", "extraterritorial_gap", "illicit"):
        assert routes[leak] == 0.0


def test_us_control_without_reexport_rule_leaks_through_the_hub(tiny_world, tiny_params):
    routes = routes_after_warmup(tiny_world, tiny_params, PolicySet(national=[US_CAMERAS_AND_ALGORITHMS]))
    target = routes["XXA"]
    assert target["legal"] == 0.0
    assert target["transshipment"] == pytest.approx(
        untouched([(CAMERA, 0.8, VIA_HUB * PREMIUM), (ALGORITHM, 0.9, VIA_HUB * PREMIUM)])
    )
    assert target["foreign_availability"] == pytest.approx(CAMERA * 0.6 / (0.5 * DIRECT))
    assert target["conversion"] == pytest.approx(ALGORITHM * 0.9 * 0.6 / (DIRECT * 1.3))
    assert target["illicit"] == 0.0  # compliance 1: no direct slip
    # the buyer below the repression threshold is not a destination: all legal
    assert routes["XXC"]["legal"] == pytest.approx(untouched([
        (CAMERA, 0.8, DIRECT), (CAMERA, 0.6, 0.5 * DIRECT), (ALGORITHM, 0.9, DIRECT),
    ]))
    assert routes["XXC"]["foreign_availability"] == 0.0


def test_reexport_control_at_a_watertight_hub_blocks_transshipment(tiny_world, tiny_params):
    world = tiny_world
    from dataclasses import replace

    sealed = replace(world, hub_leakiness=np.array([0.0]))
    control = US_CAMERAS_AND_ALGORITHMS.model_copy(update={"reexport_control": True})
    target = routes_after_warmup(sealed, tiny_params, PolicySet(national=[control]))["XXA"]
    assert target["transshipment"] == 0.0
    assert target["foreign_availability"] == pytest.approx(CAMERA * 0.6 / (0.5 * DIRECT))


def test_blocked_and_leaked_are_hand_computed(tiny_world, tiny_params):
    model = ControlRegimeModel(world=tiny_world, parameters=tiny_params,
                               policies=PolicySet(national=[US_CAMERAS_AND_ALGORITHMS]), horizon=6, rng=0)
    model.run(5)
    xxa = tiny_world.country_index["XXA"]
    blocked = model.procurement.blocked[xxa].sum()
    assert blocked == pytest.approx(untouched([(CAMERA, 0.8, DIRECT), (ALGORITHM, 0.9, DIRECT)]))
    leaked = model.procurement.leaked[xxa].sum(axis=0)
    # with b_p = 1 uncontrolled options deliver the same as without controls: only slips leak
    assert leaked[ROUTE_INDEX["transshipment"]] == pytest.approx(
        untouched([(CAMERA, 0.8, VIA_HUB * PREMIUM), (ALGORITHM, 0.9, VIA_HUB * PREMIUM)])
    )
    assert np.delete(leaked, ROUTE_INDEX["transshipment"]) == pytest.approx(0.0, abs=1e-12)


def test_licences_always_approved_keep_sales_legal(tiny_world, tiny_params):
    control = US_CAMERAS_AND_ALGORITHMS.model_copy(update={"approval_probability": 1.0})
    target = routes_after_warmup(tiny_world, tiny_params, PolicySet(national=[control]))["XXA"]
    assert target["legal"] == pytest.approx(untouched([(CAMERA, 0.8, DIRECT), (ALGORITHM, 0.9, DIRECT)]))
    assert target["foreign_availability"] == pytest.approx(CAMERA * 0.6 / (0.5 * DIRECT))
    assert target["transshipment"] == 0.0


@pytest.mark.parametrize(
    ("de_minimis", "expected_route"),
    [(0.25, "extraterritorial_gap"), (0.10, "transshipment")],
)
def test_de_minimis_threshold_decides_whether_a_foreign_vendor_is_caught(
    tiny_world, tiny_params, de_minimis, expected_route
):
    """V3 (CHN) has 20% US content: in the gap above a 25% threshold, caught below 10%."""
    et = Extraterritorial(de_minimis=de_minimis, foreign_direct_product=False, e1_countries=[])
    target = routes_after_warmup(
        tiny_world, tiny_params, PolicySet(national=[US_CAMERAS_AND_ALGORITHMS], extraterritorial=et)
    )["XXA"]
    price = 0.5 * (DIRECT if expected_route == "extraterritorial_gap" else VIA_HUB * PREMIUM)
    assert target[expected_route] == pytest.approx(
        CAMERA * 0.6 / price + (CAMERA * 0.8 + ALGORITHM * 0.9) / (VIA_HUB * PREMIUM) * (expected_route == "transshipment")
    )
    assert target["foreign_availability"] == 0.0


@pytest.mark.parametrize("no_undercut", [True, False])
def test_no_undercut_extends_a_members_denial_to_the_others(tiny_world, tiny_params, no_undercut):
    """USA denies cameras nationally; the agreement's list is algorithms only. With no-undercut,
    CHN must refuse V3's cameras too (they then leak only through the unwatched hub)."""
    agreement = Agreement(name="pact", members=["USA", "CHN"], items=["algorithm_1n"],
                          no_undercut=no_undercut, reexport_control=False, information_sharing=False)
    us = NationalControl(jurisdiction="USA", items=["camera"], reexport_control=False)
    target = routes_after_warmup(tiny_world, tiny_params, PolicySet(national=[us], agreements=[agreement]))["XXA"]
    if no_undercut:
        assert target["foreign_availability"] == 0.0
        assert target["transshipment"] == pytest.approx(
            untouched([(CAMERA, 0.8, VIA_HUB * PREMIUM), (CAMERA, 0.6, 0.5 * VIA_HUB * PREMIUM),
                       (ALGORITHM, 0.9, VIA_HUB * PREMIUM)])
        )
    else:
        assert target["foreign_availability"] == pytest.approx(CAMERA * 0.6 / (0.5 * DIRECT))


def test_layer_order_is_the_documented_one():
    assert LAYERS == ("camera", "algorithm_1n", "training_data")


def test_data_quality_weight_scales_the_quality_coefficient_of_training_data_only(tiny_world, tiny_params):
    """With b_p = 1 a buyer's spending on an option is proportional to scale * q**b_q / p: the
    training-data split between domestic data and public copies follows q**(b_q * weight) / p, and the
    other layers do not move."""
    def spend(weight: float) -> np.ndarray:
        params = tiny_params.model_copy(update={"quality_sensitivity": 2.0, "data_quality_weight": weight})
        model = ControlRegimeModel(world=tiny_world, parameters=params, horizon=6, rng=0)
        model.run(1)
        return model.procurement.actual.spend  # [C, L, O]

    full, half = spend(1.0), spend(0.5)
    data = LAYERS.index("training_data")
    p = tiny_params
    for weight, table in ((1.0, full), (0.5, half)):
        b_q = 2.0 * weight
        public = p.public_copy_quality**b_q / p.public_copy_price
        domestic = p.domestic_quality.training_data**b_q / p.domestic_price
        n_v = tiny_world.n_vendors
        shares = table[:, data, 2 * n_v + 1] / table[:, data].sum(axis=1)
        assert shares == pytest.approx(np.full(tiny_world.n_countries, public / (public + domestic)))
    others = [i for i in range(len(LAYERS)) if i != data]
    assert np.array_equal(full[:, others], half[:, others])
