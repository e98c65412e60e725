"""Checking before running: ``validate`` recognises every file kind, ``sweep --dry-run`` sizes and
times a sweep without writing anything, and small sensitivity designs are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.calibration import CALIBRATION_FILE
from model.experiment.api import load_sweep
from model.experiment.preflight import MORRIS_ENOUGH, design_warning, interval_half_width, sobol_enough
from model.interfaces import file_kinds
from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

SWEEP = """base = "{base}"
design = "{design}"
samples = {samples}
replications = 1
paired = false

[[parameters]]
key = "parameters.price_sensitivity"
bounds = [2.0, 6.0]

[[parameters]]
key = "parameters.quality_sensitivity"
bounds = [4.0, 10.0]
"""


def sweep_file(folder: Path, design: str = "lhs", samples: int = 3) -> Path:
    (folder / "tiny.toml").write_text(f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nhorizon = 3\nwarmup = 1\n')
    path = folder / "s.toml"
    path.write_text(SWEEP.format(base="tiny.toml", design=design, samples=samples))
    return path


def test_validate_recognises_scenarios_sweeps_and_calibration_files(capsys):
    files = [SCENARIO_DIR / "wassenaar.toml", SCENARIO_DIR / "sweeps" / "de_minimis.toml", CALIBRATION_FILE]
    assert main(["validate", *map(str, files)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"ok: {files[0]} (scenario 'wassenaar'")
    assert lines[1].startswith(f"ok: {files[1]} (sweep 'de_minimis', grid design of ")
    assert lines[2].startswith(f"ok: {files[2]} (calibration: ")


def test_validate_recognises_the_analysis_files(capsys):
    analyses = SCENARIO_DIR / "analyses"
    files = [analyses / "partners.toml", analyses / "frontier.toml"]
    assert main(["validate", *map(str, files)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"ok: {files[0]} (coalitions analysis 'partners': 9 potential partners of USA")
    assert lines[1].startswith(f"ok: {files[1]} (frontier analysis ")


def test_validate_checks_an_analysis_file_as_its_command_does(tmp_path, capsys):
    bad = tmp_path / "partners.toml"
    text = (SCENARIO_DIR / "analyses" / "partners.toml").read_text()
    bad.write_text(text.replace('scenario = "../echri_coalition.toml"',
                                f'scenario = "{SCENARIO_DIR / "echri_coalition.toml"}"\ncandidates = ["JPN", "DEUU"]'))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "candidates" in err and "'DEU'" in err


def test_validate_checks_a_calibration_file_as_calibrate_does(tmp_path, capsys):
    bad = tmp_path / "cal.toml"
    bad.write_text(CALIBRATION_FILE.read_text().replace('key = "parameters.price_sensitivity"',
                                                       'key = "parameters.price_sensitivty"', 1))
    assert main(["validate", str(bad)]) == 2
    assert "'price_sensitivity'" in capsys.readouterr().err  # the suggestion for the typo


def test_a_new_file_kind_registers_by_its_marker(tmp_path, monkeypatch):
    monkeypatch.setattr(file_kinds, "KINDS", list(file_kinds.KINDS))
    kind = file_kinds.register(file_kinds.FileKind("analysis", frozenset({"agreement"}),
                                                   lambda path: ("an analysis", [])))
    (tmp_path / "a.toml").write_text('agreement = "echri"\n')
    assert file_kinds.check_file(tmp_path / "a.toml") == (kind, "an analysis", [])


def test_dry_run_prints_points_runs_and_time_and_writes_nothing(tmp_path, monkeypatch, capsys):
    path = sweep_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    assert main(["sweep", str(path), "--dry-run", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "price_sensitivity" in out and "quality_sensitivity" in out
    assert "3 design points, 3 runs; one run took " in out and "on 2 worker(s)" in out
    assert sorted(tmp_path.rglob("*")) == before



@pytest.mark.parametrize("flags", [["--resume"], ["--force"], ["--out", "results/x"], ["--force", "--resume"]])
def test_dry_run_refuses_options_about_the_results_folder(tmp_path, monkeypatch, capsys, flags):
    path = sweep_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    assert main(["sweep", str(path), "--dry-run", *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --dry-run") and flags[0] in err[0]
    assert sorted(tmp_path.rglob("*")) == before

@pytest.mark.parametrize("design, samples, enough", [("sobol", 4, sobol_enough()), ("morris", 4, MORRIS_ENOUGH)])
def test_small_sensitivity_designs_are_flagged_with_the_n_that_is_enough(tmp_path, design, samples, enough):
    small = load_sweep(sweep_file(tmp_path, design, samples))
    assert f"use samples = {enough} or more" in design_warning(small)
    tmp = tmp_path / "big"
    tmp.mkdir()
    assert design_warning(load_sweep(sweep_file(tmp, design, enough))) is None


def test_the_sobol_rule_matches_its_documentation():
    assert interval_half_width(4) == pytest.approx(3.0)  # about +/-3 at N = 4
    assert sobol_enough() == 1024 and interval_half_width(1024) <= 0.2 < interval_half_width(512)
