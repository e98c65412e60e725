"""The planner: seeds from one master seed, shared baselines, run ids fixed before anything runs."""

from __future__ import annotations

from model.experiment.api import load_sweep, sweep_plan
from model.experiment.seeds import replicate_seeds
from model.scenario import SCENARIO_DIR


def test_a_sweep_plan_lists_every_run_once_baselines_first():
    sweep = load_sweep(SCENARIO_DIR / "sweeps" / "enforcement_x_hub_leakiness.toml", replications=2)
    runs = sweep_plan(sweep)
    specs = list(runs.specs())
    assert len(specs) == runs.n_runs == len({s.run_id for s in specs})
    roles = [s.role for s in specs]
    assert roles == sorted(roles)  # "baseline" < "point": baselines first
    assert runs.seeds == replicate_seeds(sweep.seed, 2)
    assert {s.seed for s in specs} == set(runs.seeds)


def test_skipping_stored_runs():
    runs = sweep_plan(load_sweep(SCENARIO_DIR / "sweeps" / "de_minimis.toml", replications=2))
    every = [s.run_id for s in runs.specs()]
    rest = [s.run_id for s in runs.specs(skip=set(every[::2]))]
    assert rest == every[1::2]
