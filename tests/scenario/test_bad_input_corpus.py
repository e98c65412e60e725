"""The bad-input corpus beyond the documented examples: one file per class of value that must be
refused at the edge (bounds, overflowing parameters, ambiguity, empty files, oversized designs),
each refused by ``validate`` with one ``error:`` line naming the file and key, and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.interfaces.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

CORPUS = {
    "scenarios/e14.toml": "horizon: out of range (expected an integer in [1, 1200], got 100000000)",
    "scenarios/e15.toml": "start_date: out of range (expected a date in [1900-01-01, 2200-12-31], got 9999-01-01)",
    "scenarios/e16.toml": "horizon: the run would reach 2204, after 2200-12-31; at most 24 steps from 2195-01-01",
    "scenarios/e17.toml": "seed: out of range (expected an integer in [0, 9223372036854775807], got -5)",
    "scenarios/e18.toml": "replications: out of range (expected an integer in [1, 10000], got 1000000000000)",
    "scenarios/e19.toml": "steps_per_year: out of range (expected an integer in [1, 12], got 52)",
    "scenarios/e20.toml": "parameters.price_sensitivity: out of range (expected a number in [1, 50], got 1e+300)",
    "scenarios/e21.toml": "policies.agreements[0]: member 'USA' is listed twice",
    "scenarios/e22.toml": "policies: two agreements are named 'pact'",
    "scenarios/e23.toml": "the file sets nothing (no keys)",
    "scenarios/e24.toml": "world.vendors.Hikvision.scale: out of range (expected a number in [0.001, 1000]",
    "scenarios/e25.toml": "parameters.scale_factor_by_vendor: factors must be in [0.001, 1000]",
    "sweeps/es1.toml": "samples: out of range (expected an integer in [1, 100000], got 1000000000.0)",
    "sweeps/es2.toml": "parameters: 72,017,001 design points, more than this tool runs at once",
    "sweeps/es3.toml": "replications: out of range (expected an integer in [1, 10000], got -1)",
    "sweeps/es4.toml": "parameters[0]: horizon: out of range (expected an integer in [1, 1200], got 100000000)",
}


@pytest.mark.parametrize("name, message", CORPUS.items())
def test_each_bad_file_is_one_line_naming_file_and_key(name, message, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(FIXTURES)
    assert main(["validate", name]) == 2
    out = capsys.readouterr()
    assert out.err.startswith(f"error: {name}: {message}") and out.err.count("\n") == 1 and out.out == ""


def test_a_run_with_a_bad_file_leaves_no_folder(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for name in CORPUS:
        if name.startswith("scenarios/"):
            assert main(["run", str(FIXTURES / name), "--out", "out"]) == 2
            assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []
