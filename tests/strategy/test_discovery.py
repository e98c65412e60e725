"""Scenario discovery on a small finished sweep: PRIM's box and trade-off curve checked against the
data by hand, CART's leaves, the results folder, and bad outcomes (one error line, nothing written)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import model
from model.analysis.sweep_analysis import read_results
from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

pytestmark = pytest.mark.extra("strategy")


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("discovery") / "sweep"
    model.sweep(SCENARIO_DIR / "unilateral_us.toml",
                params={"policies.national[USA].enforcement": [0.1, 0.5, 0.9],
                        "world.hub_leakiness_scale": [0.0, 0.7, 1.4]},
                replications=1, scenario={"horizon": 6}, out=folder, executor="serial", progress=False)
    return folder


def threshold(folder) -> float:
    runs = read_results(folder).runs
    return float(runs.groupby("point_id")["denial_effectiveness"].mean().median())


def test_prim_box_coverage_and_density_by_hand(sweep_folder, tmp_path):
    cut = threshold(sweep_folder)
    found = model.discover(sweep_folder, f"denial_effectiveness > {cut!r}", out=tmp_path / "d")
    inside = np.ones(len(found.holds), bool)
    for row in found.box.to_dict("records"):
        values = found.inputs[row["input"]]
        inside &= (values >= row["low"]) & (values <= row["high"])
    chosen = found.trajectory[found.trajectory["chosen"]].iloc[0]
    assert chosen["coverage"] == pytest.approx(found.holds[inside].sum() / found.holds.sum())
    assert chosen["density"] == pytest.approx(found.holds[inside].mean())
    assert len(found.holds) == 9 and 0 < found.holds.sum() < 9
    leaves = found.cart
    assert leaves["cases"].sum() == 9 and leaves["coverage"].sum() == pytest.approx(1.0)
    for name in ("prim_trajectory.csv", "prim_box.csv", "cart_leaves.csv", "manifest.json", "figures/prim.png"):
        assert (tmp_path / "d" / name).exists()
    assert pd.read_csv(tmp_path / "d" / "prim_box.csv")["input"].tolist() == list(found.inputs.columns)


def test_per_run_and_the_command_line(sweep_folder, tmp_path, capsys):
    cut = threshold(sweep_folder)
    assert main(["discover", str(sweep_folder), "--outcome", f"denial_effectiveness >= {cut!r}", "--per", "run",
                 "--out", str(tmp_path / "d"), "--no-figures"]) == 0
    assert "PRIM box" in capsys.readouterr().out
    assert not (tmp_path / "d" / "figures").exists()


@pytest.mark.parametrize(("outcome", "expected"), [
    ("denail_effectiveness > 0.1", "'denial_effectiveness'"),
    ("denial_effectiveness is high", "COLUMN OP NUMBER"),
    ("denial_effectiveness > 5", "holds in no case"),
])
def test_bad_outcomes(sweep_folder, tmp_path, capsys, outcome, expected):
    out = tmp_path / "d"
    assert main(["discover", str(sweep_folder), "--outcome", outcome, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and expected in err
    assert not out.exists()


def test_discovery_file(sweep_folder, tmp_path):
    path = tmp_path / "where.toml"
    path.write_text(f'results = "{sweep_folder}"\noutcome = "denial_effectiveness > {threshold(sweep_folder)!r}"\n'
                    'inputs = ["world.hub_leakiness_scale"]\n')
    found = model.discover(file=path, out=tmp_path / "d", figures=False)
    assert list(found.inputs.columns) == ["world.hub_leakiness_scale"]
    path.write_text(f'results = "{sweep_folder}"\noutcome = "denial_effectiveness > 0"\ninputs = ["world.hub_leakines_scale"]\n')
    with pytest.raises(model.ScenarioError, match=r"inputs\[0\].*did you mean"):
        model.discover(file=path, out=tmp_path / "e")


def test_the_chosen_box_is_the_densest_of_those_with_the_most_coverage():
    from model.strategy.discovery import choose_box

    trajectory = pd.DataFrame({"id": [0, 1, 2, 3, 4], "coverage": [1.0, 0.9, 0.9, 0.9, 0.5],
                               "density": [0.4, 0.82, 0.88, 0.85, 0.99]})
    assert choose_box(trajectory, 0.8) == 2  # three boxes cover 90%: the densest of them
    assert choose_box(trajectory, 0.95) == 4  # only one box is dense enough
    assert choose_box(trajectory.iloc[:1], 0.8) == 0  # none dense enough: the densest
    tied = trajectory.assign(density=[0.4, 0.9, 0.9, 0.9, 0.9])
    assert choose_box(tied, 0.8) == 1  # full tie: the earliest


def test_text_member_set_and_boolean_inputs_are_read_whatever_the_string_dtype():
    from model.analysis.sweep_analysis import numeric_inputs

    for dtype in ("str", object):
        inputs = pd.DataFrame({"headline": pd.Series(["equal", "population"], dtype=dtype),
                               "coalition": pd.Series(['["USA"]', '["USA", "DEU"]'], dtype=dtype),
                               "flag": [True, False], "scale": [1, 2]})
        out = numeric_inputs(inputs)
        assert list(out.columns) == ["headline", "coalition (members)", "flag", "scale"]
        assert isinstance(out["headline"].dtype, pd.CategoricalDtype)
        assert out["coalition (members)"].tolist() == [1, 2] and out["flag"].tolist() == [1, 0]
        assert out["scale"].dtype == float


def test_discovery_on_a_sweep_of_a_text_parameter(tmp_path):
    folder = tmp_path / "sweep"
    model.sweep(SCENARIO_DIR / "unilateral_us.toml",
                params={"headline": ["equal", "importing"], "world.hub_leakiness_scale": [0.0, 1.4]},
                replications=1, scenario={"horizon": 5}, out=folder, executor="serial", progress=False)
    found = model.discover(folder, f"leakage_rate > {threshold_of(folder, 'leakage_rate')!r}",
                           out=tmp_path / "d", figures=False)
    assert list(found.inputs.columns) == ["headline", "world.hub_leakiness_scale"]
    assert set(found.inputs["headline"]) == {"equal", "importing"}


def threshold_of(folder, column: str) -> float:
    values = read_results(folder).runs.groupby("point_id")[column].mean()
    return float((values.min() + values.max()) / 2)


@pytest.mark.parametrize(("extra", "expected"), [
    ('inputs = ["world.hub_leakiness_scale", "world.hub_leakiness_scale"]\n',
     r"inputs: 'world.hub_leakiness_scale' is listed twice"),
    ("peel_alpha = 1e-300\n", r"peel_alpha: out of range"),
    ("peel_alpha = 0.5\n", r"peel_alpha: out of range"),
])
def test_bad_discovery_files_are_refused_when_loaded(sweep_folder, tmp_path, extra, expected):
    from model.strategy.discovery import load_discovery

    path = tmp_path / "where.toml"
    path.write_text(f'results = "{sweep_folder}"\noutcome = "denial_effectiveness > 0"\n' + extra)
    with pytest.raises(model.ScenarioError, match=expected):
        load_discovery(path)


@pytest.mark.parametrize("where", ["same", "inside", "parent"])
def test_the_output_folder_is_never_the_sweep(sweep_folder, capsys, where):
    out = {"same": sweep_folder, "inside": sweep_folder / "discovery", "parent": sweep_folder.parent}[where]
    before = (sweep_folder / "manifest.json").read_bytes()
    cut = threshold(sweep_folder)
    assert main(["discover", str(sweep_folder), "--outcome", f"denial_effectiveness > {cut!r}", "--out", str(out),
                 "--force", "--no-figures"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --out: ") and "\n" not in err
    assert (sweep_folder / "manifest.json").read_bytes() == before and not (sweep_folder / "discovery").exists()


def test_a_sweep_whose_runs_all_failed_is_refused(sweep_folder, monkeypatch):
    import dataclasses

    from model.strategy import discovery

    stored = read_results(sweep_folder)
    failed = dataclasses.replace(stored, runs=stored.runs.assign(error="RuntimeError: boom"))
    monkeypatch.setattr(discovery, "read_results", lambda folder: failed)
    with pytest.raises(model.ScenarioError, match=r"results: no successful runs to discover from"):
        discovery.load_discovery(results=str(sweep_folder), outcome="denial_effectiveness > 0")


def test_the_manifest_identifies_the_sweep(sweep_folder, tmp_path):
    import json

    model.discover(sweep_folder, f"denial_effectiveness > {threshold(sweep_folder)!r}", out=tmp_path / "d",
                   figures=False)
    recorded = json.loads((tmp_path / "d" / "manifest.json").read_text())["sweep"]
    sweep = json.loads((sweep_folder / "manifest.json").read_text())
    assert recorded["settings_digest"] == sweep["settings_digest"] is not None
    assert recorded["tables"] == {name: entry["digest"] for name, entry in sweep["tables"].items()}
    assert recorded["tables"]["runs"]
