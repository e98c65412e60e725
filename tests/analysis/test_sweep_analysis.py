"""Analysis of stored sweeps: summaries with intervals, Sobol/Morris indices, coalition steps, figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from model.analysis import sweep_analysis
from model.analysis.sweep_analysis import (
    coalition_steps,
    feature_scores,
    point_summary,
    read_results,
    sensitivity,
)
from model.analysis.sweep_figures import draw_sweep_figures
from model.analysis.sweep_report import analyze
from model.errors import ModelInputError
from model.experiment import growing_coalitions, revenue_shares, sweep
from model.scenario import SCENARIO_DIR

US = SCENARIO_DIR / "unilateral_us.toml"
SHORT = {"scenario": {"horizon": 6}, "progress": False, "series": []}


@pytest.fixture(scope="module")
def grid(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("grid") / "grid"
    sweep(US, {"policies.national[USA].enforcement": [0.2, 0.9], "world.hub_leakiness_scale": [0.0, 1.0]},
          replications=3, out=out, **SHORT)
    return out


@pytest.fixture(scope="module")
def coalition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("coalition") / "coalition"
    agreement = {"name": "club", "members": ["USA"], "list_rule": "leader", "leader": "USA"}
    members = {"coalition": {"leader": "USA", "size": 3}, "name": "members"}
    changes = {"horizon": 6, "policies": {"agreements": [agreement]}}
    sweep(SCENARIO_DIR / "baseline.toml", {"policies.agreements[club].members": members},
          replications=3, out=out, **SHORT | {"scenario": changes})
    return out


def test_growing_coalitions_follow_revenue_share():
    shares = revenue_shares()
    assert shares.is_monotonic_decreasing and abs(shares.sum() - 1) < 1e-9
    sets = growing_coalitions("USA", exclude=["CHN"], size=4)
    partners = [c for c in shares.index if c not in ("USA", "CHN")]
    assert sets == [["USA"], ["USA", partners[0]], ["USA", *partners[:2]], ["USA", *partners[:3]]]
    with pytest.raises(ModelInputError, match=r"coalition.exclude: unknown exporting country.*'XXX'"):
        growing_coalitions("USA", exclude=["XXX"])


def test_point_summary_has_means_and_intervals(grid):
    summary = point_summary(read_results(grid))
    assert len(summary) == 4 and (summary["replications"] == 3).all()
    assert {"policies.national[USA].enforcement", "denial_effectiveness", "denial_effectiveness_low",
            "denial_effectiveness_high"} <= set(summary)
    assert (summary["denial_effectiveness_low"] <= summary["denial_effectiveness"]).all()
    assert (summary["denial_effectiveness"] <= summary["denial_effectiveness_high"]).all()


def test_analyze_writes_tables_and_figures(grid):
    written = analyze(grid)
    names = {p.name for p in written}
    assert "points.csv" in names and "heatmap.png" in names
    assert not any(p.suffix in (".svg", ".pdf") for p in written)  # PNG unless asked (plot --format svg)
    assert "denial_effectiveness_by_parameter.png" in names
    assert all(p.stat().st_size > 0 for p in written)


def test_one_figure_and_unknown_names(grid, tmp_path):
    drawn = draw_sweep_figures(grid, tmp_path, only="heatmap", formats=("png",))
    assert [p.name for p in drawn] == ["heatmap.png"]
    with pytest.raises(ModelInputError, match=r"no such figure.*did you mean 'heatmap'"):
        draw_sweep_figures(grid, tmp_path, only="heatmp")


@pytest.mark.parametrize("design, samples, columns", [
    ("sobol", 4, ["S1", "S1_conf", "ST", "ST_conf"]),
    ("morris", 3, ["mu", "mu_star", "sigma", "mu_star_conf"]),
])
def test_sampled_designs_give_sensitivity_indices(tmp_path, design, samples, columns):
    out = tmp_path / design
    sweep(US, {"policies.national[USA].enforcement": (0.2, 1.0), "world.hub_leakiness_scale": (0.0, 1.4)},
          design=design, samples=samples, replications=1, paired=False, out=out, **SHORT)
    indices = sensitivity(read_results(out))
    assert set(indices["parameter"]) == {"policies.national[USA].enforcement", "world.hub_leakiness_scale"}
    assert set(columns) <= set(indices)
    assert indices[columns].notna().all().all()
    assert [p.name for p in draw_sweep_figures(out, only=design, formats=("png",))] == [f"{design}.png"]


@pytest.mark.extra("strategy")
def test_feature_scores_find_the_parameter_that_matters(tmp_path):
    """Without an agreement the hubs' cooperation gain changes nothing, so US enforcement explains
    the whole variation of denial; a metric's scores sum to 1."""
    out = tmp_path / "scores"
    sweep(US, {"policies.national[USA].enforcement": [0.1, 0.5, 0.9], "parameters.hub_cooperation_gain": [0.1, 0.9]},
          replications=1, out=out, **SHORT)
    results = read_results(out)
    assert results.runs.groupby("policies.national[USA].enforcement")["denial_effectiveness"].nunique().eq(1).all()
    scores = feature_scores(results).pivot(index="parameter", columns="metric", values="score")
    # (not exactly 1 and 0: the Workbench's trees fit bootstrap samples of the six points)
    assert scores["denial_effectiveness"]["policies.national[USA].enforcement"] > 0.8
    assert scores["denial_effectiveness"]["parameters.hub_cooperation_gain"] < 0.2
    assert scores.sum().to_numpy() == pytest.approx(1.0)
    assert feature_scores(results).equals(feature_scores(results))  # seeded by the sweep's seed


