"""Vendors' response to denied inputs: shortage price, redesign, lasting penalty, stockpile, learning."""

from __future__ import annotations

import numpy as np
import pytest

from model.parameters import ModelParameters
from model.policy import PolicySet
from model.policy.inputs import EntityList
from model.simulation.model import ControlRegimeModel
from model.simulation.sourcing import VendorSourcing
from model.vocabulary import ITEM_INDEX
from model.world import WorldOverrides
from model.world.inputs import COMPONENTS, InputOverrides
from tests.conftest import TINY_PARAMS

CAMERA = ITEM_INDEX["camera"]


def denial(world, share: float, vendor: int = 2) -> np.ndarray:
    """The supply cut under which the tiny world's V3 loses ``share`` of its (US-made) camera SoCs."""
    cut = np.zeros((world.n_vendors, len(COMPONENTS), len(world.inputs.suppliers)))
    cut[vendor, 0, 0] = share
    return cut


def test_the_denied_share_is_dear_until_redesigned_then_carries_a_lasting_penalty(tiny_world):
    params = ModelParameters(**TINY_PARAMS, shortage_markup=3.0, redesign_lag=0.5, stockpile=0.0,
                             redesign_cost_penalty=0.2, redesign_quality_penalty=0.0)
    sourcing = VendorSourcing(tiny_world, params, steps_per_year=4)  # lag: 2 steps
    cut = denial(tiny_world, 0.5)
    # step 1: the whole denied half is short (bought at 4x); then half of it is redesigned
    factor = sourcing.step(cut)
    assert factor[2, CAMERA] == pytest.approx((1 + 0.2 * 3.0 * 0.5) ** -params.price_sensitivity)
    # step 2: a quarter short, a quarter redesigned (lasting 20% dearer); then three eighths redesigned
    factor = sourcing.step(cut)
    assert factor[2, CAMERA] == pytest.approx((1 + 0.2 * (3.0 * 0.25 + 0.2 * 0.25)) ** -1.0)
    assert sourcing.redesigned[2, 0] == pytest.approx(0.375)
    for _ in range(60):
        factor = sourcing.step(cut)
    assert factor[2, CAMERA] == pytest.approx((1 + 0.2 * 0.2 * 0.5) ** -1.0)  # lasting cost only
    assert np.all(factor[:2] == 1.0)  # the US vendors are untouched


def test_a_stockpile_delays_the_shortage_but_not_the_redesign(tiny_world):
    params = ModelParameters(**TINY_PARAMS, shortage_markup=3.0, redesign_lag=1.0, stockpile=0.5,
                             redesign_cost_penalty=0.0, redesign_quality_penalty=0.0)
    sourcing = VendorSourcing(tiny_world, params, steps_per_year=4)  # 2 steps of stock, lag 4 steps
    cut = denial(tiny_world, 1.0)
    factors = [sourcing.step(cut)[2, CAMERA] for _ in range(3)]
    assert factors[:2] == [1.0, 1.0]  # stock covers the first two steps
    assert sourcing.redesigned[2, 0] == pytest.approx(1 - 0.75**3)  # redesign went on meanwhile
    short = 0.75**2  # the third step's shortage: what two redesign steps left
    assert factors[2] == pytest.approx(1.0 / (1 + 0.2 * 3.0 * short))


def test_without_an_alternative_supplier_the_redesign_takes_the_new_design_lag(tiny_world):
    params = ModelParameters(**TINY_PARAMS, redesign_lag=0.25, redesign_lag_new=2.0, stockpile=0.0)
    sourcing = VendorSourcing(tiny_world, params, steps_per_year=4)
    cut = denial(tiny_world, 1.0)
    cut[2, 0, 1] = 1.0  # the other SoC maker is denied too
    sourcing.step(cut)
    assert sourcing.redesigned[2, 0] == pytest.approx(1 / 8)  # 2 years = 8 steps
    other = VendorSourcing(tiny_world, params, steps_per_year=4)
    other.step(denial(tiny_world, 1.0))
    assert other.redesigned[2, 0] == pytest.approx(1.0)  # a mature alternative: one step


def test_an_entity_list_that_denies_nothing_leaves_the_run_identical_to_the_baseline():
    """Hikvision buys no US-made part here, so its listing (without FDP reach) denies nothing."""
    world = WorldOverrides(inputs=InputOverrides(sourcing={"Hikvision": {
        "camera_soc": {"Chinese SoCs": 1.0}, "image_sensor": {"Chinese sensors": 1.0},
        "ai_accelerator": {"Chinese accelerators": 1.0}}}))
    listed = PolicySet(entity_lists=[EntityList(entities=["Hikvision"])])
    runs = [ControlRegimeModel(policies=p, world=world, horizon=8, rng=5).run() for p in (PolicySet(), listed)]
    assert runs[1].sourcing is not None and runs[0].sourcing is None
    assert runs[0].timeseries().equals(runs[1].timeseries())


def test_listed_vendors_lose_revenue_and_so_learn_more_slowly():
    listed = PolicySet(entity_lists=[EntityList(entities=["SenseTime"])])
    base, policy = (ControlRegimeModel(policies=p, horizon=16, rng=2).run() for p in (PolicySet(), listed))
    s = base.world.vendor_index["SenseTime"]
    alg = ITEM_INDEX["algorithm_1n"]
    assert policy.vendor_revenue[s, alg] < base.vendor_revenue[s, alg]
    assert policy.vendor_quality[s, alg] < base.vendor_quality[s, alg]  # same R&D luck (common random numbers)
    assert policy.summary["target_capability"] < base.summary["target_capability"]
