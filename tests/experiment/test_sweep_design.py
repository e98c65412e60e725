"""Designs: grid sizes and order, ranges, sampled designs within bounds and reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.experiment.design import Axis, make_design
from model.experiment.spec import Range

AXES = [Axis("a", bounds=(0.2, 0.9)), Axis("lag", bounds=(0, 4), integer=True),
        Axis("set", levels=[["USA"], ["USA", "JPN"], ["USA", "JPN", "DEU"]])]


def test_grid_is_every_combination_last_parameter_fastest():
    design = make_design("grid", [Axis("a", levels=[1, 2, 3]), Axis("b", levels=[True, False])])
    assert len(design) == 6 and design.unit is None
    assert list(design.points["point_id"]) == list(range(6))
    assert list(zip(design.points["a"], design.points["b"])) == [
        (1, True), (1, False), (2, True), (2, False), (3, True), (3, False)]


def test_grid_keeps_list_values_whole():
    design = make_design("grid", [Axis("set", levels=[["USA"], ["USA", "JPN"]]), Axis("x", levels=[0.5])])
    assert list(design.points["set"]) == [["USA"], ["USA", "JPN"]]


@pytest.mark.parametrize("spec, expected", [
    ({"first": 0, "step": 0.05, "last": 0.5}, [round(0.05 * i, 2) for i in range(11)]),
    ({"first": 0, "step": 2, "last": 9}, [0, 2, 4, 6, 8]),
    ({"first": 1.0, "step": -0.25, "last": 0.0}, [1.0, 0.75, 0.5, 0.25, 0.0]),
    ({"first": 3, "step": 1, "last": 3}, [3]),
])
def test_range_values(spec, expected):
    values = Range(**spec).values()
    assert values == expected
    assert all(isinstance(v, int) for v in values) == all(isinstance(spec[k], int) for k in ("first", "step"))


@pytest.mark.parametrize("kind, samples, count",
                         [("lhs", 9, 9), ("sobol", 8, 8 * (3 + 2)), ("morris", 5, 5 * 4)])
def test_sampled_designs_have_their_size_stay_in_bounds_and_reproduce(kind, samples, count):
    design = make_design(kind, AXES, samples=samples, seed=7)
    points = design.points
    assert len(design) == count and design.unit.shape == (count, 3)
    assert ((design.unit >= 0) & (design.unit <= 1)).all()
    assert points["a"].between(0.2, 0.9).all()
    assert points["lag"].isin(range(5)).all() and points["lag"].map(type).eq(int).all()
    assert points["set"].map(len).isin([1, 2, 3]).all()
    again = make_design(kind, AXES, samples=samples, seed=7)
    assert again.points.equals(points) and np.array_equal(again.unit, design.unit)
    other = make_design(kind, AXES, samples=samples, seed=8)
    assert not np.array_equal(other.unit, design.unit)


def test_latin_hypercube_puts_one_point_in_each_stratum():
    axes = [Axis("a", bounds=(0.0, 1.0)), Axis("b", bounds=(10.0, 20.0))]
    design = make_design("lhs", axes, samples=10, seed=1)
    strata = np.floor(design.unit * 10).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(10))


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1), st.integers(-5, 5), st.integers(0, 6))
def test_axis_values_stay_inside_bounds_and_lists(u, low, width):
    integer = Axis("i", bounds=(low, low + width), integer=True).value(u)
    assert low <= integer <= low + width
    real = Axis("r", bounds=(float(low), float(low + width + 1))).value(u)
    assert low <= real <= low + width + 1
    levels = list(range(width + 1))
    assert Axis("l", levels=levels).value(u) in levels
