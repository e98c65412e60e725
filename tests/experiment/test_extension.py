"""Extending the model as docs/architecture.md's "Where to add" says: a metric registered inside a test
reaches a comparison's tables, columns.csv and load_results (instruments and routes: tests/policy/
test_instruments.py, tests/market/test_routes.py)."""

from __future__ import annotations

import pytest

import model
from model.experiment import compare
from model.experiment.metrics import METRICS, Metric, metric_names, register
from model.scenario import SCENARIO_DIR, load_scenario


@pytest.fixture
def toy_metric():
    metric = register(Metric("toy_capability_ratio", "ratio", "target capability, policy / baseline (a toy)",
                             lambda pair: pair.policy.values["target_capability"]
                             / pair.baseline.values["target_capability"]))
    yield metric
    del METRICS[metric.name]


def test_a_metric_registered_in_a_test_reaches_the_tables_the_dictionary_and_load_results(toy_metric, tmp_path):
    assert metric_names()[-1] == toy_metric.name
    scenario = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_copy(update={"horizon": 6})
    comparison = compare([scenario], replications=2, executor="serial", progress=False, out=tmp_path / "c")
    ratio = comparison.per_replication[toy_metric.name]
    expected = comparison.per_replication["target_capability"] / comparison.per_replication[
        "baseline_target_capability"]
    assert ratio.tolist() == pytest.approx(expected.tolist()) and len(ratio) == 2
    assert toy_metric.name in comparison.summary and f"{toy_metric.name}_low" in comparison.summary
    results = model.load_results(tmp_path / "c")
    columns = results.columns.set_index(["table", "name"])
    assert columns.loc[("replications", toy_metric.name), "unit"] == "ratio"
    assert columns.loc[("replications", toy_metric.name), "meaning"] == toy_metric.meaning
    assert results["replications"][toy_metric.name].tolist() == pytest.approx(ratio.tolist())
