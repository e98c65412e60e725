"""Comparisons through the one engine: resumable, refused when ambiguous, one planner, one pairing."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from model.errors import ModelInputError
from model.experiment import Comparison, compare, executors
from model.experiment.comparison import ScenarioSet
from model.experiment.folders import read_table
from model.experiment.plan import plan
from model.experiment.reproduce import reproduce
from model.experiment.results import load_results
from model.scenario import SCENARIO_DIR, load_scenario

MODEL = Path(__file__).resolve().parents[2] / "model"


def short(name: str):
    return load_scenario(SCENARIO_DIR / f"{name}.toml").model_copy(update={"horizon": 6})


def test_an_interrupted_comparison_resumes_to_identical_tables(tmp_path, monkeypatch, interrupt_run):
    scenarios = [short("baseline"), short("unilateral_us"), short("wassenaar")]
    whole = compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "whole")
    real = interrupt_run(4)
    with pytest.raises(KeyboardInterrupt):
        compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "cut")
    ran: list[str] = []
    monkeypatch.setattr(executors, "run_one", lambda spec: ran.append(spec.run_id) or real(spec))
    with pytest.raises(ModelInputError, match="output folder exists"):
        compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "cut")
    resumed = compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "cut",
                      resume=True)
    assert len(ran) == 6 - 3  # 1 baseline + 2 policies, 2 replicates; 3 were stored before the interruption
    for name, table in whole.tables().items():
        pd.testing.assert_frame_equal(table.drop(columns="seconds", errors="ignore"),
                                      resumed.tables()[name].drop(columns="seconds", errors="ignore"))
    with pytest.raises(ModelInputError, match="cannot resume: this experiment differs"):
        compare(scenarios, replications=3, executor="serial", progress=False, out=tmp_path / "cut", resume=True)


def test_in_memory_comparisons_return_the_same_tables(tmp_path):
    scenarios = [short("unilateral_us")]
    stored = compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "x")
    memory = compare(scenarios, replications=2, executor="serial", progress=False)
    assert isinstance(memory, Comparison)
    pd.testing.assert_frame_equal(stored.summary, memory.summary)
    assert list(memory.summary["scenario"]) == ["unilateral_us"]


def test_two_scenarios_with_one_name_are_refused():
    us = short("unilateral_us")
    with pytest.raises(ModelInputError, match="a second scenario named 'unilateral_us'"):
        compare([us, us.model_copy(update={"seed": 7})], replications=1, progress=False)


def test_scenarios_share_baselines_and_a_policy_free_scenario_only_contributes_its_baseline():
    design = ScenarioSet([short("baseline"), short("unilateral_us"), short("wassenaar")])
    runs = plan(design, 42, 2)
    assert runs.points == [1, 2] and len(runs.baseline_points) == 1 and runs.baseline_labels == ["baseline"]
    ids = [spec.run_id for spec in runs.specs()]
    assert ids == ["baseline/r0", "baseline/r1", "unilateral_us/r0", "unilateral_us/r1", "wassenaar/r0",
                   "wassenaar/r1"]
    seeds = {spec.run_id: spec.seed for spec in runs.specs()}
    assert seeds["baseline/r1"] == seeds["wassenaar/r1"] != seeds["wassenaar/r0"]  # common random numbers


def test_one_planner_and_one_pairing():
    defined = [(path.name, match) for path in MODEL.rglob("*.py")
               for match in re.findall(r"^\s*def (plan|paired)\b", path.read_text(), re.M)]
    assert sorted(defined) == [("outcomes.py", "paired"), ("plan.py", "plan")]


def test_one_collect_and_one_runs_schema(tmp_path):
    """Comparisons and sweeps put their tables together with the one collect, and their ``runs``
    and ``baselines`` tables start with the same columns."""
    defined = [(path.name, name) for path in MODEL.rglob("*.py")
               for name in re.findall(r"^def (collect\w*)\b", path.read_text(), re.M)]
    assert defined == [("collect.py", "collect")]
    from model.experiment.collect import BASELINE_IDENTITY, IDENTITY, RUNS_SCHEMA

    folder = tmp_path / "c"
    compare([short("unilateral_us")], replications=2, executor="serial", progress=False, out=folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["runs_schema"] == RUNS_SCHEMA
    runs, baselines = read_table(folder, "runs"), read_table(folder, "baselines")
    assert list(runs.columns[:5]) == IDENTITY and list(baselines.columns[:7]) == BASELINE_IDENTITY
    assert list(runs["scenario"]) == ["unilateral_us"] * 2 and list(baselines["scenario"]) == ["baseline"] * 2
    assert list(runs["baseline_run_id"]) == list(baselines["run_id"])
    replications = read_table(folder, "replications")  # the successful runs' metrics
    pd.testing.assert_frame_equal(replications, runs[list(replications.columns)])


def test_compare_hands_back_its_tables_as_reading_its_folder_gives_them(tmp_path):
    """compare() no longer reads back the folder it wrote: each table it returns is the one
    Comparison.load reads, values and dtypes; a folder already complete is read."""
    from model.experiment.comparison import TABLES

    scenarios = [short("baseline"), short("unilateral_us"), short("entity_list_2019")]
    returned = compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "c")
    loaded = Comparison.load(tmp_path / "c")
    for attribute in TABLES:
        pd.testing.assert_frame_equal(getattr(returned, attribute), getattr(loaded, attribute), check_exact=True)
    again = compare(scenarios, replications=2, executor="serial", progress=False, out=tmp_path / "c", resume=True)
    pd.testing.assert_frame_equal(again.summary, loaded.summary, check_exact=True)
    assert again.settings == returned.settings


def test_a_folder_of_runs_schema_1_is_read_and_reproduced(tmp_path):
    """A comparison folder written before runs schema 2 (``runs`` listed every run with its role and
    no metrics; no ``baselines``) is still read, its time series get their run ids, and reproduce
    compares every other table and names the two it cannot."""
    new = compare([short("unilateral_us")], replications=1, executor="serial", progress=False)
    every = pd.concat([new.baselines.assign(role="baseline"), new.runs.assign(role="policy")], ignore_index=True)
    old = dataclasses.replace(new, runs=every[["run_id", "scenario", "role", "replicate", "seed", "seconds", "error"]],
                              baselines=pd.DataFrame(), runs_schema=1)
    old.save(tmp_path / "old")
    loaded = Comparison.load(tmp_path / "old")
    assert loaded.runs_schema == 1 and "baselines" not in json.loads((tmp_path / "old/manifest.json").read_text())["tables"]
    new.save(tmp_path / "new")
    for folder in ("old", "new"):
        series = load_results(tmp_path / folder).series
        assert sorted(series["run"].unique()) == ["baseline/r0", "unilateral_us/r0"]
        roles = series.drop_duplicates("run").set_index("run")["role"].to_dict()
        assert roles == {"baseline/r0": "baseline", "unilateral_us/r0": "policy"}
    found = reproduce(tmp_path / "old", executor="serial", progress=False)
    assert found.differing == {} and sorted(found.not_compared) == ["columns", "runs"]
    assert reproduce(tmp_path / "new", executor="serial", progress=False).not_compared == {}


def test_when_every_run_fails_the_new_folder_is_removed(tmp_path, monkeypatch):
    from model.experiment import ExperimentError, runner

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "ControlRegimeModel", broken)
    with pytest.raises(ExperimentError, match="every run failed; the first: RuntimeError: boom"):
        compare([short("unilateral_us")], replications=1, executor="serial", progress=False, out=tmp_path / "x")
    assert list(tmp_path.iterdir()) == []
