"""A run's end table of target regimes is the model's per-country arrays at the target rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import ControlRegimeModel
from model.simulation.result import REGIME_FIELDS, is_flow


def test_regime_table_is_the_model_arrays_at_the_target_rows():
    model = ControlRegimeModel(policies="unilateral_us", horizon=10, rng=2, collect_agents=False).run()
    world = model.world
    table = pd.DataFrame(
        {"capability": model.capability, "blocked": model.regime_blocked, "leaked": model.regime_leaked,
         "population": world.population, "own_vendors": np.isin(np.arange(world.n_countries), world.exporters)},
        index=pd.Index(np.array(world.iso3, dtype=object), name="iso3"))
    expected = table.iloc[np.flatnonzero(model.is_target)][list(REGIME_FIELDS)].astype(float)
    regimes = model.result().regimes
    pd.testing.assert_frame_equal(regimes, expected, check_exact=True, check_index_type=True,
                                  check_column_type=True)
    assert regimes.index.dtype == expected.index.dtype and regimes.columns.dtype == expected.columns.dtype
    assert regimes["blocked"].sum() > 0 and set(regimes["own_vendors"]) == {0.0, 1.0}


def test_totals_add_each_flow_column_after_the_warm_up_as_numpy_sums_a_column():
    model = ControlRegimeModel(policies="wassenaar", horizon=14, warmup=3, rng=5, collect_agents=False).run()
    series = model.timeseries()
    totals = model.result().totals
    assert list(totals) == [column for column in series if is_flow(column)]
    after = series[series.index >= model.warmup]
    for column, total in totals.items():
        assert total == float(np.ascontiguousarray(after[column].to_numpy(float)).sum()), column
    assert totals["blocked_targets"] > 0


def test_a_result_crosses_processes_as_arrays_and_makes_its_tables_when_read():
    """A sweep's worker sends each result to the main process, which only reads its row: the tables are
    made on first reading (the same after a round trip) and are not part of a pickled result."""
    import pickle

    result = ControlRegimeModel(policies="unilateral_us", horizon=8, rng=3, collect_agents=False).run().result()
    sent = pickle.dumps(result)
    assert b"pandas" not in sent  # no table (nor index) in it
    received = pickle.loads(sent)
    assert received.row() == result.row()
    pd.testing.assert_frame_equal(received.regimes, result.regimes, check_exact=True)
    pd.testing.assert_frame_equal(received.vendors, result.vendors, check_exact=True)
    assert list(result.vendors.index) == list(result.vendor_names) and result.vendors.index.name == "vendor"
    assert b"pandas" in pickle.dumps(result)  # once read, a table is kept with the result
