"""The array-fed DataCollector records what Mesa's own DataCollector records with the same reporters."""

from __future__ import annotations

import mesa
import pandas as pd

from model import ControlRegimeModel
from model.simulation.agents import Country, Vendor
from model.simulation.reporters import agenttype_reporters


def test_agent_tables_equal_mesa_datacollector_with_the_same_reporters():
    model = ControlRegimeModel(policies="unilateral_us", horizon=7, rng=4)
    stock = mesa.DataCollector(agenttype_reporters=agenttype_reporters())
    for _ in range(model.horizon):
        model.step()
        stock.collect(model)
    for kind in (Country, Vendor):
        pd.testing.assert_frame_equal(model.datacollector.get_agenttype_vars_dataframe(kind),
                                      stock.get_agenttype_vars_dataframe(kind), check_exact=True)


def test_model_table_holds_one_row_per_collected_step_and_every_summary_figure():
    model = ControlRegimeModel(policies="wassenaar", horizon=6, rng=2, collect_agents=False).run()
    table = model.datacollector.get_model_vars_dataframe()
    assert list(table.columns) == list(model.summary)
    assert table["step"].tolist() == list(range(6))
    assert table.iloc[-1].to_dict() == model.summary


def test_model_table_is_mesas_to_the_bit_and_dtype():
    """Built from arrays, the table is what Mesa builds from the lists (types inferred per column)."""
    model = ControlRegimeModel(policies="wassenaar", horizon=9, rng=3, collect_agents=False)
    assert model.datacollector.get_model_vars_dataframe().empty  # nothing recorded yet: Mesa's table
    model.record_every = 4
    model.run()
    mesas = mesa.DataCollector.get_model_vars_dataframe(model.datacollector)
    table = model.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(table, mesas, check_exact=True)
    assert table.dtypes.to_dict() == mesas.dtypes.to_dict()
    assert {str(t) for t in table.dtypes} == {"float64", "int64", "str"} and len(table) == 3  # steps 0, 4, 8


def test_the_opening_summary_is_there_before_the_first_step_and_reading_it_changes_nothing():
    """Made when first read: the opening's figures (step -1, the date of the first step); a run that
    read it and one that did not record the same table, and the first step replaces it."""
    read = ControlRegimeModel(policies="unilateral_us", horizon=6, rng=5, collect_agents=False)
    opening = read.summary
    assert opening["step"] == -1 and opening["date"] == "2019-01-01"
    assert opening["target_capability"] > 0 and opening["acquired_targets"] > 0
    assert read.summary is opening  # worked out once
    unread = ControlRegimeModel(policies="unilateral_us", horizon=6, rng=5, collect_agents=False)
    for model in (read, unread):
        model.record_every = 4
        model.step()
        assert model.summary["step"] == 0
        model.run()
    pd.testing.assert_frame_equal(read.timeseries(), unread.timeseries(), check_exact=True)
    assert list(read.summary) == list(opening)
    a, b = read.result().row(), unread.result().row()
    assert a.keys() == b.keys() and all(x == y or (x != x and y != y) for x, y in zip(a.values(), b.values()))
