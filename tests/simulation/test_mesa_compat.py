"""Mesa tooling works on the model: batch_run, AgentSet queries, agent-type reporters."""

from __future__ import annotations

import mesa

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
