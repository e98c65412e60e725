"""summarise: every group's mean and interval are interval()'s of its values, to the last bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.experiment.metrics import interval, summarise


def one_group_at_a_time(table: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """The definition: interval() of each metric, group after group (groups in order of appearance)."""
    metrics = [c for c in table.select_dtypes("number") if c not in ("replicate", "seed", "point_id")]
    rows = []
    for key, group in table.groupby(by, sort=False):
        row = dict(zip([by] if isinstance(by, str) else by, key if isinstance(key, tuple) else (key,)))
        row["replications"] = len(group)
        for metric in metrics:
            row[metric], row[f"{metric}_low"], row[f"{metric}_high"] = interval(group[metric])
        rows.append(row)
    return pd.DataFrame(rows)


VALUES = st.one_of(st.floats(-1e12, 1e12), st.just(np.nan), st.floats(-1e-9, 1e-9))


@st.composite
def replications(draw):
    n = draw(st.integers(1, 60))
    table = pd.DataFrame({
        "scenario": pd.Series(draw(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n)), dtype="str"),
        "iso3": draw(st.lists(st.sampled_from(["CHN", "IRN", "RUS"]), min_size=n, max_size=n)),
        "replicate": np.arange(n),
        "seed": np.arange(n) * 7,
        "denial": draw(st.lists(VALUES, min_size=n, max_size=n)),
        "blocked": draw(st.lists(st.floats(0, 1e15), min_size=n, max_size=n)),
        "capable": draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)),
        "flag": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
    })
    return table


@given(table=replications(), by=st.sampled_from(["scenario", ["scenario", "iso3"], "capable"]))
@settings(max_examples=200, deadline=None)
def test_every_group_is_summarised_as_interval_summarises_it(table, by):
    pd.testing.assert_frame_equal(summarise(table, by=by), one_group_at_a_time(table, by), check_exact=True)


@pytest.mark.parametrize("size", [1, 2, 7, 8, 9, 20, 127, 128, 129, 300])
def test_groups_of_many_sizes_at_once(size):
    """Groups of one size are reduced as rows of one array: NumPy's pairwise sums of each row must be
    those of the group alone (they change at 8 and 128 values)."""
    rng = np.random.default_rng(size)
    n = 3 * size + 5
    table = pd.DataFrame({"scenario": rng.choice(["a", "b", "c"], n), "value": rng.normal(1e6, 1e3, n)})
    table.loc[rng.choice(n, size // 3), "value"] = np.nan
    pd.testing.assert_frame_equal(summarise(table), one_group_at_a_time(table, "scenario"), check_exact=True)


def test_a_hand_checked_summary():
    table = pd.DataFrame({"scenario": ["a", "a", "b"], "replicate": [0, 1, 0], "x": [1.0, 3.0, np.nan]})
    out = summarise(table)
    assert out["scenario"].tolist() == ["a", "b"] and out["replications"].tolist() == [2, 1]
    half = 12.706204736174698 * np.sqrt(2.0) / np.sqrt(2.0)  # t(0.975, 1) * std / sqrt(n)
    assert out.loc[0, ["x", "x_low", "x_high"]].tolist() == pytest.approx([2.0, 2.0 - half, 2.0 + half])
    assert out.loc[1, ["x", "x_low", "x_high"]].isna().all()


def test_nothing_to_summarise():
    assert summarise(pd.DataFrame({"scenario": pd.Series([], dtype=str), "x": pd.Series([], dtype=float)})).empty


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_half_width_is_the_student_t_interval_of_scipy_stats(level):
    """half_width reads Student t's quantile from scipy.special (scipy.stats costs 0.3 s to import):
    the same number as scipy.stats.t.ppf, to the last bit, for every sample size up to 500."""
    from scipy import stats

    from model.experiment.metrics import half_width

    count = np.arange(1, 501, dtype=float)
    std = np.linspace(0.5, 3.0, len(count))
    expected = stats.t.ppf(0.5 + level / 2, np.maximum(count - 1, 1)) * std / np.sqrt(count)
    assert np.array_equal(half_width(std, count, level), np.where(count > 1, expected, 0.0))
