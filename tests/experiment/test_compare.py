"""Comparisons through the one engine: resumable, refused when ambiguous, one planner, one pairing."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from model.errors import ModelInputError
from model.experiment import Comparison, compare, executors
from model.experiment.compare import ScenarioSet
from model.experiment.plan import plan
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


def test_when_every_run_fails_the_new_folder_is_removed(tmp_path, monkeypatch):
    from model.experiment import ExperimentError, runner

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "ControlRegimeModel", broken)
    with pytest.raises(ExperimentError, match="every run failed; the first: RuntimeError: boom"):
        compare([short("unilateral_us")], replications=1, executor="serial", progress=False, out=tmp_path / "x")
    assert list(tmp_path.iterdir()) == []
