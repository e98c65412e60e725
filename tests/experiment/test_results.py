"""One results format: Parquet tables with CSV copies, dates as dates, columns.csv, digests of every
table, and load_results reading every kind of folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import model
from model.errors import ModelInputError
from model.experiment import Comparison, compare, load_results, sweep
from model.experiment.folders import check_tables
from model.scenario import SCENARIO_DIR, load_scenario


@pytest.fixture(scope="module")
def comparison_folder(tmp_path_factory) -> Path:
    us = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_copy(update={"horizon": 6})
    out = tmp_path_factory.mktemp("cmp") / "out"
    compare([us], replications=2, executor="serial", progress=False, out=out)
    return out


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "out"
    sweep(SCENARIO_DIR / "unilateral_us.toml", {"world.hub_leakiness_scale": [0.5, 1.0]}, replications=2,
          scenario={"horizon": 6}, record_every=2, out=out, progress=False)
    return out


@pytest.mark.parametrize("kind", ["comparison", "sweep"])
def test_every_file_is_listed_with_a_digest_and_every_column_described(kind, comparison_folder, sweep_folder):
    folder = comparison_folder if kind == "comparison" else sweep_folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tool"] == "surveillance-export-controls" and manifest["kind"] == kind
    listed = {e["file"] for e in manifest["tables"].values()} | {
        e["csv"] for e in manifest["tables"].values() if "csv" in e}
    on_disk = {p.name for p in folder.iterdir() if p.is_file()} - {"manifest.json"}
    assert listed == on_disk  # the digests cover every table in the folder
    assert check_tables(folder, manifest) == {}
    columns = pd.read_csv(folder / "columns.csv", keep_default_na=False)
    for name in (n for n in manifest["tables"] if n != "columns"):
        table = pd.read_parquet(folder / f"{name}.parquet")
        described = columns[columns["table"] == name]
        assert list(described["name"]) == list(table.columns)
        undescribed = described.loc[described["meaning"] == "", "name"].tolist()
        assert not undescribed, f"{name}: {undescribed}"
        # a unit that states a range holds (the ends of a 95% interval may leave it)
        bounded = described.loc[described["unit"].str.contains("0-1") & ~described["name"].str.endswith(
            ("_low", "_high")), "name"]
        outside = [c for c in bounded if not table[c].dropna().between(-1e-9, 1 + 1e-9).all()]
        assert not outside, f"{name}: a unit says 0-1, values leave it: {outside}"


def test_dates_are_stored_as_dates(comparison_folder, sweep_folder):
    import pyarrow.parquet as pq

    for folder in (comparison_folder, sweep_folder):
        schema = pq.read_schema(folder / "timeseries.parquet")
        assert str(schema.field("date").type) == "date32[day]"
    first = pd.read_parquet(comparison_folder / "timeseries.parquet")["date"].iloc[0]
    assert isinstance(first, dt.date) and not isinstance(first, dt.datetime)


@pytest.mark.parametrize("kind", ["comparison", "sweep"])
def test_load_results_gives_the_tables_and_one_long_time_series(kind, comparison_folder, sweep_folder):
    folder = comparison_folder if kind == "comparison" else sweep_folder
    results = model.load_results(str(folder))
    assert results.kind == kind and "runs" in results.tables and "timeseries" in results.tables
    series = results.series
    assert list(series.columns) == ["run", "scenario", "point", "role", "replicate", "step", "date", "variable",
                                    "value"]
    wide = results["timeseries"]
    variables = series["variable"].unique()
    assert "target_capability" in variables and "date" not in variables
    assert len(series) == len(wide) * len(variables)
    assert series["run"].notna().all()
    one = series[(series["variable"] == "target_capability")].iloc[0]
    match = wide[(wide["step"] == one["step"]) & (wide["replicate"] == one["replicate"])]
    assert one["value"] in set(match["target_capability"])


def test_load_results_reads_an_analysis_folder(sweep_folder, tmp_path):
    from model.analysis.sweep_report import analyze

    folder = tmp_path / "sweep"
    shutil.copytree(sweep_folder, folder)
    analyze(folder, figures=False)
    results = load_results(folder / "analysis")
    from model.analysis.sweep_analysis import feature_scoring_missing

    assert results.kind == "analysis" and "points" in results.tables and results.series.empty
    assert set(results.columns["table"]) == {"points"} | ({"feature_scores"} if not feature_scoring_missing() else set())


@pytest.mark.extra("xarray")
def test_load_results_as_xarray(sweep_folder):
    data = load_results(sweep_folder).to_xarray()
    assert set(data.dims) == {"run", "step"} and "target_capability" in data
    assert data["point"].sizes["run"] == data.sizes["run"]
    assert set(data.sel(point=1)["run"].values) == {"p1/r0", "p1/r1"}  # point is an index
    assert data.attrs["kind"] == "sweep"


@pytest.mark.extra("xarray")
def test_a_comparison_as_xarray_is_indexed_by_scenario_with_units(comparison_folder):
    results = load_results(comparison_folder)
    data = results.to_xarray()
    assert dict(data.sizes) == {"scenario": 2, "replicate": 2, "step": 6}
    assert list(data["role"].sel(scenario=["baseline", "unilateral_us"]).values) == ["baseline", "policy"]
    wide = results["timeseries"].set_index(["scenario", "replicate", "step"])["target_capability"]
    assert data["target_capability"].sel(scenario="unilateral_us", replicate=1, step=5) == wide["unilateral_us", 1, 5]
    described = results.columns.query("table == 'timeseries'").set_index("name")
    assert data["target_capability"].attrs["units"] == described.loc["target_capability", "unit"]
    assert data["acquired_targets"].attrs == {"units": "effective units",
                                              "long_name": described.loc["acquired_targets", "meaning"]}
    assert "units" not in data["date"].attrs and data["date"].sizes == {"step": 6}


def test_to_ema_gives_the_workbenchs_experiments_and_outcomes(comparison_folder, sweep_folder):
    experiments, outcomes = model.to_ema(comparison_folder)
    pairs = load_results(comparison_folder)["replications"]
    assert list(experiments.columns) == ["scenario", "policy", "model"] and len(experiments) == len(pairs)
    assert all(isinstance(experiments[c].dtype, pd.CategoricalDtype) for c in experiments)
    assert list(experiments["policy"]) == list(pairs["scenario"])
    assert list(experiments["scenario"]) == [f"r{r}" for r in pairs["replicate"]]
    assert outcomes["denial_effectiveness"].tolist() == pairs["denial_effectiveness"].tolist()
    assert "seed" not in outcomes and "replicate" not in outcomes

    experiments, outcomes = model.to_ema(sweep_folder)
    runs = load_results(sweep_folder)["runs"]
    assert list(experiments.columns) == ["world.hub_leakiness_scale", "scenario", "policy", "model"]
    assert experiments["world.hub_leakiness_scale"].tolist() == runs["world.hub_leakiness_scale"].tolist()
    assert list(experiments["policy"]) == [str(p) for p in runs["point_id"]]
    assert set(outcomes) == set(json.loads((sweep_folder / "manifest.json").read_text())["metrics"])
    assert all(len(values) == len(runs) for values in outcomes.values())


def test_to_ema_refuses_a_folder_without_runs(sweep_folder, tmp_path):
    from model.analysis.sweep_report import analyze

    folder = tmp_path / "sweep"
    shutil.copytree(sweep_folder, folder)
    analyze(folder, figures=False)
    with pytest.raises(ModelInputError, match=r"kind 'analysis' holds no runs.*expected a comparison or a sweep"):
        model.to_ema(folder / "analysis")


@pytest.mark.extra("strategy")
def test_the_workbench_takes_to_emas_pair(sweep_folder):
    """EMA's PRIM and feature scoring run on the pair as it is."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring, prim

    experiments, outcomes = model.to_ema(sweep_folder)
    denial = outcomes["denial_effectiveness"]
    box = prim.Prim(experiments, denial > denial.mean(), threshold=0.5).find_box()
    assert "world.hub_leakiness_scale" in box.box_lims[-1]
    scores = feature_scoring.get_feature_scores_all(experiments, {"denial": denial}, max_features=1)
    assert scores["denial"].sum() == pytest.approx(1.0)


