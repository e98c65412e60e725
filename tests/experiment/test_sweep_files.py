"""Sweep files: the library loads; bad files and bad points are one line naming file and key."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from model.experiment import load_sweep
from model.experiment.api import sweep_plan
from model.experiment.spec import Coalition, Parameter, Range, SweepSpec
from model.scenario import SCENARIO_DIR, ScenarioError

LIBRARY = sorted((SCENARIO_DIR / "sweeps").glob("*.toml"))
BASE = f'base = "{SCENARIO_DIR / "unilateral_us.toml"}"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_the_library_has_the_four_sweeps():
    assert {p.stem for p in LIBRARY} >= {"coalition_size", "enforcement_x_hub_leakiness", "de_minimis",
                                         "global_sensitivity"}


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_library_sweeps_load_and_stay_small(path):
    plan = sweep_plan(load_sweep(path))
    assert 0 < plan.n_runs <= 500  # a few minutes on 2 cores
    assert plan.design.spec.description


def test_coalition_sweep_grows_by_one_partner_in_revenue_order():
    sweep = load_sweep(SCENARIO_DIR / "sweeps" / "coalition_size.toml")
    sets = [sweep.values(p)["coalition"] for p in range(len(sweep.design))]
    assert sets[0] == ["USA"]
    assert all(len(b) == len(a) + 1 and b[:-1] == a for a, b in itertools.pairwise(sets))
    assert not {"CHN", "RUS"} & set(sets[-1])
    assert len(sweep_plan(sweep).baseline_points) == 1  # policies only: one shared baseline


def test_baselines_are_shared_by_points_that_differ_only_in_policies(tmp_path):
    sweep = load_sweep(write(tmp_path, BASE + """
        replications = 2
        [[parameters]]
        key = "policies.national[USA].enforcement"
        values = [0.2, 0.5, 0.8]
        [[parameters]]
        key = "world.hub_leakiness_scale"
        values = [0.5, 1.0]
    """))
    plan = sweep_plan(sweep)
    assert plan.baseline_of == [0, 1, 0, 1, 0, 1]
    assert plan.n_runs == (6 + 2) * 2
    seeds = {spec.run_id: spec.seed for spec in plan.specs()}
    assert seeds["p0/r1"] == seeds["p5/r1"] == seeds["b1/r1"] != seeds["p0/r0"]  # common random numbers


@pytest.mark.parametrize("body, words", [
    ("desgin = 'grid'\n[[parameters]]\nkey = 'world.hub_leakiness_scale'\nvalues = [1.0]",
     ["desgin: unknown key", "did you mean 'design'"]),
    ("[[parameters]]\nkey = 'parameters.conversion_eficiency'\nvalues = [0.5]",
     ["parameters[0].key: parameters has no key 'conversion_eficiency'",
      "did you mean 'conversion_efficiency'"]),
    ("[[parameters]]\nkey = 'policies.national[USA].enforcement'\nvalues = [0.5, 1.5]",
     ["parameters[0]: policies.national[USA].enforcement: out of range", "[0, 1], got 1.5)"]),
    ("[[parameters]]\nkey = 'horizon'\nvalues = [6, 8]\n[[parameters]]\nkey = 'warmup'\nvalues = [4, 7]",
     ["parameters[0]: horizon at point 1: must be more than warmup (7)", "got 6"]),
    ("[[parameters]]\nkey = 'policies.national[UAS].enforcement'\nvalues = [0.5]",
     ["parameters[0].key: no entry named 'UAS' in policies.national", "did you mean 'USA'"]),
    ("[[parameters]]\nkey = 'world.hub_leakiness_scale'\nbounds = [0.5, 1.5]",
     ["bounds are for sampled designs"]),
    ("design = 'sobol'\nsamples = 12\n[[parameters]]\nkey = 'world.hub_leakiness_scale'\nbounds = [0.5, 1.5]",
     ["sobol samples must be a power of 2", "try 8 or 16"]),
    ("design = 'lhs'\n[[parameters]]\nkey = 'world.hub_leakiness_scale'\nbounds = [0.5, 1.5]",
     ["design 'lhs' needs samples"]),
    (("[[parameters]]\nkey = 'world.hub_leakiness_scale'\nvalues = [1.0]\n"
      "range = {first = 0, step = 1, last = 2}"),
     ["parameters[0]: give exactly one of values, range, bounds, coalition"]),
    ("[[parameters]]\nkey = 'world.hub_leakiness_scale'\nrange = {first = 1, step = 1, last = 0}",
     ["parameters[0].range: step 1 leads away from last"]),
    ("metrics = ['denial_efectiveness']\n[[parameters]]\nkey = 'world.hub_leakiness_scale'\nvalues = [1.0]",
     ["metrics[0]: unknown metric", "did you mean 'denial_effectiveness'"]),
    ("[[parameters]]\nkey = 'policies.national[USA].destinations.countries'\nvalues = [['IRN'], ['XXX']]",
     ["parameters[0]: policies.national[USA].destinations.countries: ", "'XXX'"]),
    ("[[parameters]]\nkey = 'world.hub_leakiness_scale'\ncoalition = {leader = 'US'}",
     ["parameters[0].coalition.leader: unknown exporting country", "did you mean 'USA'"]),
    ("[scenario]\nhorizon = 2\n[[parameters]]\nkey = 'world.hub_leakiness_scale'\nvalues = [1.0]",
     ["scenario.horizon: must be more than warmup"]),
    ("[[parameters]]\nkey = 'world.hub_leakiness_scale'\nname = 'seed'\nvalues = [1.0]",
     ["parameter name 'seed' is a results column"]),
])
def test_bad_sweep_files_are_one_line_naming_file_and_key(tmp_path, body, words):
    path = write(tmp_path, BASE + body)
    with pytest.raises(ScenarioError) as caught:
        load_sweep(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for word in words:
        assert word in message


def test_unpaired_base_without_policies_must_say_so(tmp_path):
    path = write(tmp_path, f'base = "{SCENARIO_DIR / "baseline.toml"}"\n'
                 "[[parameters]]\nkey = 'parameters.conversion_efficiency'\nvalues = [0.5]")
    with pytest.raises(ScenarioError, match=r"paired: pairing needs policies.*paired = false"):
        load_sweep(path)
    path.write_text(path.read_text().replace("[[parameters]]", "paired = false\n[[parameters]]"))
    assert load_sweep(path).metrics[0] == "target_capability"


def test_missing_base_and_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="base: required key is missing"):
        load_sweep(write(tmp_path, "[[parameters]]\nkey = 'horizon'\nvalues = [8]"))
    with pytest.raises(ScenarioError, match=r"nowhere.toml: file not found"):
        load_sweep(write(tmp_path, 'base = "nowhere.toml"\n[[parameters]]\nkey = "horizon"\nvalues = [8]'))
    with pytest.raises(ScenarioError, match="file not found"):
        load_sweep(tmp_path / "absent.toml")


def test_docs_describe_every_key():
    text = (Path(__file__).resolve().parents[2] / "docs" / "sweeps.md").read_text()
    for model in (SweepSpec, Parameter, Range, Coalition):
        for key in model.model_fields:
            assert f"`{key}`" in text, f"docs/sweeps.md does not describe {model.__name__}.{key}"
