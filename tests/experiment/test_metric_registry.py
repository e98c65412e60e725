"""One metric registry: the paired metrics, their column descriptions and the docs' list come from
model.experiment.metrics.METRICS."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.experiment.columns import describe
from model.experiment.metrics import (
    METRICS,
    Metric,
    Pair,
    metric_names,
    metric_table,
    register,
    replicate_metrics,
)
from model.simulation import RunEnd
from model.vocabulary import ROUTES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sweeps.md"


def end(capability: dict[str, float], **values: float) -> RunEnd:
    row: dict[str, object] = {"target_capability": 0.5, "targets_capable": 1, "years_to_capable": 2.0,
                              "total_blocked_targets": 4.0, **{f"total_leaked_{r}": 0.0 for r in ROUTES}, **values}
    for code, level in capability.items():
        row |= {f"regime_capability_{code}": level, f"regime_blocked_{code}": 1.0, f"regime_leaked_{code}": 0.0,
                f"regime_population_{code}": 1.0, f"regime_own_vendors_{code}": 0.0}
    return RunEnd.of_row(row)


def test_the_docs_list_every_registered_metric():
    text = DOCS.read_text()
    listed = re.search(r"<!-- metrics:begin -->\n(.*?)\n<!-- metrics:end -->", text, re.S)
    assert listed is not None and listed.group(1) == metric_table(), \
        "docs/sweeps.md's metric table is stale: paste model.experiment.metrics.metric_table()'s output"


def test_every_metric_has_a_unit_and_meaning_in_the_column_dictionary():
    assert metric_names() == list(METRICS)
    assert {f"leakage_{route}" for route in ROUTES} <= set(METRICS)
    for name, metric in METRICS.items():
        assert metric.meaning and describe(name)[1], name


def test_metrics_by_hand():
    leaked = {f"total_leaked_{ROUTES[1]}": 1.0, f"total_leaked_{ROUTES[2]}": 2.0}
    policy = end({"AAA": 0.5, "BBB": 2.0}, total_revenue_USA=30.0, share_USA=0.2, share_CHN=0.8, **leaked)
    baseline = end({"AAA": 1.0, "BBB": 2.0}, total_revenue_USA=40.0, share_USA=0.3, share_CHN=0.7)
    out = replicate_metrics(Pair(policy, baseline, ("USA",)))
    assert list(out) == metric_names()
    assert out["denial_equal"] == pytest.approx(0.25) and out["denial_effectiveness"] == out["denial_equal"]
    assert out["leakage_rate"] == pytest.approx(0.75) and out[f"leakage_{ROUTES[2]}"] == pytest.approx(0.5)
    assert out["revenue_lost"] == 10.0 and out["revenue_lost_share"] == pytest.approx(0.25)
    assert out["share_gain_noncontrolling"] == pytest.approx(0.1)
    assert np.isnan(replicate_metrics(Pair(end({"AAA": 1.0}, total_blocked_targets=0.0), baseline))["leakage_rate"])


def test_a_metric_registered_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        register(Metric("leakage_rate", "", "again", lambda pair: 0.0))


def test_a_runs_row_read_back_has_a_nations_table_keyed_by_iso3():
    stored = end({"AAA": 1.0}, share_USA=0.25, total_revenue_USA=30.0, share_CHN=0.75, total_revenue_controlling=30.0)
    nations = stored.nations
    assert list(nations.index) == ["USA", "CHN"] and nations.index.name == "iso3"
    assert nations.loc["USA"].to_dict() == {"revenue": 30.0, "share": 0.25}
    assert nations.loc["CHN", "share"] == 0.75 and np.isnan(nations.loc["CHN", "revenue"])  # not in the row
    values = stored.nation_values  # what the metrics read: the same, as dicts of Python floats
    assert values["share"] == {"USA": 0.25, "CHN": 0.75} and list(values["revenue"]) == ["USA", "CHN"]
    assert values["revenue"]["USA"] == 30.0 and np.isnan(values["revenue"]["CHN"])
    assert all(type(v) is float for field in values.values() for v in field.values())


def test_a_run_s_nations_are_those_of_its_stored_row():
    from model import ControlRegimeModel

    model = ControlRegimeModel(policies="unilateral_us", horizon=8, rng=1, collect_agents=False).run()
    result = model.result()
    stored = RunEnd.of_row({**model.summary, **result.row()})
    assert stored.nations["revenue"].to_dict() == result.nations["revenue"].to_dict()
    shares = {code: model.summary[f"share_{code}"] for code in result.nations.index}
    assert stored.nations["share"].to_dict() == shares and sum(shares.values()) == pytest.approx(1.0)


def test_a_run_s_vendors_add_up_to_its_nations():
    """The vendor table (post-warm-up revenue by vendor, keyed by name, with its home) summed by home is
    the nations' revenue (summed in another order, so to rounding)."""
    from model import ControlRegimeModel

    model = ControlRegimeModel(policies="unilateral_us", horizon=8, rng=1, collect_agents=False).run()
    result = model.result()
    vendors = result.vendors
    assert vendors.index.name == "vendor" and list(vendors.index) == list(model.world.vendor_names)
    assert set(vendors["home"]) == set(result.nations.index) and (vendors["revenue"] >= 0).all()
    by_home = vendors.groupby("home")["revenue"].sum()
    pd.testing.assert_series_equal(by_home.sort_index(), result.nations["revenue"].sort_index(), check_names=False,
                                   rtol=1e-12)
