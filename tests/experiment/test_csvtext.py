"""csv_text renders a table's CSV text exactly as pandas' to_csv does, or declines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.experiment.csvtext import csv_text

FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(min_value=-1e-3, max_value=1e-3), st.sampled_from([0.0, -0.0, 1e16, 1e-5, 5e-324]),
                   st.integers(-2**60, 2**60).map(float))
PLAIN = st.text(st.characters(blacklist_characters=',"\r\n', blacklist_categories=("Cs",)), max_size=8)
ANY_TEXT = st.text(max_size=8)


@st.composite
def tables(draw, text=PLAIN):
    """A table of the column kinds results folders hold, as Parquet gives them back."""
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(["float", "int", "bool", "string", "object", "date"]), min_size=2,
                          max_size=7))
    columns = {}
    for i, kind in enumerate(kinds):
        name = f"c{i}"
        if kind == "float":
            columns[name] = pd.Series(draw(st.lists(FLOATS, min_size=n, max_size=n)), dtype=np.float64)
        elif kind == "int":
            columns[name] = pd.Series(draw(st.lists(st.integers(-2**63, 2**63 - 1), min_size=n, max_size=n)),
                                      dtype=np.int64)
        elif kind == "bool":
            columns[name] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        elif kind == "string":
            values = draw(st.lists(st.one_of(st.none(), text), min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype="str")
        elif kind == "object":  # e.g. an error column: None where a run did not fail
            values = draw(st.lists(st.one_of(st.none(), text, st.floats()), min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype=object)
        else:
            values = draw(st.lists(st.one_of(st.none(), st.dates()), min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns)


@given(table=tables(), header=st.booleans())
@settings(max_examples=150, deadline=None)
def test_plain_tables_are_rendered_as_pandas_renders_them(table, header):
    assert csv_text(table, header=header) == table.to_csv(index=False, header=header)


@given(table=tables(text=ANY_TEXT), header=st.booleans())
@settings(max_examples=150, deadline=None)
def test_any_text_is_rendered_as_pandas_renders_it_or_left_to_pandas(table, header):
    text = csv_text(table, header=header)
    assert text is None or text == table.to_csv(index=False, header=header)


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=200))
@settings(max_examples=100, deadline=None)
def test_every_float_bit_pattern_is_written_as_numpy_writes_it(bits):
    values = np.array(bits, dtype=np.uint64).view(np.float64)
    table = pd.DataFrame({"a": values, "b": values[::-1].copy()})
    assert csv_text(table) == table.to_csv(index=False)


@pytest.mark.parametrize("table", [
    pd.DataFrame({"only": [1.0, 2.0]}),                                  # a one-field row of "" is quoted
    pd.DataFrame({"a,b": [1.0], "c": [2.0]}),                            # a name that needs quoting
    pd.DataFrame({"a": ["x,y"], "b": [1]}),                              # text that needs quoting
    pd.DataFrame({"a": ['say "no"'], "b": [1]}, dtype=object),
    pd.DataFrame({"a": np.array([1.5], dtype=np.float32), "b": [1]}),     # another float type
    pd.DataFrame({"a": pd.to_datetime(["2020-01-01"]), "b": [1]}),        # timestamps
    pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [1, 2]}),  # nullable integers
])
def test_what_needs_pandas_is_left_to_it(table):
    assert csv_text(table) is None


def test_a_results_table_is_rendered():
    table = pd.DataFrame({"scenario": pd.Series(["a", "b"], dtype="str"), "replicate": [0, 1],
                          "date": [dt.date(2020, 1, 1), None], "value": [0.1, np.nan], "flag": [True, False],
                          "error": [None, "failed: x"]})
    assert csv_text(table) == ("scenario,replicate,date,value,flag,error\n"
                               "a,0,2020-01-01,0.1,True,\nb,1,,,False,failed: x\n")


NUMBERS = st.one_of(st.floats(), st.floats(1e-5, 1e11), st.floats(-1e11, -1e-5), st.integers(-10**12, 10**12).map(float),
                    st.builds(round, st.floats(-1e10, 1e10), st.integers(0, 9)))


@given(st.lists(NUMBERS, max_size=100), st.booleans())
@settings(max_examples=300, deadline=None)
def test_float_text_is_repr(values, arrow):
    """Arrow's text where it is repr's, repr's elsewhere (and repr's alone when Arrow is not trusted)."""
    from model.experiment import csvtext

    expected = ["" if v != v else repr(v) for v in values]
    with pytest.MonkeyPatch.context() as patch:
        if not arrow:
            patch.setattr(csvtext, "_arrow_writes_shortest", lambda: False)
        assert csvtext.float_text(np.array(values, dtype=float)) == expected


def test_float_text_on_a_million_numbers_of_every_size():
    from model.experiment.csvtext import _arrow_writes_shortest, float_text

    assert _arrow_writes_shortest()  # else the Arrow path above was never taken
    rng = np.random.default_rng(26)
    values = np.concatenate([rng.integers(0, 2**64, 400_000, dtype=np.uint64).view(np.float64),
                             rng.normal(size=400_000) * 10.0 ** rng.integers(-8, 12, 400_000),
                             rng.integers(-10**10, 10**10, 100_000).astype(float),
                             np.round(rng.normal(size=100_000) * 10.0 ** rng.integers(-4, 10, 100_000), 3),
                             np.nextafter(np.array([1e-4, 1e10, 1e16]), [0, 0, 0]), [1e-4, 1e10, 1e16, -0.0, 0.0]])
    assert float_text(values) == ["" if v != v else repr(v) for v in values.tolist()]
