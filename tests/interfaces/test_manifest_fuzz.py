"""Damaged manifests given to plot, analyze and reproduce: exit 0, 1 (reproduce: numbers differ) or
2 with one ``error:`` line; never a traceback, never a new file or folder after an error."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.experiment import compare, sweep
from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR, load_scenario


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fuzz")
    us = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_copy(update={"horizon": 5})
    compare([us], replications=1, executor="serial", progress=False, out=root / "comparison")
    sweep(SCENARIO_DIR / "unilateral_us.toml", {"world.hub_leakiness_scale": [0.5, 1.0]}, replications=1,
          scenario={"horizon": 5}, out=root / "sweep", progress=False)
    return {"comparison": root / "comparison", "sweep": root / "sweep"}


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@st.composite
def damaged(draw, text: str) -> str:
    """A truncation, a deletion, an insertion or a replacement somewhere in ``text``."""
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 40)))
    how = draw(st.sampled_from(["truncate", "delete", "insert", "replace"]))
    junk = draw(st.text(alphabet=st.sampled_from('{}[]",:0123456789-eE.truefalsnu abc\n'), max_size=12))
    if how == "truncate":
        return text[:start]
    if how == "delete":
        return text[:start] + text[end:]
    if how == "insert":
        return text[:start] + junk + text[start:]
    return text[:start] + junk + text[end:]


def attempt(folder: Path, argv: list[str], allowed: tuple[int, ...]) -> None:
    before = tree(folder.parent)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    assert code in allowed, err.getvalue()
    if code == 2:
        lines = err.getvalue().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err.getvalue()
        assert tree(folder.parent) == before  # nothing left behind after an error


def fuzz(folders: dict[str, Path], kind: str, data: st.DataObject, command: list[str],
         allowed: tuple[int, ...]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / kind
        shutil.copytree(folders[kind], folder)
        manifest = folder / "manifest.json"
        manifest.write_text(data.draw(damaged(manifest.read_text())))
        attempt(folder, [command[0], str(folder), *command[1:]], allowed)


@given(data=st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_plot_a_comparison_with_a_damaged_manifest(folders, data):
    fuzz(folders, "comparison", data, ["plot", "--figure", "effectiveness", "--format", "png"], (0, 2))


@given(data=st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_analyze_a_sweep_with_a_damaged_manifest(folders, data):
    fuzz(folders, "sweep", data, ["analyze", "--no-figures"], (0, 2))


@given(data=st.data())
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_reproduce_with_a_damaged_manifest(folders, data):
    fuzz(folders, "comparison", data, ["reproduce", "--workers", "1", "--quiet"], (0, 1, 2))


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> tuple[Path, Path]:
    """A small sweep file and the finished folder it wrote through the command line."""
    root = tmp_path_factory.mktemp("resume")
    file = root / "small.toml"
    file.write_text(f'base = "{SCENARIO_DIR / "unilateral_us.toml"}"\nreplications = 1\n[scenario]\nhorizon = 5\n'
                    '[[parameters]]\nkey = "world.hub_leakiness_scale"\nvalues = [0.5, 1.0]\n')
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["sweep", str(file), "--out", str(root / "sweep"), "--quiet", "--workers", "1"]) == 0
    return file, root / "sweep"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@given(data=st.data())
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_resume_a_sweep_with_a_damaged_manifest(sweep_file, data):
    """Resuming continues or refuses in one line; a refusal leaves every file as it was."""
    file, finished = sweep_file
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "sweep"
        shutil.copytree(finished, folder)
        manifest = folder / "manifest.json"
        manifest.write_text(data.draw(damaged(manifest.read_text())))
        before, err = files(folder), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["sweep", str(file), "--resume", "--out", str(folder), "--quiet", "--workers", "1"])
        assert code in (0, 2), err.getvalue()
        if code == 2:
            lines = err.getvalue().strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), err.getvalue()
            assert files(folder) == before


def test_reproduce_names_every_changed_table_and_refuses_nothing_to_check(folders, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(folders["comparison"], folder)
    summary = folder / "summary.csv"
    summary.write_text(summary.read_text().replace("unilateral_us", "unilateral_uk"))
    (folder / "replications.parquet").write_bytes(b"PAR1 not any more")
    assert main(["reproduce", str(folder), "--workers", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "DIFFERENT: summary.csv: changed since it was written" in err
    assert "DIFFERENT: replications.parquet: unreadable" in err
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"tables"', '"tablets"'))
    assert main(["reproduce", str(folder), "--workers", "1", "--quiet"]) == 2
    assert "nothing to check" in capsys.readouterr().err


def test_analyze_leaves_no_half_analysis_folder(folders, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(folders["sweep"], folder)
    (folder / "points.parquet").write_bytes(b"PAR1 broken")
    assert main(["analyze", str(folder), "--no-figures"]) == 2
    assert "points.parquet: changed since it was written" in capsys.readouterr().err
    assert not (folder / "analysis").exists() and not list(folder.glob(".analysis*"))


def test_reproduce_checks_the_stored_scenarios_against_the_world(folders, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(folders["comparison"], folder)
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"CHN"', '"HN"', 1).replace('"USA"', '"UAS"', 1))
    assert main(["reproduce", str(folder), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]


@pytest.mark.parametrize("old, new", [('"baseline_targets_capable"', '"aseline_targets_capable"'),
                                      ('"world.hub_leakiness_scale": 0.5', '"world.hub_leakines": 0.5')])
def test_analyze_refuses_a_manifest_naming_columns_it_does_not_store(folders, old, new):
    """Found by the fuzz test above: a metric or design column renamed in the manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "sweep"
        shutil.copytree(folders["sweep"], folder)
        manifest = folder / "manifest.json"
        text = manifest.read_text()
        assert old in text
        manifest.write_text(text.replace(old, new, 1))
        attempt(folder, ["analyze", str(folder)], (2,))


