"""The one number formatter: precision follows magnitude, never "-0.0"."""

import math

from hypothesis import given
from hypothesis import strategies as st

from model.formatting import decimals, fixed, number, percent, percent_interval

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def test_examples_of_the_issue_read_apart():
    assert percent(0.317317) == "31.7%"
    assert percent(0.0015) == "0.15%"
    assert percent(0.0005) == "0.050%"
    assert percent(0.008) != percent(0.001)  # enforcement 0.8 and 0.1 no longer both "0.1%"
    assert percent(-0.00004) == "-0.0040%"
    assert percent(0.0) == "0.0%"
    assert percent_interval(0.0015, 0.00149, 0.00152) == "0.15% [0.15, 0.15]"
    assert percent_interval(0.317, 0.312, 0.325) == "31.7% [31.2, 32.5]"
    assert percent_interval(0.0, -0.0001, 0.0002) == "0.000% [-0.010, 0.020]"


def test_a_bound_that_rounds_to_zero_has_no_sign():
    assert percent_interval(0.2, -0.0001, 0.3) == "20.0% [0.0, 30.0]"
    assert fixed(-0.04, 1) == "0.0"
    assert fixed(-0.04, 1, signed=True) == "0.0"
    assert fixed(0.04, 2, signed=True) == "+0.04"


@given(finite)
def test_never_minus_zero_and_within_rounding(value):
    text = number(value)
    assert float(text) != 0 or not text.startswith("-")
    places = decimals(value)
    assert abs(float(text) - value) <= 0.5 * 10 ** -places + 1e-9 * abs(value)


@given(st.floats(min_value=1e-5, max_value=1e5))
def test_two_significant_figures_at_least(value):
    text = number(value)
    digits = text.replace(".", "").lstrip("0")
    assert len(digits) >= 2
    assert math.isclose(float(text), value, rel_tol=0.05)