def test_a_comparison_saves_and_loads_identically(comparison_folder, tmp_path):
    loaded = Comparison.load(comparison_folder)
    copy = loaded.save(tmp_path / "copy")
    again = Comparison.load(copy)
    for name, table in loaded.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name])
    written = loaded.plot(tmp_path / "figures", only="capability_over_time", formats=("png",))
    assert [p.name for p in written] == ["capability_over_time.png"]


def _broken_parquet(folder: Path) -> None:
    (folder / "summary.parquet").write_bytes(b"PAR1 broken")


def _one_row_of_flows(folder: Path) -> None:
    pd.read_parquet(folder / "flows.parquet").head(1).to_parquet(folder / "flows.parquet")


def _edit_manifest(folder: Path, edit) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    edit(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _without_file_checksums(folder: Path) -> None:
    """As a folder written before the Parquet files' SHA-256 was recorded."""
    _edit_manifest(folder, lambda m: [entry.pop("file_sha256", None) for entry in m["tables"].values()])


@pytest.mark.parametrize("damage, words", [
    (_broken_parquet, "summary.parquet: changed since it was written"),
    (lambda f: (_without_file_checksums(f), _broken_parquet(f)), "summary.parquet: not a readable Parquet"),
    (lambda f: (f / "runs.parquet").unlink(), "runs.parquet: missing table"),
    (_one_row_of_flows, "flows.parquet: changed since it was written"),
    (lambda f: (_without_file_checksums(f), _one_row_of_flows(f)), "flows.parquet: holds 1 rows, the manifest says"),
    (lambda f: pd.read_parquet(f / "runs.parquet").assign(seed=1.5).to_parquet(f / "runs.parquet"),
     "runs.parquet: changed since it was written"),
    (lambda f: (f / "manifest.json").write_text('{"kind": "comparison", "tabl'), "manifest.json: damaged manifest"),
    (lambda f: (f / "manifest.json").write_text("[]"), "not a manifest written by this tool"),
    (lambda f: _edit_manifest(f, lambda m: m["tables"]["runs"].update(file="../../etc/passwd")),
     "manifest.json: tables: damaged list of tables"),
    (lambda f: _edit_manifest(f, lambda m: m["tables"]["runs"].update(csv="..")),
     "manifest.json: tables: damaged list of tables"),
])
def test_damaged_folders_are_one_error_naming_the_file(comparison_folder, tmp_path, damage, words):
    folder = tmp_path / "copy"
    shutil.copytree(comparison_folder, folder)
    damage(folder)
    with pytest.raises(ModelInputError, match=words):
        load_results(folder)


def test_every_listed_parquet_file_carries_the_checksum_of_its_bytes(comparison_folder):
    manifest = json.loads((comparison_folder / "manifest.json").read_text())
    parquet = {name: entry for name, entry in manifest["tables"].items() if entry["file"].endswith(".parquet")}
    assert parquet
    for entry in parquet.values():
        expected = hashlib.sha256((comparison_folder / entry["file"]).read_bytes()).hexdigest()
        assert entry["file_sha256"] == expected


def test_a_sweep_folder_reproduces(sweep_folder):
    from model.experiment.reproduce import reproduce

    found = reproduce(sweep_folder, executor="serial", progress=False)
    assert found.differing == {} and set(found.tables) == {"runs", "points", "baselines", "timeseries", "columns"}


def test_a_folder_written_in_one_go_offers_only_force_when_it_exists(comparison_folder, tmp_path):
    from model.experiment.folders import FolderExistsError

    loaded = Comparison.load(comparison_folder)
    loaded.save(tmp_path / "copy")
    with pytest.raises(FolderExistsError) as refused:
        loaded.save(tmp_path / "copy")
    assert refused.value.options == ("force",)  # it cannot be resumed
    loaded.save(tmp_path / "copy", force=True)


def test_a_folder_where_a_table_or_summary_should_be_is_one_error(tmp_path):
    from model.experiment.folders import write_table, write_text

    (tmp_path / "runs.parquet").mkdir()
    with pytest.raises(ModelInputError, match=r"runs.parquet: is a folder"):
        write_table(tmp_path, "runs", pd.DataFrame({"x": [1]}))
    (tmp_path / "summary.md").mkdir()  # found by fuzzing coalitions --resume
    with pytest.raises(ModelInputError, match=r"summary.md: is a folder"):
        write_text(tmp_path / "summary.md", "text")
    write_text(tmp_path / "notes.md", "text")
    assert (tmp_path / "notes.md").read_text() == "text" and not list(tmp_path.glob(".*tmp"))
