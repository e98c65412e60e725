"""The behaviour the default world must show (issue: core simulation), over several seeds."""

from __future__ import annotations

import numpy as np
import pytest

from model import ControlRegimeModel, NationalControl, PolicySet

SEEDS = (1, 2, 3)


def run(policies, seed: int):
    return ControlRegimeModel(policies=policies, rng=seed, collect_agents=False).run().timeseries()


def horizon_capability(policies) -> np.ndarray:
    return np.array([run(policies, s)["target_capability"].iloc[-1] for s in SEEDS])


@pytest.fixture(scope="module")
def capability() -> dict[str, np.ndarray]:
    names = ("none", "unilateral_us", "wassenaar", "global_with_china")
    return {name: horizon_capability(name) for name in names}


def test_us_controls_lower_target_capability_and_leak_through_foreign_vendors(capability):
    assert (capability["unilateral_us"] < capability["none"]).all()
    foreign = [run("unilateral_us", s).loc[4:, "acquired_foreign_availability"].sum() for s in SEEDS]
    assert min(foreign) > 0


def test_coordination_denies_more_than_the_us_alone(capability):
    assert (capability["wassenaar"] <= capability["unilateral_us"]).all()
    assert (capability["global_with_china"] < capability["wassenaar"]).all()


def test_controlling_only_1n_algorithms_raises_conversion():
    only_1n = PolicySet(national=[NationalControl(jurisdiction="USA", items=["algorithm_1n"])])
    for seed in SEEDS:
        controlled = run(only_1n, seed).loc[4:, "acquired_conversion"].sum()
        uncontrolled = run("none", seed).loc[4:, "acquired_conversion"].sum()
        assert controlled > uncontrolled
