"""Hypothesis fuzzing of the Python API: any argument gives a result or one ModelInputError (a one-line
message), never another exception, and never a folder for a refused call."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import model
from model import ControlRegimeModel, ModelInputError
from model.experiment.arguments import checked_counts, checked_executor, checked_path
from model.limits import FIRST_DATE, LAST_DATE, MAX_HORIZON, MAX_REPLICATIONS, MAX_SEED, MAX_WORKERS
from model.scenario import SCENARIO_DIR, load_scenario
from model.simulation import release

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.binary(max_size=4), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.sampled_from(["none", "unilateral_us", "wassenaar", "2020-01-01", "x", "processes", "serial"]),
)
"""Values of every type a script might pass by mistake, and some right ones."""

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one_line(err: ModelInputError) -> None:
    assert str(err) and "\n" not in str(err)


@FUZZ
@given(argument=st.sampled_from(["policies", "parameters", "world", "horizon", "warmup", "steps_per_year",
                                 "start_date", "target_threshold"]), value=ANYTHING)
def test_the_constructor_takes_any_argument_or_names_it(argument, value):
    if argument == "horizon" and isinstance(value, int) and not isinstance(value, bool):
        assume(value < 200)  # valid long runs are slow to set up, and bounds are tested elsewhere
    try:
        built = ControlRegimeModel(**{argument: value}, rng=0)
    except ModelInputError as err:
        one_line(err)
        assert err.key.split(".")[0].split("[")[0] in (argument, "horizon")  # the span check names horizon
    else:
        assert 1 <= built.horizon <= MAX_HORIZON and FIRST_DATE <= built.calendar.start <= LAST_DATE
        release(built)


@settings(max_examples=300, deadline=None)
@given(replications=ANYTHING, seed=ANYTHING)
def test_counts_are_within_the_command_lines_bounds_or_refused(replications, seed):
    try:
        counts = checked_counts(replications=replications, seed=seed)
    except ModelInputError as err:
        one_line(err)
        assert err.key in ("replications", "seed")
    else:
        for value, limit, low in ((counts.replications, MAX_REPLICATIONS, 1), (counts.seed, MAX_SEED, 0)):
            assert value is None or (type(value) is int and low <= value <= limit)


def test_counts_take_integers_of_any_kind_and_refuse_whole_floats_as_the_command_line_does():
    """``--seed 2.0`` is refused on the command line, so ``seed=2.0`` is refused in Python (found by
    fuzzing: 0.0 was taken as 0); NumPy's integers, which a script's loop yields, are taken."""
    import numpy as np

    assert checked_counts(seed=np.int64(5), replications=np.int32(3)) == checked_counts(seed=5, replications=3)
    for whole_float in (0.0, 2.0, np.float64(3.0)):
        with pytest.raises(ModelInputError, match="seed: wrong type"):
            checked_counts(seed=whole_float)
    with pytest.raises(ModelInputError, match="replications: wrong type"):
        checked_counts(replications=np.True_)


@settings(max_examples=300, deadline=None)
@given(executor=ANYTHING)
def test_an_executor_is_one_execute_takes_or_refused(executor):
    try:
        checked = checked_executor(executor)
    except ModelInputError as err:
        one_line(err)
        assert err.key == "executor"
    else:
        assert checked in (None, "serial", "processes") or (type(checked) is int and 1 <= checked <= MAX_WORKERS)


@settings(max_examples=200, deadline=None)
@given(path=ANYTHING)
def test_a_path_is_text_or_refused(path):
    try:
        assert isinstance(checked_path(path, "path"), Path)
    except ModelInputError as err:
        one_line(err)
        assert not isinstance(path, str)


@pytest.fixture(scope="module")
def short():
    return load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_copy(update={"horizon": 6, "replications": 1})


def _invalid_count(value: object, low: int, high: int) -> bool:
    return value is not None and not (type(value) is int and low <= value <= high)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replications=ANYTHING, seed=ANYTHING, executor=ANYTHING)
def test_a_refused_comparison_makes_no_folder(short, tmp_path_factory, replications, seed, executor):
    """Only refused arguments are drawn (a run would be slow): each gives one error and no folder."""
    assume(_invalid_count(replications, 1, MAX_REPLICATIONS) or _invalid_count(seed, 0, MAX_SEED)
           or (executor not in (None, "serial", "processes") and not (
               type(executor) is int and 1 <= executor <= MAX_WORKERS)))
    out = tmp_path_factory.mktemp("cmp") / "out"
    with pytest.raises(ModelInputError) as caught:
        model.run_scenario(short, replications=replications, seed=seed, executor=executor, out=out, progress=False)
    one_line(caught.value)
    assert not out.exists()


@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.sampled_from(["parameters", "world", "a", "policies", "x1"]), min_size=1, max_size=120),
       value=st.sampled_from(["1", "1.5", "'x'", "[1, [2]]", "{a = 1}", "inf"]))
def test_load_scenario_on_any_nesting_is_one_error_or_a_scenario(tmp_path_factory, parts, value):
    path = tmp_path_factory.mktemp("deep") / "s.toml"
    path.write_text(f"{'.'.join(parts)} = {value}\n")
    try:
        load_scenario(path, validate=False)
    except ModelInputError as err:  # ScenarioError among them
        one_line(err)
        assert str(err).startswith(str(path))


@settings(max_examples=100, deadline=None)
@given(path=ANYTHING)
def test_load_results_of_anything_is_one_error(path):
    with pytest.raises(ModelInputError) as caught:
        model.load_results(path)
    one_line(caught.value)


@settings(max_examples=40, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**70), 2**70) | st.booleans())
def test_the_budget_shares_sum_to_one_or_are_refused(value):
    shares = {"camera": value, "algorithm_1n": 0.25, "training_data": 0.15}
    try:
        built = model.ModelParameters(layer_budget_shares=shares)
    except ModelInputError as err:
        one_line(err)
    else:
        assert math.isclose(sum(built.layer_budget_shares.as_tuple()), 1.0, abs_tol=1e-6)
