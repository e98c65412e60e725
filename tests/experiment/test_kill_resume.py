"""Killed at a random moment (kill -9), ``run`` and ``sweep`` continue with ``--resume`` to exactly
the results of an uninterrupted run, with nothing left behind: no staging copy, no lock, no worker."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

TINY = f'extends = "{ROOT / "scenarios" / "unilateral_us.toml"}"\nhorizon = 6\nwarmup = 2\nreplications = 12\n'
SWEEP = ('base = "tiny.toml"\nreplications = 3\n[[parameters]]\nkey = "world.hub_leakiness_scale"\n'
         'values = [0.25, 0.5, 0.75, 1.0]\n')
COMMANDS = {"run": ["run", "tiny.toml"], "sweep": ["sweep", "sweep.toml", "--chunk", "2"]}


def command(args: list[str], cwd: Path) -> subprocess.Popen:
    argv = [sys.executable, str(ROOT / "run.py"), *args, "--workers", "2", "--quiet"]
    return subprocess.Popen(argv, cwd=cwd, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})


def finish(args: list[str], cwd: Path) -> float:
    start = time.monotonic()
    process = command(args, cwd)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return time.monotonic() - start


def digests(folder: Path) -> dict[str, str]:
    tables = json.loads((folder / "manifest.json").read_text())["tables"]
    return {name: entry["digest"] for name, entry in tables.items()}


def gone(group: int) -> bool:
    ps = subprocess.run(["ps", "-o", "stat=", "-g", str(group)], capture_output=True, text=True, check=False)
    return all(stat.startswith("Z") for stat in ps.stdout.split())


@pytest.mark.parametrize("kind", sorted(COMMANDS))
@pytest.mark.parametrize("attempt", range(2))
def test_killed_at_a_random_moment_then_resumed_gives_the_same_results(kind, attempt, tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY)
    (tmp_path / "sweep.toml").write_text(SWEEP)
    args = COMMANDS[kind]
    seconds = finish([*args, "--out", "reference"], tmp_path)

    process = command([*args, "--out", "out"], tmp_path)
    time.sleep(random.Random(attempt).uniform(0.3, seconds))
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)  # its pipes close: no worker holds them
    deadline = time.monotonic() + 20
    while not gone(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert gone(process.pid)

    resumed = [*args, "--out", "out", "--resume"] if (tmp_path / "out").exists() else [*args, "--out", "out"]
    finish(resumed, tmp_path)
    assert digests(tmp_path / "out") == digests(tmp_path / "reference")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "reference", "sweep.toml", "tiny.toml"]
    hidden = [p for p in (tmp_path / "out").rglob(".*") if p != tmp_path / "out" / "figures" / ".drawn"]
    assert hidden == [], hidden  # only the list of the figures drawn
