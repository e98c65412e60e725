"""The command line: results folders, reproduce, and one clear line with exit code 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """unilateral_us, shortened: 8 steps, 2 replications."""
    path = tmp_path / "small.toml"
    path.write_text(f'extends = "{SCENARIO_DIR / "unilateral_us.toml"}"\nhorizon = 8\nreplications = 2\n')
    return path


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_run_writes_a_complete_results_folder_and_reproduce_confirms_it(small, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(small), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "denial, equal-weighted" in printed and "denial, population-weighted" in printed and "small" in printed
    assert "largest" in printed and "smallest" in printed
    for name in ("summary.csv", "replications.csv", "timeseries.csv", "runs.csv", "flows.csv", "regimes.csv",
                 "per_regime.csv", "manifest.json", "figures/capability_over_time.png", "figures/effectiveness.png"):
        assert (out / name).exists(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replications"] == 2 and len(manifest["seeds"]) == 2
    assert manifest["scenarios"]["small"]["horizon"] == 8
    assert {"python", "packages", "project_version", "git"} <= set(manifest["environment"])
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["scenario"]) == ["small"] and summary["replications"].iat[0] == 2
    for measure in ("population", "equal", "importing"):
        assert {f"denial_{measure}", f"denial_{measure}_low", f"denial_{measure}_high"} <= set(summary)
    per_regime = pd.read_csv(out / "per_regime.csv")
    assert {"scenario", "iso3", "denial_low", "denial_high", "leakage_rate_low", "leakage_rate_high"} <= set(per_regime)
    assert set(per_regime["scenario"]) == {"small"} and per_regime["iso3"].is_unique
    assert main(["reproduce", str(out / "manifest.json"), "--workers", "1", "--quiet"]) == 0
    assert "identical" in capsys.readouterr().out


def test_reproduce_notices_changed_numbers(small, tmp_path, capsys):
    out = tmp_path / "out"
    main(["run", str(small), "--out", str(out), "--workers", "1", "--quiet"])
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tables"]["replications"]["digest"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert main(["reproduce", str(out), "--workers", "1", "--quiet"]) == 1
    assert "DIFFERENT" in capsys.readouterr().err


def test_an_existing_output_folder_is_refused_and_only_ours_is_forced(small, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = ["run", str(small), "--out", str(out), "--workers", "1", "--quiet"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {out}: exists and was not written by this tool (no manifest of ours); it is never replaced"
    assert main([*args, "--force"]) == 2  # --force never replaces a folder this tool did not write
    assert (out / "keep.txt").read_text() == "mine"
    (out / "keep.txt").unlink()
    assert main(args) == 0  # an empty folder is used
    assert main(args) == 2
    assert capsys.readouterr().err.strip().endswith(
        "output folder exists; add --resume to continue it or --force to replace it")
    (out / "extra.txt").write_text("left by the user in our folder")
    assert main([*args, "--force"]) == 2  # never deleted: named, and the folder left as it was
    assert capsys.readouterr().err == (f"error: {out}: holds files this tool did not write (extra.txt); they are "
                                       "never deleted: move them elsewhere, or write to another folder\n")
    assert (out / "extra.txt").read_text() == "left by the user in our folder"
    (out / "extra.txt").unlink()
    assert main([*args, "--force"]) == 0  # its tables, manifest and drawn figures: all of it ours
    assert (out / "summary.csv").exists() and (out / "figures" / "effectiveness.png").exists()
    assert not list(tmp_path.glob(".out.*"))  # no lock, staging or retired folder left beside it


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_output_folder_is_refused(small, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert main(["run", str(small), "--out", str(locked / "out"), "--quiet"]) == 2
    assert "cannot write the output folder" in capsys.readouterr().err


def test_an_output_folder_under_a_file_is_refused(small, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["run", str(small), "--out", str(blocker / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "cannot write the output folder" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("horizon = [", "line 1"),  # malformed TOML
        ("horizn = 8", "unknown key"),
        ("horizon = 'eight'", "horizon"),
        ("[[policies.national]]\njurisdiction = 'USA'\nenforcement = 1.5", "policies.national[0].enforcement"),
        ("[[policies.national]]\njurisdiction = 'UAS'", "did you mean 'USA'"),
        ("extends = 'nowhere.toml'", "nowhere.toml"),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2_and_no_folder(tmp_path, content, fragment):
    bad = tmp_path / "bad.toml"
    bad.write_text(content + "\n")
    out = tmp_path / "out"
    result = run_cli("run", str(bad), "--out", str(out), "--quiet")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}") and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_missing_file_and_circular_extends(tmp_path):
    result = run_cli("validate", str(tmp_path / "absent.toml"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "absent.toml" in result.stderr
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    result = run_cli("validate", str(tmp_path / "a.toml"))
    assert result.returncode == 2 and "circular" in result.stderr.lower()


def test_validate_and_list_the_library():
    result = run_cli("validate", *map(str, sorted(SCENARIO_DIR.glob("*.toml"))))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok: ") == len(list(SCENARIO_DIR.glob("*.toml")))
    listing = run_cli("list")
    assert listing.returncode == 0 and "wassenaar" in listing.stdout and "global_with_china" in listing.stdout


@pytest.mark.parametrize("command", ["run", "compare", "validate", "list", "reproduce", "calibrate",
                                     "validation-report"])
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_options_before_the_subcommand_apply_to_it(small, tmp_path):
    out = tmp_path / "out"
    assert main(["--seed", "5", "--replications", "1", "--out", str(out), "run", str(small), "--workers", "1",
                 "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["replications"]) == (5, 1)  # not the file's 2 replications


@pytest.mark.parametrize("argv, message", [
    (["--seed", "5", "list"], "--seed: does nothing with list"),
    (["--seed", "4", "run", "x.toml", "--seed", "5"], "--seed: given before and after the subcommand"),
    (["list", "--dir", "nowhere"], "--dir: no such folder"),
    (["list", "--dir", ""], "--dir: no such folder"),
])
def test_misplaced_options_and_missing_folders_are_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("command", [["run", "x.toml"], ["sweep", "x.toml"], ["plot", "folder"],
                                     ["coalitions", "x.toml"], ["discover", "folder"], ["calibrate"]])
@pytest.mark.parametrize("out", ["", ".", "..", "results/..", "a\0b"])
def test_an_output_folder_without_a_name_is_refused_as_parsed(command, out, capsys):
    with pytest.raises(SystemExit) as refused:
        main([*command, "--out", out])
    assert refused.value.code == 2
    assert "expected a folder path with a name" in capsys.readouterr().err


def test_a_manifest_nested_too_deep_is_one_line(small, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["reproduce", str(out)]) == 2
    assert "damaged manifest (nested too deep)" in capsys.readouterr().err
    assert main(["run", str(small), "--out", str(out), "--quiet", "--force"]) == 2
    assert "was not written by this tool" in capsys.readouterr().err


@pytest.mark.parametrize("marker, typo", [("scenario", "scenaro"), ("base", "bse"), ("outcome", "outcom")])
def test_validate_suggests_a_misspelt_marker_of_a_file_kind(tmp_path, marker, typo, capsys):
    """A file whose marker is misspelt was checked as a scenario and got a scenario's key list."""
    (tmp_path / "f.toml").write_text(f'{typo} = "x.toml"\n')
    assert main(["validate", str(tmp_path / "f.toml")]) == 2
    assert capsys.readouterr().err.strip().endswith(f"f.toml: {typo}: unknown key; did you mean '{marker}'?")


@pytest.mark.parametrize("change, key", [(["--replications", "2"], "replications"), (["--seed", "3"], "seed")])
def test_a_refused_resume_names_the_option_that_changed(small, tmp_path, change, key, capsys):
    out = tmp_path / "out"
    args = ["run", str(small), "--out", str(out), "--workers", "1", "--quiet", "--replications", "1"]
    assert main(args) == 0
    assert main([*args, *change, "--resume"]) == 2  # the last of a repeated option counts
    assert f"differs from the one stored there at {key} " in capsys.readouterr().err


def test_a_leading_zero_is_a_value(small, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--seed", "0", "run", str(small), "--out", str(out), "--workers", "1", "--quiet",
                 "--replications", "1"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 0
    assert main(["--seed", "5", "run", str(small), "--seed", "0"]) == 2  # a given 0 is not overruled
    assert "--seed: given before and after the subcommand" in capsys.readouterr().err


def test_an_error_line_escapes_unprintable_characters(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "a\x01b.toml")]) == 2
    err = capsys.readouterr().err
    assert "a\\x01b.toml: file not found" in err and "\x01" not in err and err.count("\n") == 1
