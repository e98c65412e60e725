"""Extending the model as docs/architecture.md's "Where to add" says, proved by doing it: a toy
instrument (tests/toy_instrument.py, which the policy tests use too), a toy route and a toy metric,
defined in the extension's code, reach a comparison's results
folder, its columns.csv and load_results. A route is declared before anything of the model takes the
routes, so the extension runs in a fresh interpreter (``EXTENSION`` below); the test reads the folder
it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import model

ROOT = Path(model.__file__).resolve().parents[1]

EXTENSION = """
import sys

from model.vocabulary import Route, declare_route

declare_route(Route("toy_to_iran", "legal to Iran (a toy)", "a legal sale to Iran (a toy route)"))

import numpy as np

from model.experiment import compare
from model.experiment.metrics import Metric, register
from model.market.access import retag
from model.policy.config import register_policy_set
from model.scenario import SCENARIO_DIR, load_scenario
from tests.toy_instrument import Embargo, EmbargoSet

register_policy_set(EmbargoSet)
retag("toy_to_iran", "legal",
      lambda world, state: (np.arange(world.n_countries) == world.country_index["IRN"])[None, :, None],
      "tests/test_extension.py: a legal sale to Iran")
register(Metric("toy_capability_ratio", "ratio", "target capability, policy / baseline (a toy)",
                lambda pair: pair.policy.values["target_capability"] / pair.baseline.values["target_capability"]))

scenario = load_scenario(SCENARIO_DIR / "baseline.toml").model_copy(update={
    "name": "toy_embargo", "horizon": 8, "policies": EmbargoSet(embargoes=[Embargo(country="IRN")])})
compare([scenario], replications=2, executor="serial", progress=False, out=sys.argv[1])
"""


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    """``code`` run by a fresh interpreter with this tree first on the path."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path}, timeout=600, check=False)


@pytest.fixture(scope="module")
def toy_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("extension") / "toy"
    done = run_python(EXTENSION, str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_a_toy_instrument_reaches_the_settings_and_the_runs(toy_folder):
    results = model.load_results(toy_folder)
    settings = json.loads((toy_folder / "manifest.json").read_text())["scenarios"]
    assert settings["toy_embargo"]["policies"]["embargoes"] == [
        {"start": None, "end": None, "lag": 0, "country": "IRN", "enforcement": 1.0}]
    blocked = results["timeseries"].groupby("role")["blocked_targets"].sum()
    assert blocked["policy"] > 0 and blocked["baseline"] == 0  # the embargo blocked sales; nothing else did
    assert (results["replications"]["denial_effectiveness"] > 0).all()


def test_a_toy_route_tags_acquisitions_and_gets_columns_a_metric_and_its_meaning(toy_folder):
    results = model.load_results(toy_folder)
    series = results["timeseries"]
    routes = [c for c in series if c.startswith("acquired_") and c.count("_") >= 1
              and c.removeprefix("acquired_") in {*model.vocabulary.ROUTES, "toy_to_iran"}]
    assert "acquired_toy_to_iran" in routes and "leaked_toy_to_iran" in series
    assert (series["acquired_toy_to_iran"] > 0).any()  # Iran's legal purchases: algorithms and data
    assert series[routes].sum(axis=1).tolist() == pytest.approx(series["acquired_targets"].tolist())
    assert "leakage_toy_to_iran" in results["replications"]
    columns = results.columns.set_index(["table", "name"])
    assert columns.loc[("timeseries", "acquired_toy_to_iran"), "meaning"] == \
        "target acquisitions by route toy_to_iran"
    assert columns.loc[("replications", "leakage_toy_to_iran"), "unit"] == "share 0-1"
    tidy = results.series
    assert tidy.loc[tidy["variable"] == "acquired_toy_to_iran", "run"].nunique() == 4  # 2 policy, 2 baseline runs


def test_a_toy_metric_reaches_the_tables_its_meaning_and_load_results(toy_folder):
    results = model.load_results(toy_folder)
    per_replication = results["replications"]
    expected = per_replication["target_capability"] / per_replication["baseline_target_capability"]
    assert per_replication["toy_capability_ratio"].tolist() == pytest.approx(expected.tolist())
    assert (per_replication["toy_capability_ratio"] < 1).all()  # the embargo lowered capability
    assert {"toy_capability_ratio", "toy_capability_ratio_low"} <= set(results["summary"])
    columns = results.columns.set_index(["table", "name"])
    assert columns.loc[("replications", "toy_capability_ratio"), "unit"] == "ratio"
    assert columns.loc[("replications", "toy_capability_ratio"), "meaning"] == \
        "target capability, policy / baseline (a toy)"