def test_plot_refuses_a_comparison_whose_settings_were_edited(folders, tmp_path, capsys):
    """Figures read the scenarios' calendar from the manifest: a scenario without its warm-up (found
    by the fuzz test above) must not reach them."""
    import json

    folder = tmp_path / "copy"
    shutil.copytree(folders["comparison"], folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    del next(iter(manifest["scenarios"].values()))["warmup"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    before = tree(folder)
    assert main(["plot", str(folder), "--figure", "capability_over_time", "--format", "png"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "settings_digest: damaged settings" in err[0]
    assert tree(folder) == before


def test_resume_refuses_a_folder_whose_settings_were_edited(sweep_file, tmp_path, capsys):
    """A finished folder is not rewritten on resume, so an edited seed would otherwise stay."""
    import json

    file, finished = sweep_file
    folder = tmp_path / "sweep"
    shutil.copytree(finished, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["seed"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    before = files(folder)
    assert main(["sweep", str(file), "--resume", "--out", str(folder), "--quiet", "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "settings_digest: damaged settings" in err[0]
    assert files(folder) == before


def test_analyze_never_replaces_an_analysis_folder_it_did_not_write(folders, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(folders["sweep"], folder)
    (folder / "analysis").mkdir()
    (folder / "analysis" / "notes.txt").write_text("mine")
    assert main(["analyze", str(folder), "--no-figures"]) == 2
    assert "analysis: exists and was not written by this tool" in capsys.readouterr().err
    assert (folder / "analysis" / "notes.txt").read_text() == "mine"
    (folder / "analysis" / "notes.txt").unlink()
    assert main(["analyze", str(folder), "--no-figures"]) == 0  # an empty folder is used
    assert main(["analyze", str(folder), "--no-figures"]) == 0  # and one it wrote is replaced


def test_analyze_refuses_a_figures_file_before_writing_anything(folders, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(folders["sweep"], folder)
    (folder / "figures").write_text("not a folder")
    before = tree(folder)
    assert main(["analyze", str(folder)]) == 2
    assert "figures: exists and is not a folder" in capsys.readouterr().err
    assert tree(folder) == before


def test_analyze_and_plot_take_the_manifest_for_its_folder(folders, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(folders["sweep"], folder)
    assert main(["analyze", str(folder / "manifest.json"), "--no-figures"]) == 0
    assert (folder / "analysis" / "manifest.json").is_file()
    comparison = tmp_path / "comparison"
    shutil.copytree(folders["comparison"], comparison)
    assert main(["plot", str(comparison / "manifest.json"), "--figure", "effectiveness", "--format", "png"]) == 0
    assert (comparison / "figures" / "effectiveness.png").is_file()


@pytest.mark.parametrize("edit", [
    lambda m: m["sweep"]["parameters"][0].update(values=5),
    lambda m: m["design"]["points"].pop(),
    lambda m: m["design"].update(seed=-1),
])
def test_analyze_refuses_settings_edited_after_the_sweep(folders, tmp_path, edit, capsys):
    """Found by fuzzing: edited settings reached SALib, pandas and the figures."""
    import json

    folder = tmp_path / "copy"
    shutil.copytree(folders["sweep"], folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    edit(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    refused(folder, "damaged", capsys)


@pytest.mark.parametrize("column, value", [("point_id", "1"), ("target_capability", "x"), ("replicate", 1.5)])
def test_analyze_refuses_a_table_rewritten_after_the_sweep(folders, tmp_path, column, value, capsys):
    """Found by fuzzing: rewritten tables reached pandas, SALib and the figures."""
    import pandas as pd

    folder = tmp_path / "copy"
    shutil.copytree(folders["sweep"], folder)
    runs = pd.read_parquet(folder / "runs.parquet")
    runs.assign(**{column: value}).to_parquet(folder / "runs.parquet")
    refused(folder, "runs.parquet: changed since it was written", capsys)


def refused(folder: Path, words: str, capsys) -> None:
    """``analyze`` on ``folder`` is one error line with ``words``, and writes nothing."""
    before = tree(folder)
    assert main(["analyze", str(folder)]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and err.startswith("error: ")
    assert tree(folder) == before


def test_plot_never_writes_figures_among_a_results_folders_tables(folders, tmp_path, capsys):
    """Found by fuzzing: plot --out SWEEP put a comparison's figures beside the sweep's tables."""
    sweep = tmp_path / "sweep"
    shutil.copytree(folders["sweep"], sweep)
    before = tree(sweep)
    assert main(["plot", str(folders["comparison"]), "--figure", "effectiveness", "--out", str(sweep)]) == 2
    assert "--out: a results folder" in capsys.readouterr().err
    assert tree(sweep) == before
