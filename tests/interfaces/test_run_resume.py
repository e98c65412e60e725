"""``run`` killed at a random moment, then ``--resume``: the same tables as an uninterrupted run,
and nothing left behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from model.experiment import Comparison
from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_killed_run_resumes_to_the_uninterrupted_results(tmp_path):
    scenario = tmp_path / "short.toml"
    scenario.write_text(f'extends = "{SCENARIO_DIR / "unilateral_us.toml"}"\nhorizon = 8\nreplications = 3\n')
    args = ["run", str(scenario), "--workers", "1", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "whole")]) == 0
    cut = tmp_path / "cut"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args, "--out", str(cut)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while not (cut / "manifest.json").exists() and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.01)
    time.sleep(random.Random(7).uniform(0.0, 2.0))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert main([*args, "--out", str(cut)]) == 2  # not without --resume
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    whole, resumed = Comparison.load(tmp_path / "whole"), Comparison.load(cut)
    for name, table in whole.tables().items():
        pd.testing.assert_frame_equal(table.drop(columns="seconds", errors="ignore"),
                                      resumed.tables()[name].drop(columns="seconds", errors="ignore"))
    assert not (cut / "parts").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut", "short.toml", "whole"]