@pytest.mark.extra("strategy")
def test_analyze_writes_feature_scores(grid):
    analyze(grid, figures=False)
    scores = pd.read_csv(grid / "analysis" / "feature_scores.csv")
    assert set(scores["parameter"]) == {"policies.national[USA].enforcement", "world.hub_leakiness_scale"}
    assert "score" in set(pd.read_csv(grid / "analysis" / "columns.csv")["name"])


def test_without_the_strategy_extra_analyze_says_so_and_writes_the_rest(grid, tmp_path, monkeypatch, capsys):
    from model.interfaces.cli import main

    monkeypatch.setattr(sweep_analysis, "FEATURE_SCORING_EXTRA", ("no_such_module_here",))
    folder = tmp_path / "grid"
    shutil.copytree(grid, folder)
    shutil.rmtree(folder / "analysis", ignore_errors=True)
    with pytest.warns(UserWarning, match=r"feature scoring skipped: it needs no_such_module_here \(the extra: "
                      r"pip install -e '\.\[strategy\]'\)"):
        analyze(folder, figures=False)
    assert (folder / "analysis" / "points.csv").is_file() and not (folder / "analysis" / "feature_scores.csv").exists()
    shutil.rmtree(folder / "analysis")
    assert main(["analyze", str(folder), "--no-figures"]) == 0
    err = capsys.readouterr().err
    assert err == "warning: feature scoring skipped: it needs no_such_module_here (the extra: pip install -e '.[strategy]')\n"


def test_coalition_steps_are_paired_differences(coalition):
    results = read_results(coalition)
    steps = coalition_steps(results)
    sets = [json.loads(v) for v in results.points["members"]]
    assert list(steps["added"]) == [sets[1][1], sets[2][2]] and list(steps["size"]) == [2, 3]
    runs = results.runs.set_index(["point_id", "replicate"])["leakage_rate"]
    first = (runs[1] - runs[0]).mean()
    assert steps["leakage_rate_change"].iat[0] == pytest.approx(first)
    assert (steps["leakage_rate_change_low"] <= steps["leakage_rate_change_high"]).all()
    paths = draw_sweep_figures(coalition, formats=("png",))
    assert {"coalition_marginal.png", "leakage_rate_by_parameter.png"} <= {p.name for p in paths}


def test_analysis_refuses_unfinished_or_foreign_folders(grid, tmp_path):
    with pytest.raises(ModelInputError, match="not a sweep results folder"):
        read_results(tmp_path)
    manifest = json.loads((grid / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps(manifest | {"status": "running"}))
    with pytest.raises(ModelInputError, match=r"the sweep has not finished.*resume"):
        read_results(tmp_path)
