"""The Python entry points refuse what the command line refuses, with the translator's messages,
before any folder is made; and model.sweep behaves as ``run.py sweep`` (executor, warning, folder)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import model
from model import ModelInputError
from model.experiment import sweep
from model.experiment.arguments import checked_executor
from model.scenario import SCENARIO_DIR, ScenarioError, load_scenario

US = SCENARIO_DIR / "unilateral_us.toml"


def short():
    return load_scenario(US).model_copy(update={"horizon": 6, "replications": 1})


@pytest.mark.parametrize(("arguments", "message"), [
    ({"replications": 0}, "replications: out of range (expected an integer in [1, 10000], got 0)"),
    ({"replications": True}, "replications: wrong type (expected an integer, got True)"),
    ({"seed": 2**64}, "seed: out of range (expected an integer in [0, 9223372036854775807], got 18446744073709551616)"),
    ({"seed": -1}, "seed: out of range (expected an integer in [0, 9223372036854775807], got -1)"),
    ({"executor": 0}, "executor: out of range (expected an integer in [1, 1024], got 0)"),
    ({"executor": True}, "executor: wrong type (expected an integer, got True)"),
    ({"executor": "procesess"}, ("executor: not an executor (expected None, 'serial', 'processes', a number of "
     "processes, a concurrent.futures.Executor or a dask.distributed Client, got 'procesess')")),
    ({"out": 3}, "out: wrong type (expected a path (a string or pathlib.Path), got 'int')"),
])
def test_run_scenario_refuses_what_the_command_line_refuses(tmp_path, arguments, message):
    """replications=0 raised IncompleteSweepError; True, seeds above 2**63 and 0 workers ran."""
    with pytest.raises(ModelInputError) as caught:
        model.run_scenario(short(), progress=False, **({"out": tmp_path / "r"} | arguments))
    assert str(caught.value) == message
    assert not (tmp_path / "r").exists()


def test_compare_takes_scenario_files_and_names_a_missing_one(tmp_path):
    """compare(["a.toml"]) raised AttributeError ('str' object has no attribute 'name')."""
    with pytest.raises(ScenarioError, match=r"^a\.toml: file not found$"):
        model.compare(["a.toml"])
    with pytest.raises(ModelInputError, match=r"^scenarios\[1\]: wrong type"):
        model.compare([short(), 5])
    path = tmp_path / "small.toml"
    path.write_text(f'extends = "{US}"\nhorizon = 6\nreplications = 1\n')
    from_file = model.compare([path], executor=None, progress=False)
    from_object = model.compare([load_scenario(path)], executor=None, progress=False)
    assert from_file.per_replication.equals(from_object.per_replication)


def test_an_executor_the_command_line_would_take_passes():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        for executor in (None, "serial", "processes", 2, pool):
            assert checked_executor(executor) is executor


def test_load_results_and_load_sweep_name_a_path_of_the_wrong_type():
    with pytest.raises(ModelInputError, match=r"^path: wrong type"):
        model.load_results(3)
    with pytest.raises(ModelInputError, match=r"^path: wrong type"):
        model.experiment.load_sweep(None)
    with pytest.raises(ModelInputError, match=r"^params: wrong type"):
        sweep(US, ["policies.national[USA].enforcement"])


def test_a_sweep_keeps_its_folder_and_warns_like_the_command_line(tmp_path, monkeypatch):
    """Without out= a sweep wrote to a temporary folder that was deleted; no small-design warning."""
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match="Morris"):
        runs = sweep(US, {"policies.national[USA].enforcement": (0.2, 0.9)}, design="morris", samples=2,
                     levels=4, replications=1, scenario={"horizon": 6}, executor=None, progress=False,
                     name="mine")
    assert runs.attrs["folder"] == Path("results") / "mine"
    assert (tmp_path / "results" / "mine" / "manifest.json").is_file()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModelInputError, match=r"exists|resume|force"):
            sweep(US, {"policies.national[USA].enforcement": [0.2, 0.9]}, replications=1, executor=None,
                  scenario={"horizon": 6}, progress=False, name="mine")


def test_sweep_runs_on_local_processes_by_default():
    import inspect

    assert inspect.signature(sweep).parameters["executor"].default == "processes"
    assert inspect.signature(model.compare).parameters["executor"].default == "processes"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: model.coalitions(3), "file: wrong type (expected a path (a string or pathlib.Path), got 'int')"),
    (lambda: model.frontier(None), "file: wrong type (expected a path (a string or pathlib.Path), got 'NoneType')"),
    (lambda: model.coalitions(SCENARIO_DIR / "analyses" / "partners.toml", executor=0),
     "executor: out of range (expected an integer in [1, 1024], got 0)"),
    (lambda: model.frontier(SCENARIO_DIR / "analyses" / "frontier.toml", out=5),
     "out: wrong type (expected a path (a string or pathlib.Path), got 'int')"),
    (lambda: model.discover(3, "denial_effectiveness > 0"),
     "results: wrong type (expected a path (a string or pathlib.Path), got 'int')"),
])
def test_the_strategy_functions_name_a_bad_argument(call, message):
    """Each raised TypeError (Path(3)) or, for executor=0, ran on every core."""
    with pytest.raises(ModelInputError) as caught:
        call()
    assert str(caught.value) == message
