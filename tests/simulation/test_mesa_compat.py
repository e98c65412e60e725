"""Mesa tooling works on the model: batch_run, AgentSet queries, agent-type reporters."""

from __future__ import annotations

import mesa
import pytest

from model import ControlRegimeModel
from model.simulation.agents import Country, Vendor


def test_batch_run_runs_and_returns_rows():
    rows = mesa.batch_run(
        ControlRegimeModel,
        parameters={"policies": ["none", "unilateral_us"], "horizon": 6, "collect_agents": False},
        iterations=2,
        max_steps=5,
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 4
    assert {row["policies"] for row in rows} == {"none", "unilateral_us"}
    assert all("target_capability" in row for row in rows)


def test_agents_are_views_over_the_arrays():
    model = ControlRegimeModel(rng=1, horizon=6).run()
    countries = model.agents_by_type[Country]
    vendors = model.agents_by_type[Vendor]
    assert len(countries) == model.world.n_countries and len(vendors) == model.world.n_vendors
    china = countries.select(lambda a: a.iso3 == "CHN")[0]
    assert china.is_target and china.is_exporter
    assert china.capability == model.capability[china.index]
    targets = countries.select(lambda a: a.is_target)
    assert len(targets) == int(model.is_target.sum())
    hikvision = vendors.select(lambda a: a.name == "Hikvision")[0]
    assert hikvision.home == "CHN" and hikvision.revenue > 0
    frame = model.datacollector.get_agenttype_vars_dataframe(Country)
    assert set(frame.columns) >= {"capability", "unrest", "budget"}


def test_a_model_without_agent_tables_makes_the_same_agents_when_asked():
    """Built with ``collect_agents=False`` (as sweeps build it), a model makes its Mesa agents only when
    asked for them, through any of Mesa's three ways in: the same agents, types, ids and order."""
    eager = ControlRegimeModel(rng=1, horizon=6).run(2)
    for ask in ("agents", "agents_by_type", "agent_types"):
        lazy = ControlRegimeModel(rng=1, horizon=6, collect_agents=False).run(2)
        assert lazy._agent_ids is None  # none made yet
        getattr(lazy, ask)
        assert lazy.agent_types == eager.agent_types == [Country, Vendor]
        assert [(type(a), a.unique_id, a.index) for a in lazy.agents] == \
               [(type(a), a.unique_id, a.index) for a in eager.agents]
        assert lazy.agents_by_type[Vendor][0].revenue == eager.agents_by_type[Vendor][0].revenue
        assert len(lazy.agents) == lazy.world.n_countries + lazy.world.n_vendors  # made once
    assert lazy.datacollector.agenttype_reporters == {}  # still no agent tables
    with pytest.raises(AttributeError, match="cannot use it"):  # Mesa's own refusal
        lazy.agents = []


def test_agent_and_model_tables_share_one_step_numbering():
    """``agent_table`` numbers steps like ``timeseries`` and ``regime_table`` (0-based); Mesa's raw
    agent table counts completed steps (``Step`` = ``step`` + 1) and holds the same values."""
    model = ControlRegimeModel(rng=3, horizon=5).run()
    agents = model.agent_table(Country)
    series = model.timeseries()
    assert sorted(agents.index.get_level_values("step").unique()) == list(series.index) == [0, 1, 2, 3, 4]
    china = agents[agents["iso3"] == "CHN"].droplevel("AgentID")
    assert (china["date"] == series["date"]).all()
    regimes = model.regime_table(targets_only=False)
    assert china["capability"].tolist() == regimes[regimes["iso3"] == "CHN"]["capability"].tolist()
    raw = model.datacollector.get_agenttype_vars_dataframe(Country)
    raw_china = raw[raw["iso3"] == "CHN"].droplevel("AgentID")
    assert raw_china.index.tolist() == [1, 2, 3, 4, 5]
    assert raw_china["capability"].tolist() == china["capability"].tolist()
    assert china.loc[4, "capability"] == model.capability[model.world.iso3.index("CHN")]


def test_a_disposed_model_is_freed_without_the_cyclic_collector():
    import gc
    import weakref

    from model.simulation import dispose

    gc.disable()
    try:
        for free in (False, True):
            model = ControlRegimeModel(policies="wassenaar", horizon=6, rng=1, collect_agents=True).run(2)
            flows = weakref.ref(model.flows)
            if free:
                dispose(model)
            del model
            # a Mesa model sits in reference cycles: only dispose frees its arrays at once
            assert (flows() is None) is free
    finally:
        gc.enable()
        gc.collect()
