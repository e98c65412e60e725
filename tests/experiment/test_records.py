"""outcomes.records is DataFrame.to_dict("records"): the same keys, values and Python types."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model.experiment.outcomes import records


def same(a: object, b: object) -> bool:
    return type(a) is type(b) and (a == b or (a != a and b != b))


def test_records_are_to_dicts_records_as_a_stored_runs_table_holds_them(tmp_path):
    table = pd.DataFrame({
        "run_id": pd.Series(["r1", "r2", None], dtype="str"), "replicate": [0, 1, 2],
        "value": [0.1, np.nan, -0.0], "capable": [True, False, True], "error": [None, "failed", None],
        "date": [dt.date(2020, 1, 1), None, dt.date(2021, 3, 1)],
    })
    table.to_parquet(tmp_path / "t.parquet")
    for frame in (table, pd.read_parquet(tmp_path / "t.parquet")):
        expected, got = frame.to_dict("records"), records(frame)
        assert [list(row) for row in got] == [list(row) for row in expected]
        assert all(same(row[k], want[k]) for row, want in zip(got, expected) for k in want)
    assert records(table.iloc[:0]) == []
