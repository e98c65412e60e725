"""The planner: seeds from one master seed, shared baselines, run ids fixed before anything runs."""

from __future__ import annotations

from model.experiment.api import load_sweep, sweep_plan
from model.experiment.seeds import replicate_seeds
from model.scenario import SCENARIO_DIR


def test_a_sweep_plan_lists_every_run_once_each_baseline_just_before_the_points_it_serves():
    sweep = load_sweep(SCENARIO_DIR / "sweeps" / "enforcement_x_hub_leakiness.toml", replications=2)
    runs = sweep_plan(sweep)
    specs = list(runs.specs())
    assert len(specs) == runs.n_runs == len({s.run_id for s in specs})
    order = [(s.role, s.point_id if s.role == "baseline" else runs.baseline_of[s.point_id]) for s in specs]
    baselines = [b for _, b in order]
    assert baselines == sorted(baselines) and len(set(baselines)) == len(runs.baseline_points) > 1
    for b in set(baselines):  # a baseline's replicates, then its points'
        roles = [role for role, of in order if of == b]
        assert roles == sorted(roles) and roles.count("baseline") == 2 and "point" in roles
    assert runs.seeds == replicate_seeds(sweep.seed, 2)
    assert {s.seed for s in specs} == set(runs.seeds)


def test_skipping_stored_runs():
    runs = sweep_plan(load_sweep(SCENARIO_DIR / "sweeps" / "de_minimis.toml", replications=2))
    every = [s.run_id for s in runs.specs()]
    rest = [s.run_id for s in runs.specs(skip=set(every[::2]))]
    assert rest == every[1::2]
