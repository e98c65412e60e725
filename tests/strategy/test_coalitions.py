"""Coalition values and formation on a tiny world (two or three partners, 6 steps): Shapley values
checked by hand against the simulated coalition values, efficiency, common random numbers, the same
numbers on every executor, resume, sampling, and formation against payoffs worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import model
from model.scenario import SCENARIO_DIR
from model.strategy.coalitions import load_coalitions
from model.strategy.stability import externally_stable, internally_stable

TINY = f"""
scenario = "{SCENARIO_DIR / 'echri_coalition.toml'}"
candidates = ["DEU", "CHN"]
replications = 2
horizon = 7
"""


def study(tmp_path: Path, extra: str = "", text: str = TINY, name: str = "tiny") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text + extra)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coalitions")
    path = study(folder, "\n[formation]\nweights = [0.0, 1.0]\n")
    return model.coalitions(path, out=folder / "out", executor="serial", progress=False, figures=False)


def value(coalitions: pd.DataFrame, members: str, outcome: str) -> float:
    return float(coalitions.set_index("members").loc[members, outcome])


@pytest.mark.parametrize("outcome", ["denial_effectiveness", "revenue_lost"])
def test_shapley_values_by_hand(tiny, outcome):
    c = tiny.coalitions[tiny.coalitions["layer"] == "all"]
    alone, deu, chn, both = (value(c, m, outcome) for m in ("", "DEU", "CHN", "DEU+CHN"))
    # two players: each value is the mean of its two marginal contributions
    by_hand = {"DEU": ((deu - alone) + (both - chn)) / 2, "CHN": ((chn - alone) + (both - deu)) / 2}
    got = tiny.shapley[tiny.shapley["outcome"] == outcome].set_index("partner")
    assert got.loc["DEU", "shapley"] == pytest.approx(by_hand["DEU"], rel=1e-9, abs=1e-12)
    assert got.loc["CHN", "shapley"] == pytest.approx(by_hand["CHN"], rel=1e-9, abs=1e-12)
    assert got["banzhaf"].to_numpy() == pytest.approx(got["shapley"].to_numpy())  # equal for two players
    assert got["shapley"].sum() == pytest.approx(both - alone, rel=1e-9, abs=1e-12)  # efficiency
    check = tiny.efficiency.set_index("outcome").loc[outcome]
    assert check["sum_of_values"] == pytest.approx(check["grand_minus_leader_alone"], rel=1e-9, abs=1e-12)
    assert (got["shapley_low"] <= got["shapley"]).all() and (got["shapley"] <= got["shapley_high"]).all()


def test_every_coalition_runs_on_the_same_seeds(tiny):
    from model.experiment.folders import read_table

    runs = read_table(tiny.folder / "runs" / "all-all", "runs")
    seeds = runs.groupby("replicate")["seed"].nunique()
    assert (seeds == 1).all() and runs["point_id"].nunique() == 5  # baseline + 4 coalitions


def test_formation_matches_payoffs_by_hand(tiny):
    c = tiny.coalitions.set_index("members")
    order = ["", "DEU", "CHN", "DEU+CHN"]  # masks 0..3 over players (DEU, CHN)
    for weight in (0.0, 1.0):
        pay = np.array([[weight * c.loc[m, "denial_effectiveness"] - (1 - weight) * c.loc[m, f"loss_share_{p}"]
                         for p in ("DEU", "CHN")] for m in order])
        stable = [order[m] for m in range(4) if internally_stable(pay)[m] and externally_stable(pay)[m]]
        rows = tiny.formation[(tiny.formation["weight"] == weight) & (tiny.formation["kind"] == "stable")]
        assert sorted(rows["members"].fillna("")) == sorted(stable)
    # with weight 1 every country wants the most denial: the grand coalition if it denies the most
    denial = [c.loc[m, "denial_effectiveness"] for m in order]
    if int(np.argmax(denial)) == 3:
        assert "DEU+CHN" in set(tiny.formation[tiny.formation["weight"] == 1.0]["members"])


def test_same_numbers_with_worker_processes(tiny, tmp_path):
    path = study(tmp_path, "\n[formation]\nweights = [0.0, 1.0]\n")
    other = model.coalitions(path, out=tmp_path / "out", executor=2, progress=False, figures=False)
    pd.testing.assert_frame_equal(other.shapley, tiny.shapley)
    pd.testing.assert_frame_equal(other.formation, tiny.formation)


def test_resume_reuses_stored_runs(tiny, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny.folder, copy)
    (copy / "shapley.csv").unlink()
    stored = sorted(p.stat().st_mtime_ns for p in (copy / "runs").rglob("*.parquet"))
    again = model.coalitions(study(tmp_path, "\n[formation]\nweights = [0.0, 1.0]\n"), out=copy, resume=True,
                             executor="serial", progress=False, figures=False)
    pd.testing.assert_frame_equal(again.shapley, tiny.shapley)
    assert sorted(p.stat().st_mtime_ns for p in (copy / "runs").rglob("*.parquet")) == stored


def test_sampled_values_are_efficient(tmp_path):
    text = TINY.replace('["DEU", "CHN"]', '["DEU", "SWE", "CHN"]')
    extra = '\nmethod = "sampled"\n[sampling]\nbatch = 2\ntolerance = 0.0\nmin_permutations = 2\nmax_permutations = 4\n'
    result = model.coalitions(study(tmp_path, extra, text), out=tmp_path / "out", executor="serial",
                              progress=False, figures=False)
    for _, check in result.efficiency.set_index("outcome").iterrows():
        assert check["sum_of_values"] == pytest.approx(check["grand_minus_leader_alone"], rel=1e-9, abs=1e-9)
    assert set(result.shapley["method"]) == {"sampled"} and (result.shapley["permutations"] == 4).all()
    assert set(result.shapley["stopped"]) == {"budget"}
    assert (result.shapley["standard_error"] >= 0).all()


def test_load_fills_in_the_exporters(tmp_path):
    prepared = load_coalitions(study(tmp_path, text=TINY.replace('candidates = ["DEU", "CHN"]\n', "")))
    assert prepared.template.leader == "USA"
    assert sorted(prepared.players) == ["CHN", "DEU", "FRA", "ISR", "JPN", "KOR", "RUS", "SWE", "TWN"]
    assert prepared.exact  # 512 coalitions: enumerated by method = "auto"


def test_command_writes_the_folder_and_the_readme_section(tmp_path, capsys):
    from model.interfaces.cli import main

    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\n<!-- coalitions:start -->\nold\n<!-- coalitions:end -->\n\nrest\n")
    out = tmp_path / "out"
    assert main(["coalitions", str(study(tmp_path)), "--out", str(out), "--workers", "1", "--quiet",
                 "--readme", str(readme)]) == 0
    assert "Shapley values of partners" in capsys.readouterr().out
    text = readme.read_text()
    assert "old" not in text and "| partner |" in text and text.endswith("rest\n")
    assert (tmp_path / "docs" / "figures" / "shapley.png").exists()
    for name in ("shapley.csv", "efficiency.csv", "coalitions.csv", "summary.md", "manifest.json",
                 "figures/shapley.png"):
        assert (out / name).exists()
    assert main(["coalitions", str(study(tmp_path)), "--out", str(out), "--quiet"]) == 2  # exists: refused
    assert "exists" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.extra("dask")
def test_same_numbers_on_a_dask_cluster(tiny, tmp_path):
    from dask import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True) as cluster, \
            distributed.Client(cluster) as client:
        other = model.coalitions(study(tmp_path, "\n[formation]\nweights = [0.0, 1.0]\n"), out=tmp_path / "out",
                                 executor=client, progress=False, figures=False)
    pd.testing.assert_frame_equal(other.shapley, tiny.shapley)


def test_the_folder_is_a_results_folder_of_the_engine(tiny):
    from model.experiment.manifest import settings_intact

    stored = model.load_results(tiny.folder)
    assert stored.kind == "analysis" and stored.manifest["analysis"] == "coalitions"
    assert settings_intact(stored.manifest) and stored.manifest["status"] == "complete"
    pd.testing.assert_frame_equal(stored.tables["shapley"], tiny.shapley, check_dtype=False)


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_refused_resume_leaves_a_finished_folder_as_it_was(tiny, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny.folder, copy)
    before = files_of(copy)
    changed = study(tmp_path, "\n[formation]\nweights = [0.0, 1.0]\n", TINY.replace("horizon = 7", "horizon = 8"))
    with pytest.raises(model.ModelInputError, match="cannot resume"):
        model.coalitions(changed, out=copy, resume=True, executor="serial", progress=False, figures=False)
    assert files_of(copy) == before


def test_readme_must_be_an_existing_file(tmp_path, capsys):
    from model.errors import ModelInputError
    from model.interfaces.cli import main
    from model.strategy.report import check_readme, update_readme

    for readme in (tmp_path / "missing.md", tmp_path):
        with pytest.raises(ModelInputError, match=r"^--readme: cannot update this file"):
            check_readme(readme)
        with pytest.raises(ModelInputError, match=r"^--readme: "):
            update_readme(readme, "coalitions", "text", [], tmp_path / "docs" / "figures")
    text = TINY.replace('["DEU", "CHN"]', '["DEU"]').replace("replications = 2", "replications = 1")
    out = tmp_path / "out"
    assert main(["coalitions", str(study(tmp_path, text=text.replace("horizon = 7", "horizon = 5"))), "--out",
                 str(out), "--workers", "1", "--quiet", "--no-figures", "--readme", str(tmp_path / "missing.md")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --readme: ") and "\n" not in err and "missing.md" in err
    assert not out.exists()  # checked before any run
